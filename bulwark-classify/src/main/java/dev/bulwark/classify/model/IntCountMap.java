package dev.bulwark.classify.model;

import java.util.Arrays;

/**
 * Counts of non-negative int keys: open addressing with linear probing, at most half full, doubling
 * when it would be fuller. Remembers keys in first-insertion order so that iteration and clearing cost
 * the number of keys, not the capacity, and never depend on the table's layout. Not thread-safe.
 */
final class IntCountMap {
  // Slots hold key + 1 so that 0 means empty without filling the arrays.
  private int[] keys;
  private int[] counts;
  private int[] order;
  private int size;
  private int shift;

  IntCountMap(int expected) {
    int capacity = Integer.highestOneBit(Math.max(8, expected) * 2 - 1) << 1;
    keys = new int[capacity];
    counts = new int[capacity];
    order = new int[capacity / 2];
    shift = 32 - Integer.numberOfTrailingZeros(capacity);
  }

  /**
   * An independent copy with the same keys, counts and order, with room for {@code expected} keys in
   * all (so that a copy about to take many more keys does not grow step by step).
   */
  IntCountMap copy(int expected) {
    IntCountMap c = new IntCountMap(Math.max(expected, size));
    if (c.keys.length == keys.length) {
      c.keys = keys.clone();
      c.counts = counts.clone();
      c.order = order.clone();
      c.size = size;
      return c;
    }
    for (int j = 0; j < size; j++) {
      int key = order[j];
      int count = get(key);
      c.put(key, count);
    }
    return c;
  }

  /** Inserts an absent key with its count (for copies); the table has room. */
  private void put(int key, int count) {
    int mask = keys.length - 1;
    int i = slot(key);
    while (keys[i] != 0) {
      i = (i + 1) & mask;
    }
    keys[i] = key + 1;
    counts[i] = count;
    order[size++] = key;
  }

  /** The count of {@code key}, 0 when absent. */
  int get(int key) {
    int stored = key + 1;
    int mask = keys.length - 1;
    for (int i = slot(key); ; i = (i + 1) & mask) {
      int k = keys[i];
      if (k == stored) {
        return counts[i];
      }
      if (k == 0) {
        return 0;
      }
    }
  }

  /** Adds one to the count of {@code key} and returns the count before. */
  int increment(int key) {
    int stored = key + 1;
    int mask = keys.length - 1;
    int i = slot(key);
    for (; ; i = (i + 1) & mask) {
      int k = keys[i];
      if (k == stored) {
        return counts[i]++;
      }
      if (k == 0) {
        break;
      }
    }
    if (size == order.length) {
      grow();
      return increment(key);
    }
    keys[i] = stored;
    counts[i] = 1;
    order[size++] = key;
    return 0;
  }

  /** The number of distinct keys. */
  int size() {
    return size;
  }

  /** The {@code index}-th distinct key, in first-insertion order. */
  int keyAt(int index) {
    return order[index];
  }

  /** Removes every key. */
  void clear() {
    int mask = keys.length - 1;
    for (int j = 0; j < size; j++) {
      int stored = order[j] + 1;
      for (int i = slot(order[j]); ; i = (i + 1) & mask) {
        if (keys[i] == stored) {
          keys[i] = 0;
          counts[i] = 0;
          break;
        }
      }
    }
    size = 0;
  }

  private int slot(int key) {
    return (key * 0x9E3779B9) >>> shift;
  }

  private void grow() {
    int[] oldKeys = keys;
    int[] oldCounts = counts;
    int capacity = oldKeys.length * 2;
    keys = new int[capacity];
    counts = new int[capacity];
    order = Arrays.copyOf(order, capacity / 2);
    shift--;
    int mask = capacity - 1;
    for (int j = 0; j < oldKeys.length; j++) {
      if (oldKeys[j] != 0) {
        int i = slot(oldKeys[j] - 1);
        while (keys[i] != 0) {
          i = (i + 1) & mask;
        }
        keys[i] = oldKeys[j];
        counts[i] = oldCounts[j];
      }
    }
  }
}

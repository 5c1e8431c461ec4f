package dev.bulwark.classify.phrase;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeMap;

/**
 * An Aho-Corasick automaton over normalized text: lower case, with every run of whitespace read as
 * one space. Immutable and shared; each text is scanned with its own {@link Cursor}, which keeps the
 * automaton state between chunks so that a phrase split across chunks is still found, at constant
 * work per character.
 */
final class PhraseMatcher {
  private static final int ROOT = 0;

  // Per state: sorted transition keys and their targets (binary search), the failure link, depth
  // (length of the prefix the state spells), and the index of a phrase that ends here (directly or via
  // the failure chain), or -1.
  private final char[][] keys;
  private final int[][] targets;
  private final int[] fail;
  private final int[] depth;
  private final int[] output;
  private final int longest;

  private PhraseMatcher(char[][] keys, int[][] targets, int[] fail, int[] depth, int[] output, int longest) {
    this.keys = keys;
    this.targets = targets;
    this.fail = fail;
    this.depth = depth;
    this.output = output;
    this.longest = longest;
  }

  /** Lower case, trimmed, whitespace runs collapsed to one space: how phrases and text are compared. */
  static String normalize(String text) {
    StringBuilder sb = new StringBuilder(text.length());
    boolean space = true;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
        if (!space) {
          sb.append(' ');
          space = true;
        }
      } else {
        sb.append(Character.toLowerCase(c));
        space = false;
      }
    }
    int end = sb.length();
    if (end > 0 && sb.charAt(end - 1) == ' ') {
      sb.setLength(end - 1);
    }
    return sb.toString();
  }

  /** Builds the automaton; phrase {@code i}'s match reports index {@code i}. */
  static PhraseMatcher build(List<String> phrases) {
    List<TreeMap<Character, Integer>> trie = new ArrayList<>();
    List<Integer> depths = new ArrayList<>();
    List<Integer> outputs = new ArrayList<>();
    trie.add(new TreeMap<>());
    depths.add(0);
    outputs.add(-1);
    int longest = 0;
    for (int p = 0; p < phrases.size(); p++) {
      String phrase = normalize(phrases.get(p));
      longest = Math.max(longest, phrase.length());
      int state = ROOT;
      for (int i = 0; i < phrase.length(); i++) {
        char c = phrase.charAt(i);
        Integer next = trie.get(state).get(c);
        if (next == null) {
          next = trie.size();
          trie.add(new TreeMap<>());
          depths.add(depths.get(state) + 1);
          outputs.add(-1);
          trie.get(state).put(c, next);
        }
        state = next;
      }
      if (outputs.get(state) < 0) {
        outputs.set(state, p);
      }
    }
    int n = trie.size();
    char[][] keys = new char[n][];
    int[][] targets = new int[n][];
    for (int s = 0; s < n; s++) {
      TreeMap<Character, Integer> edges = trie.get(s);
      keys[s] = new char[edges.size()];
      targets[s] = new int[edges.size()];
      int i = 0;
      for (var e : edges.entrySet()) {
        keys[s][i] = e.getKey();
        targets[s][i] = e.getValue();
        i++;
      }
    }
    int[] depth = depths.stream().mapToInt(Integer::intValue).toArray();
    int[] output = outputs.stream().mapToInt(Integer::intValue).toArray();
    int[] fail = new int[n];
    // Breadth-first: a state's failure link is the longest proper suffix of its prefix that is also a
    // prefix in the trie; outputs are inherited along failure links so a state reports every phrase
    // that ends at it.
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int t : targets[ROOT]) {
      fail[t] = ROOT;
      queue.add(t);
    }
    PhraseMatcher partial = new PhraseMatcher(keys, targets, fail, depth, output, longest);
    while (!queue.isEmpty()) {
      int s = queue.poll();
      for (int i = 0; i < keys[s].length; i++) {
        char c = keys[s][i];
        int t = targets[s][i];
        int f = fail[s];
        int next;
        while ((next = partial.edge(f, c)) < 0 && f != ROOT) {
          f = fail[f];
        }
        fail[t] = next >= 0 && next != t ? next : ROOT;
        if (output[t] < 0) {
          output[t] = output[fail[t]];
        }
        queue.add(t);
      }
    }
    return partial;
  }

  /** The length of the longest normalized phrase. */
  int longest() {
    return longest;
  }

  /** A fresh cursor at the start of a text. */
  Cursor cursor() {
    return new Cursor();
  }

  private int edge(int state, char c) {
    int i = Arrays.binarySearch(keys[state], c);
    return i >= 0 ? targets[state][i] : -1;
  }

  private int step(int state, char c) {
    int s = state;
    while (true) {
      int next = edge(s, c);
      if (next >= 0) {
        return next;
      }
      if (s == ROOT) {
        return ROOT;
      }
      s = fail[s];
    }
  }

  /**
   * The scan position in one text. Remembers the raw offset of each of the last {@link #longest()}
   * normalized characters, so it can say exactly how much raw text a partial match covers.
   *
   * <p>Concurrency: thread-confined.
   */
  final class Cursor {
    private final long[] rawOffsets = new long[Math.max(1, longest)];
    private int state = ROOT;
    private long rawLength;
    private long normalizedLength;
    private boolean lastWasSpace = true;

    /**
     * Scans more text.
     *
     * @return the index of the first phrase found, or -1
     */
    int feed(CharSequence text) {
      int found = -1;
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        long raw = rawLength++;
        char n;
        if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
          if (lastWasSpace) {
            continue;
          }
          lastWasSpace = true;
          n = ' ';
        } else {
          lastWasSpace = false;
          n = Character.toLowerCase(c);
        }
        rawOffsets[(int) (normalizedLength % rawOffsets.length)] = raw;
        normalizedLength++;
        state = step(state, n);
        if (found < 0 && output[state] >= 0) {
          found = output[state];
        }
      }
      return found;
    }

    /**
     * How many raw characters at the end of the text so far could still begin a phrase: the text from
     * the start of the longest partial match to the end.
     */
    int pending() {
      int d = depth[state];
      if (d == 0) {
        return 0;
      }
      long start = rawOffsets[(int) ((normalizedLength - d) % rawOffsets.length)];
      return (int) Math.min(Integer.MAX_VALUE, rawLength - start);
    }
  }
}

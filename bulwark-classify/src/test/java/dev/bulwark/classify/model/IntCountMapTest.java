package dev.bulwark.classify.model;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IntCountMapTest {
  private static IntCountMap counted(int keys) {
    IntCountMap m = new IntCountMap(8);
    for (int k = 0; k < keys; k++) {
      for (int i = 0; i <= k % 3; i++) {
        m.increment(k * 7919);
      }
    }
    return m;
  }

  @Test
  void copy_largerRoom_sameCountsAndOrder() {
    IntCountMap m = counted(20);

    IntCountMap c = m.copy(1000);

    assertThat(c.size()).isEqualTo(20);
    for (int j = 0; j < 20; j++) {
      assertThat(c.keyAt(j)).isEqualTo(m.keyAt(j));
      assertThat(c.get(c.keyAt(j))).isEqualTo(m.get(m.keyAt(j)));
    }
  }

  @Test
  void copy_thenIncrement_leavesTheOriginalAlone() {
    IntCountMap m = counted(5);
    int before = m.get(0);

    IntCountMap c = m.copy(5);
    c.increment(0);
    c.increment(123_456);

    assertThat(m.get(0)).isEqualTo(before);
    assertThat(m.get(123_456)).isZero();
    assertThat(m.size()).isEqualTo(5);
    assertThat(c.get(0)).isEqualTo(before + 1);
    assertThat(c.size()).isEqualTo(6);
  }
}

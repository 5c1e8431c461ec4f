package dev.bulwark.classify.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The encoder's bounded memory of its latest window embeddings. */
class RecentEmbeddingsTest {
  private static float[] vector(float first) {
    return new float[] {first, 2, 3};
  }

  @Test
  void get_afterPut_returnsACopyAndCountsTheHit() {
    RecentEmbeddings r = new RecentEmbeddings(4);
    float[] v = vector(1);
    r.put("w", v);
    v[0] = 99;

    float[] got = r.get("w");
    assertThat(got).containsExactly(1, 2, 3);
    got[0] = 42;
    assertThat(r.get("w")).as("a caller's change stays its own").containsExactly(1, 2, 3);
    assertThat(r.get("other")).isNull();
    assertThat(r.hits()).isEqualTo(2);
    assertThat(r.misses()).isEqualTo(1);
  }

  @Test
  void put_pastTwoGenerations_forgetsTheOldest() {
    RecentEmbeddings r = new RecentEmbeddings(3);
    for (int i = 0; i < 6; i++) {
      r.put("w" + i, vector(i));
    }
    // w0..w2 filled the first generation and became the old one; w3..w5 filled the second, which
    // pushed the first out.
    assertThat(r.get("w0")).isNull();
    assertThat(r.get("w2")).isNull();
    assertThat(r.get("w3")).containsExactly(3, 2, 3);
    assertThat(r.get("w5")).containsExactly(5, 2, 3);
  }

  @Test
  void get_hitInTheOldGeneration_survivesTheNextTurnover() {
    RecentEmbeddings r = new RecentEmbeddings(3);
    r.put("a", vector(1));
    r.put("b", vector(2));
    r.put("c", vector(3)); // the first generation is full: it becomes the old one
    assertThat(r.get("a")).as("found in the old generation, copied to the young").isNotNull();
    r.put("d", vector(4));
    r.put("e", vector(5)); // young (a, d, e) full: the generation holding b and c is dropped

    assertThat(r.get("a")).containsExactly(1, 2, 3);
    assertThat(r.get("b")).isNull();
    assertThat(r.get("e")).containsExactly(5, 2, 3);
  }

  @Test
  void clear_forgetsEverythingKeepsTheCounts() {
    RecentEmbeddings r = new RecentEmbeddings(2);
    r.put("a", vector(1));
    r.put("b", vector(2));
    r.put("c", vector(3));
    assertThat(r.get("c")).isNotNull();

    r.clear();

    assertThat(r.get("a")).isNull();
    assertThat(r.get("c")).isNull();
    assertThat(r.hits()).isEqualTo(1);
    assertThat(r.misses()).isEqualTo(2);
  }

  @Test
  void constructor_capacityBelowOne_refused() {
    assertThatThrownBy(() -> new RecentEmbeddings(0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capacity");
  }
}

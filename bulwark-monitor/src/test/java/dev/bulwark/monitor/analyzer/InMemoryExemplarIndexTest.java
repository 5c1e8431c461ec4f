package dev.bulwark.monitor.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InMemoryExemplarIndexTest {
  static float[] unit(float... v) {
    double n = 0;
    for (float f : v) {
      n += f * f;
    }
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] / Math.sqrt(n));
    }
    return out;
  }

  static Exemplar ex(String id) {
    return new Exemplar(id, "jailbreak", "jailbreak", "family-" + id, "text " + id, "test");
  }

  @Test
  void nearest_returnsTheMostSimilarFirstAndReplacesById() {
    InMemoryExemplarIndex index = new InMemoryExemplarIndex("enc", 3);
    index.add(ex("x"), unit(1, 0, 0));
    index.add(ex("y"), unit(0, 1, 0));
    index.add(ex("xy"), unit(1, 1, 0));
    var n = index.nearest(unit(1, 0.1f, 0), 2);
    assertThat(n).extracting(x -> x.exemplar().id()).containsExactly("x", "xy");
    assertThat(n.get(0).similarity()).isGreaterThan(0.99);
    index.add(ex("x"), unit(0, 0, 1));
    assertThat(index.size()).isEqualTo(3);
    assertThat(index.nearest(unit(0, 0, 1), 1).get(0).exemplar().id()).isEqualTo("x");
  }

  @Test
  void add_wrongDimensions_refused() {
    InMemoryExemplarIndex index = new InMemoryExemplarIndex("enc", 3);
    assertThatThrownBy(() -> index.add(ex("x"), new float[4])).hasMessageContaining("expected 3 dimensions");
    assertThatThrownBy(() -> index.nearest(new float[3], 0)).hasMessageContaining("k must be >= 1");
  }
}

package dev.bulwark.classify.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.Category;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class Stage2HeadTest {
  private static final int OUT = Category.ALL.size();

  private static float[] random(Random rnd, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) rnd.nextGaussian();
    }
    return a;
  }

  private static Stage2Head head(String encoderId, int inputs, int hidden) {
    Random rnd = new Random(42);
    int top = hidden == 0 ? inputs : hidden;
    float[] a = new float[OUT];
    Arrays.fill(a, 0.5f);
    return new Stage2Head(
        encoderId,
        inputs,
        hidden,
        random(rnd, hidden * inputs),
        random(rnd, hidden),
        random(rnd, OUT * top),
        random(rnd, OUT),
        a,
        random(rnd, OUT));
  }

  private static ModelArchive archive(Stage2Head head) {
    ModelArchive.Builder b = ModelArchive.builder().kind("test.stage2").version("1");
    head.writeTo(b, "stage2/");
    return b.build();
  }

  @Test
  void logits_tinyMlp_reluThenLinear() {
    // inputs 2, hidden 2: h = relu([x0 - x1, x1 - x0]); every logit c = (c + 1) * h0 - h1 + c.
    float[] w2 = new float[OUT * 2];
    float[] b2 = new float[OUT];
    for (int c = 0; c < OUT; c++) {
      w2[c * 2] = c + 1;
      w2[c * 2 + 1] = -1;
      b2[c] = c;
    }
    float[] ones = new float[OUT];
    Arrays.fill(ones, 1f);
    Stage2Head h =
        new Stage2Head("e", 2, 2, new float[] {1, -1, -1, 1}, new float[] {0, 0}, w2, b2, ones, new float[OUT]);

    double[] z = h.logits(new float[] {3, 1});

    for (int c = 0; c < OUT; c++) {
      assertThat(z[c]).isEqualTo((c + 1) * 2.0 + c);
    }
    assertThat(h.logits(new float[] {1, 3})[0]).isEqualTo(-2.0);
    assertThat(h.score(new float[] {3, 1}).get(Category.CBRN_BIOLOGICAL)).isCloseTo(1 / (1 + Math.exp(-2)), offset(1e-12));
  }

  @Test
  void writeTo_readFrom_sameParametersAndScores() {
    for (int hidden : new int[] {0, 8}) {
      Stage2Head h = head("enc-1", 20, hidden);

      Stage2Head back = Stage2Head.readFrom(archive(h), "stage2/", "enc-1");

      assertThat(back.parameters()).isEqualTo(h.parameters());
      assertThat(back.hidden()).isEqualTo(hidden);
      assertThat(back.digest()).isEqualTo(h.digest());
      float[] x = random(new Random(1), 20);
      assertThat(back.score(x)).isEqualTo(h.score(x));
    }
  }

  @Test
  void writeTo_sameHead_sameBytes() {
    ModelArchive.Builder a = ModelArchive.builder().kind("k").version("1");
    ModelArchive.Builder b = ModelArchive.builder().kind("k").version("1");
    head("e", 10, 4).writeTo(a, "");
    head("e", 10, 4).writeTo(b, "");

    assertThat(a.toBytes()).isEqualTo(b.toBytes());
  }

  @Test
  void readFrom_otherEncoder_refused() {
    ModelArchive archive = archive(head("all-minilm-l6-v2-q@0000000000000000", 20, 4));

    assertThatThrownBy(() -> Stage2Head.readFrom(archive, "stage2/", "all-minilm-l6-v2-q@1111111111111111"))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("0000000000000000")
        .hasMessageContaining("retrain");
  }

  @Test
  void readFrom_missingEntry_refused() {
    ModelArchive.Builder b = ModelArchive.builder().kind("k").version("1");
    Stage2Head h = head("e", 4, 2);
    ModelArchive full = archive(h);
    for (String name : full.entryNames()) {
      if (!name.endsWith("/w2")) {
        b.put(name, full.entry(name));
      }
    }

    assertThatThrownBy(() -> Stage2Head.readFrom(b.build(), "stage2/", "e"))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("w2");
  }

  @Test
  void readFrom_wrongLengthOrNonFinite_refused() {
    ModelArchive full = archive(head("e", 4, 2));
    ModelArchive.Builder shortW1 = ModelArchive.builder().kind("k").version("1");
    ModelArchive.Builder nanB2 = ModelArchive.builder().kind("k").version("1");
    for (String name : full.entryNames()) {
      shortW1.put(name, name.endsWith("/w1") ? ModelArchive.encodeFloats(new float[7]) : full.entry(name));
      float[] nan = new float[OUT];
      nan[3] = Float.NaN;
      nanB2.put(name, name.endsWith("/b2") ? ModelArchive.encodeFloats(nan) : full.entry(name));
    }

    assertThatThrownBy(() -> Stage2Head.readFrom(shortW1.build(), "stage2/", "e"))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("w1");
    assertThatThrownBy(() -> Stage2Head.readFrom(nanB2.build(), "stage2/", "e"))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("non-finite");
  }

  @Test
  void readFrom_otherFormatOrCategories_refused() {
    ModelArchive full = archive(head("e", 4, 2));
    ObjectNode meta = (ObjectNode) full.json("stage2/head.json");
    ObjectNode newer = meta.deepCopy().put("format", 2);
    ObjectNode reordered = meta.deepCopy();
    reordered.putArray("categories").add("jailbreak").add("cbrn.biological");
    ObjectNode gelu = meta.deepCopy().put("activation", "gelu");

    for (ObjectNode bad : new ObjectNode[] {newer, reordered, gelu}) {
      ModelArchive.Builder b = ModelArchive.builder().kind("k").version("1");
      for (String name : full.entryNames()) {
        if (name.endsWith("head.json")) {
          b.putJson(name, bad);
        } else {
          b.put(name, full.entry(name));
        }
      }
      assertThatThrownBy(() -> Stage2Head.readFrom(b.build(), "stage2/", "e")).isInstanceOf(ModelIntegrityException.class);
    }
  }

  @Test
  void constructor_badValues_throw() {
    Stage2Head ok = head("e", 4, 2);
    float[] p = ok.parameters();
    assertThat(p).hasSize(2 * 4 + 2 + OUT * 2 + OUT + 2 * OUT);
    float[] negative = new float[OUT];
    negative[1] = -0.1f;

    assertThatThrownBy(() -> new Stage2Head("e", 4, 2, new float[8], new float[2], new float[OUT * 2], new float[OUT], negative, new float[OUT]))
        .hasMessageContaining("slope");
    assertThatThrownBy(() -> new Stage2Head(" ", 4, 0, new float[0], new float[0], new float[OUT * 4], new float[OUT], new float[OUT], new float[OUT]))
        .hasMessageContaining("encoderId");
    assertThatThrownBy(() -> ok.logits(new float[5])).hasMessageContaining("expected 4 inputs");
  }
}

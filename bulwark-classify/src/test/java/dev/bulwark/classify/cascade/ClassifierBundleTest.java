package dev.bulwark.classify.cascade;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.bulwark.classify.Category;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.ModelArchive;
import dev.bulwark.classify.model.ModelIntegrityException;
import dev.bulwark.core.Ticker;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class ClassifierBundleTest {
  private static final Supplier<Encoder> NO_ENCODER = () -> {
    throw new AssertionError("a stage-1-only bundle must not load the encoder");
  };

  private static byte[] toyBundle() {
    return ClassifierBundle.builder("toy-1")
        .promptStage1(ToyModels.prompt())
        .completionStage1(ToyModels.completion())
        .band(new Band(0.1, 0.9))
        .combine(Combine.STAGE2)
        .promptThresholds(new ClassifierBundle.Thresholds(0.6, Map.of(Category.JAILBREAK, 0.8)))
        .completionThresholds(ClassifierBundle.Thresholds.uniform(0.4))
        .toArchive(JsonNodeFactory.instance.objectNode().put("seed", 1))
        .toBytes();
  }

  @Test
  void read_stackedCombine_roundTripsItsWeights() {
    byte[] bytes = ClassifierBundle.builder("toy-2")
        .promptStage1(ToyModels.prompt())
        .completionStage1(ToyModels.completion())
        .combine(Combine.stacked(0.25, 1.5, -0.75))
        .toArchive(JsonNodeFactory.instance.objectNode())
        .toBytes();

    ClassifierBundle b = ClassifierBundle.read(ModelArchive.read(bytes, null), NO_ENCODER);

    assertThat(b.combine()).isEqualTo(Combine.stacked(0.25, 1.5, -0.75));
  }

  @Test
  void read_writtenBundle_roundTripsSettingsAndScores() {
    byte[] bytes = toyBundle();
    ClassifierBundle b = ClassifierBundle.read(ModelArchive.read(bytes, null), NO_ENCODER);
    assertThat(b.version()).isEqualTo("toy-1");
    assertThat(b.band()).isEqualTo(new Band(0.1, 0.9));
    assertThat(b.combine()).isEqualTo(Combine.STAGE2);
    assertThat(b.promptThresholds().get(Category.JAILBREAK)).isEqualTo(0.8);
    assertThat(b.promptThresholds().get(Category.CBRN_NUCLEAR)).isEqualTo(0.6);
    assertThat(b.completionThresholds().overall()).isEqualTo(0.4);
    assertThat(b.provenance().get("seed").asInt()).isEqualTo(1);
    assertThat(b.hasStage2()).isFalse();
    String text = "bread zebra stripes zebra oven";
    assertThat(b.cascade(Canonicalizer.defaults(), Ticker.system()).classifyPrompt(text).probabilities())
        .isEqualTo(ToyModels.cascade().classifyPrompt(text).probabilities());
  }

  @Test
  void toArchive_sameModels_sameBytes() {
    assertThat(toyBundle()).isEqualTo(toyBundle());
  }

  @Test
  void read_oneByteFlipped_refused() {
    byte[] bytes = toyBundle();
    for (int i : new int[] {5, bytes.length / 3, bytes.length / 2, bytes.length - 40}) {
      byte[] copy = bytes.clone();
      copy[i] ^= 0x10;
      assertThatThrownBy(() -> ClassifierBundle.read(ModelArchive.read(copy, null), NO_ENCODER))
          .as("flipped byte %d", i)
          .isInstanceOf(ModelIntegrityException.class);
    }
  }

  @Test
  void read_wrongExpectedDigest_refused() {
    byte[] bytes = toyBundle();
    assertThatThrownBy(() -> ModelArchive.read(bytes, "sha256:" + "0".repeat(64)))
        .isInstanceOf(ModelIntegrityException.class);
  }

  @Test
  void read_archiveOfAnotherKind_refused() {
    byte[] other = ModelArchive.builder().kind("something.else").version("1")
        .provenance(Map.of()).toBytes();
    assertThatThrownBy(() -> ClassifierBundle.read(ModelArchive.read(other, null), NO_ENCODER))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("not a bulwark.classifier");
  }
}

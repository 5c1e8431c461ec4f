package dev.bulwark.classify.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with the real encoder on harmless topics: bicycle repair stands in for a category
 * ({@link Category#HARMFUL_OTHER} as a label only), baking for benign text.
 */
class Stage2ModelTest {
  private static final Category TOPIC = Category.HARMFUL_OTHER;
  private static final List<String> BREAD =
      List.of(
          "Knead the dough for ten minutes until it feels smooth and elastic.",
          "My sourdough starter bubbles nicely after two feedings.",
          "Preheat the oven to a high heat before the baguettes go in.",
          "Brush the braided loaf with beaten egg for a shiny crust.",
          "Let the rye dough rest overnight in the fridge.",
          "Fold butter into the croissant pastry and chill it between turns.",
          "A pinch of sugar helps the yeast wake up faster.",
          "Score the top of the boule with a sharp blade just before baking.",
          "Whole wheat flour soaks up more water than white flour.",
          "Cool the loaf on a wire rack so the bottom stays crisp.",
          "Put a tray of water in the oven to make steam for a better crust.",
          "The dough should double in size during the first rise.",
          "Shape the rolls tightly so they hold their form in the oven.",
          "Tap the bottom of the bread; it sounds hollow when it is done.",
          "Mix the flour, water, salt and yeast in a large bowl.",
          "Focaccia gets dimpled with fingertips and drizzled with olive oil.",
          "Banana bread is a quick bread leavened with baking soda.",
          "Proof the shaped loaf in a floured banneton basket.",
          "Slice the brioche only after it has cooled completely.",
          "Add seeds and oats to the crust of a multigrain loaf.",
          "Dense bread often means the dough did not rise long enough.",
          "Bake the pita on a hot stone so it puffs up.",
          "Store homemade bread in a paper bag to keep the crust crunchy.",
          "Spread the cinnamon filling over the dough and roll it up.");
  private static final List<String> BICYCLE =
      List.of(
          "Oil the bicycle chain after riding in the rain.",
          "Adjust the rear derailleur so the gears shift cleanly.",
          "Replace the brake pads when the grooves wear away.",
          "Patch the inner tube after finding the puncture in a bowl of water.",
          "Tighten the handlebar stem bolts to the recommended torque.",
          "True the wheel by adjusting the spoke tension a quarter turn at a time.",
          "Pump the road bike tyres to the pressure printed on the sidewall.",
          "Clean the cassette with a brush and degreaser.",
          "Lower the saddle if your hips rock while pedalling.",
          "Check the quick release lever before every ride.",
          "A stretched chain wears out the sprockets faster.",
          "Bleed the hydraulic disc brakes when the lever feels spongy.",
          "Fit new cables and housing if shifting feels sluggish.",
          "Grease the pedal threads before screwing them into the cranks.",
          "Lift the bike onto a repair stand to work on the drivetrain.",
          "Use tyre levers to pull the tyre off the rim.",
          "Align the brake calipers so the pads hit the rim evenly.",
          "Tubeless tyres need sealant topped up every few months.",
          "Tighten the headset if the fork knocks when you brake.",
          "Replace a bent derailleur hanger after a crash.",
          "Wax the chain for a quieter and cleaner drivetrain.",
          "Inspect the frame for cracks near the welds.",
          "Set the limit screws so the chain cannot fall off the largest cog.",
          "Service the wheel hub bearings once a year.");
  private static final Stage2Settings SETTINGS = Stage2Settings.builder().hidden(16).epochs(200).patience(30).learningRate(5e-3).seed(3).build();

  @TempDir static Path cacheDir;

  private static Encoder encoder;
  private static List<TrainingText> training;
  private static List<TrainingText> calibration;
  private static Stage2Trainer.Result trained;

  @BeforeAll
  static void train() throws IOException {
    encoder = Encoder.minilm();
    training = new ArrayList<>();
    calibration = new ArrayList<>();
    for (int i = 0; i < BREAD.size(); i++) {
      List<TrainingText> side = i < 16 ? training : calibration;
      side.add(TrainingText.of(BREAD.get(i)));
      side.add(TrainingText.of(BICYCLE.get(i), TOPIC));
    }
    try (EmbeddingCache cache = EmbeddingCache.open(cacheDir)) {
      trained = new Stage2Trainer(SETTINGS).train(encoder, training, calibration, cache, 2, ProgressListener.NONE);
    }
  }

  private static String longBreadText() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 16; i++) {
      b.append(BREAD.get(i)).append(' ');
    }
    return b.toString();
  }

  @Test
  void score_freshSentences_separatesTopics() {
    Stage2Model model = trained.model();

    for (String bike :
        List.of(
            "The gears on my mountain bike skip when I pedal hard.",
            "How much air should I put in road bike tyres?",
            "My bike brakes squeal every time I stop.")) {
      assertThat(model.score(bike).get(TOPIC)).as(bike).isGreaterThan(0.5);
    }
    for (String bread :
        List.of(
            "My focaccia came out flat; should I proof it longer?",
            "What flour works best for a soft sandwich loaf?",
            "The crust of my homemade bread is too hard.")) {
      assertThat(model.score(bread).get(TOPIC)).as(bread).isLessThan(0.5);
    }
  }

  @Test
  void scoreWindows_longTextWithTopicAtTheEnd_lastWindowGivesTheMax() {
    String bread = longBreadText();
    String text = bread + String.join(" ", BICYCLE.subList(0, 7));

    Stage2Model.ScoredWindows scored = trained.model().scoreWindows(text);

    assertThat(scored.windows().size()).isGreaterThan(1);
    assertThat(scored.probabilities().get(TOPIC)).isGreaterThan(0.5);
    WindowScore top = scored.top(TOPIC).orElseThrow();
    assertThat(top.window().index()).isEqualTo(scored.windows().size() - 1);
    assertThat(top.window().end()).isEqualTo(text.length());
    assertThat(scored.windows().get(0).probabilities().get(TOPIC)).isLessThan(0.5);
    assertThat(trained.model().score(text)).isEqualTo(scored.probabilities());
    assertThat(trained.model().score(bread).get(TOPIC)).isLessThan(0.5);
  }

  @Test
  void score_blankText_zeroWithoutWindows() {
    Stage2Model.ScoredWindows scored = trained.model().scoreWindows(" \n ");

    assertThat(scored.probabilities()).isEqualTo(Probabilities.zero());
    assertThat(scored.windows()).isEmpty();
    assertThat(scored.top()).isEmpty();
  }

  @Test
  void writeTo_readFrom_sameHeadAndScores() {
    ModelArchive.Builder b = ModelArchive.builder().kind("test.stage2").version("1");
    trained.model().writeTo(b, "stage2/");

    Stage2Model back = Stage2Model.readFrom(b.build(), "stage2/", encoder.withWindowPolicy(new WindowPolicy(64, 40)));

    assertThat(back.head().parameters()).isEqualTo(trained.model().head().parameters());
    assertThat(back.encoder().windowPolicy()).isEqualTo(WindowPolicy.DEFAULT);
    assertThat(back.version()).isEqualTo(trained.model().version());
    String text = longBreadText() + BICYCLE.get(3);
    assertThat(back.score(text)).isEqualTo(trained.model().score(text));
  }

  @Test
  void readFrom_headForAnotherEncoder_refused() {
    Stage2Head head = trained.model().head();
    Stage2Head foreign =
        Stage2Head.readFrom(rename(head, "all-minilm-l6-v2-q@ffffffffffffffff"), "", "all-minilm-l6-v2-q@ffffffffffffffff");
    ModelArchive.Builder b = ModelArchive.builder().kind("test.stage2").version("1");
    b.putJson("model.json", JsonNodeFactory.instance.objectNode()
        .put("format", Stage2Model.FORMAT)
        .put("encoder", foreign.encoderId())
        .put("encoder_version", "x")
        .put("window_max_pieces", 120)
        .put("window_stride", 96));
    foreign.writeTo(b, "");

    assertThatThrownBy(() -> Stage2Model.readFrom(b.build(), "", encoder))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("ffffffffffffffff");
    assertThatThrownBy(() -> new Stage2Model(encoder, foreign))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ffffffffffffffff");
  }

  @Test
  void constructor_headOfOtherInputSize_throws() {
    int out = Category.ALL.size();
    float[] ones = new float[out];
    Arrays.fill(ones, 1f);
    Stage2Head small = new Stage2Head(encoder.id(), 10, 0, new float[0], new float[0], new float[out * 10], new float[out], ones, new float[out]);

    assertThatThrownBy(() -> new Stage2Model(encoder, small))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("10 inputs");
  }

  /** The head's entries with another encoder id in head.json. */
  private static ModelArchive rename(Stage2Head head, String encoderId) {
    ModelArchive.Builder src = ModelArchive.builder().kind("k").version("1");
    head.writeTo(src, "");
    ModelArchive a = src.build();
    ModelArchive.Builder out = ModelArchive.builder().kind("k").version("1");
    for (String name : a.entryNames()) {
      if (name.equals("head.json")) {
        out.putJson(name, ((ObjectNode) a.json(name)).put("encoder", encoderId));
      } else {
        out.put(name, a.entry(name));
      }
    }
    return out.build();
  }

  @Test
  void train_secondRunWithCache_embedsNothingAndGivesSameHead() throws IOException {
    try (EmbeddingCache cache = EmbeddingCache.open(cacheDir)) {
      int before = cache.size();
      assertThat(before).isEqualTo(training.size() + calibration.size());

      Stage2Trainer.Result again = new Stage2Trainer(SETTINGS).train(encoder, training, calibration, cache, 1, ProgressListener.NONE);

      assertThat(cache.size()).isEqualTo(before);
      assertThat(again.model().head().parameters()).isEqualTo(trained.model().head().parameters());
    }
  }

  @Test
  void train_reportAndProgress() {
    Stage2Report r = trained.report();

    assertThat(r.trainExamples()).isEqualTo(training.size());
    assertThat(r.heldOutExamples()).isEqualTo(calibration.size());
    assertThat(r.calibration().get(TOPIC)).isEqualTo("held-out");
    assertThat(trained.model().head().encoderId()).isEqualTo(encoder.id());
  }

  @Test
  void train_exampleWithContext_throws() {
    List<TrainingText> withContext = List.of(new TrainingText("a prompt", "a completion", Set.of()));

    assertThatThrownBy(() -> new Stage2Trainer(SETTINGS).train(encoder, withContext, calibration, null, 1, ProgressListener.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("flatten");
  }
}

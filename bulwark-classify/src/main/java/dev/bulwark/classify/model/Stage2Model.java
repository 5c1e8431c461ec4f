package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.Category;
import dev.bulwark.classify.Probabilities;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stage 2: the sentence encoder over windows of the text and a trained head. A text's probability of
 * a category is the largest over its windows, so a harmful passage anywhere in a long text counts
 * whole, wherever it sits.
 *
 * <p>Only the head is stored ({@link #writeTo}); the encoder ships in the jar, and a head records the
 * encoder's {@link Encoder#id()} and window policy so that it is never paired with another.
 *
 * <p>Immutable and thread-safe. Cost: one encoder call per window (a few milliseconds each on one
 * core), on the calling thread.
 */
public final class Stage2Model {
  /** The version of {@code model.json} this class writes and reads. */
  public static final int FORMAT = 1;

  private final Encoder encoder;
  private final Stage2Head head;

  /**
   * @throws IllegalArgumentException when the head was trained for another encoder or input size
   */
  public Stage2Model(Encoder encoder, Stage2Head head) {
    this.encoder = requireNonNull(encoder, "encoder");
    this.head = requireNonNull(head, "head");
    if (!head.encoderId().equals(encoder.id())) {
      throw new IllegalArgumentException(
          "head was trained on encoder " + head.encoderId() + ", not on " + encoder.id());
    }
    if (head.inputs() != Encoder.DIMENSIONS) {
      throw new IllegalArgumentException(
          "head reads " + head.inputs() + " inputs, the encoder gives " + Encoder.DIMENSIONS);
    }
  }

  public Encoder encoder() {
    return encoder;
  }

  public Stage2Head head() {
    return head;
  }

  /** The head's digest, which changes with any retraining (the encoder is pinned by the head's encoder id). */
  public String version() {
    return head.digest();
  }

  /**
   * The calibrated probabilities of {@code text}: the element-wise maximum over its windows; all zero
   * for a text without word pieces (empty or white space).
   */
  public Probabilities score(String text) {
    return scoreWindows(text).probabilities();
  }

  /** As {@link #score}, with each window's own probabilities, for explaining a verdict. */
  public ScoredWindows scoreWindows(String text) {
    List<Window> windows = encoder.windows(requireNonNull(text, "text"));
    List<WindowScore> scored = new ArrayList<>(windows.size());
    Probabilities max = Probabilities.zero();
    for (Window w : windows) {
      Probabilities p = head.score(encoder.embed(w.text()));
      scored.add(new WindowScore(w, p));
      max = max.maxWith(p);
    }
    return new ScoredWindows(max, scored);
  }

  /**
   * A text's probabilities with the windows behind them.
   *
   * @param probabilities the element-wise maximum over the windows
   * @param windows every window in text order, with its own probabilities
   */
  public record ScoredWindows(Probabilities probabilities, List<WindowScore> windows) {
    public ScoredWindows {
      requireNonNull(probabilities, "probabilities");
      windows = List.copyOf(windows);
    }

    /** The window that gave {@code category} its probability (the first on ties); empty when there are no windows. */
    public Optional<WindowScore> top(Category category) {
      requireNonNull(category, "category");
      WindowScore best = null;
      for (WindowScore w : windows) {
        if (best == null || w.probabilities().get(category) > best.probabilities().get(category)) {
          best = w;
        }
      }
      return Optional.ofNullable(best);
    }

    /** The window that holds the largest probability of any category; empty when there are no windows. */
    public Optional<WindowScore> top() {
      return top(probabilities.argmax());
    }
  }

  /**
   * Adds the model's entries to an archive: {@code <prefix>model.json} (format, encoder id and version,
   * window policy) and the head's ({@link Stage2Head#writeTo}).
   *
   * @param prefix prepended to each entry name, e.g. {@code stage2/}; may be empty
   */
  public void writeTo(ModelArchive.Builder archive, String prefix) {
    requireNonNull(archive, "archive");
    requireNonNull(prefix, "prefix");
    ObjectNode meta = JsonNodeFactory.instance.objectNode();
    meta.put("format", FORMAT);
    meta.put("encoder", encoder.id());
    meta.put("encoder_version", encoder.version());
    meta.put("window_max_pieces", encoder.windowPolicy().maxPieces());
    meta.put("window_stride", encoder.windowPolicy().stride());
    archive.putJson(prefix + "model.json", meta);
    head.writeTo(archive, prefix);
  }

  /**
   * Reads a model that {@link #writeTo} wrote, pairing its head with {@code encoder} (cutting windows
   * as the head was trained, whatever {@code encoder}'s own policy).
   *
   * @throws ModelIntegrityException when an entry is missing or malformed, or the head was trained for
   *     another encoder
   */
  public static Stage2Model readFrom(ModelArchive archive, String prefix, Encoder encoder) {
    requireNonNull(archive, "archive");
    requireNonNull(prefix, "prefix");
    requireNonNull(encoder, "encoder");
    JsonNode meta = archive.json(prefix + "model.json");
    JsonNode format = meta.get("format");
    if (format == null || !format.isInt() || format.intValue() != FORMAT) {
      throw new ModelIntegrityException("stage-2 model format " + format + " is not supported (this build reads " + FORMAT + ")");
    }
    JsonNode id = meta.get("encoder");
    if (id == null || !id.isTextual() || !id.textValue().equals(encoder.id())) {
      throw new ModelIntegrityException(
          "stage-2 model was trained on encoder " + id + ", not on " + encoder.id() + ": retrain it for this encoder");
    }
    JsonNode max = meta.get("window_max_pieces");
    JsonNode stride = meta.get("window_stride");
    if (max == null || !max.isInt() || stride == null || !stride.isInt()) {
      throw new ModelIntegrityException("stage-2 model has no valid window policy");
    }
    WindowPolicy policy;
    try {
      policy = new WindowPolicy(max.intValue(), stride.intValue());
    } catch (IllegalArgumentException e) {
      throw new ModelIntegrityException("stage-2 model has an invalid window policy: " + e.getMessage(), e);
    }
    Stage2Head head = Stage2Head.readFrom(archive, prefix, encoder.id());
    if (head.inputs() != Encoder.DIMENSIONS) {
      throw new ModelIntegrityException("stage-2 head reads " + head.inputs() + " inputs, the encoder gives " + Encoder.DIMENSIONS);
    }
    return new Stage2Model(encoder.withWindowPolicy(policy), head);
  }

  @Override
  public String toString() {
    return "Stage2Model{" + encoder + ", " + head + "}";
  }
}

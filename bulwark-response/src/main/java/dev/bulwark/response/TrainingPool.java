package dev.bulwark.response;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.data.Example;
import dev.bulwark.classify.data.ExampleKind;
import dev.bulwark.classify.data.Label;
import dev.bulwark.classify.data.Split;
import dev.bulwark.classify.data.TrainingCorpus;
import dev.bulwark.classify.model.TrainingText;
import dev.bulwark.core.pipeline.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The data rapid response works from, taken from the classifier's training corpus so that a patch
 * never sees what the classifier's evaluation holds out:
 *
 * <ul>
 *   <li>{@code train} and {@code calibration}: the corpus's prompt texts (canonicalized as the trainer
 *       does), for replay when a classifier patch is fine-tuned and for its recalibration;
 *   <li>{@code harmful} and {@code benign}: short single-turn requests of the train split, the payloads
 *       proliferation swaps into a wrapper (harmful ones) and puts into benign twins and many-shot
 *       padding (benign ones). Harmful requests are the data sets' headline-level requests, never
 *       answers;
 *   <li>{@code benignCalibration} and {@code benignRegression}: the calibration split's benign prompts,
 *       cut in two by a hash of their ids: thresholds are set on the first half, and the validation
 *       gate measures false positives on the second, which no patch has tuned on.
 * </ul>
 */
public record TrainingPool(
    List<TrainingText> train,
    List<TrainingText> calibration,
    List<Request> harmful,
    List<Request> benign,
    List<Exchange> benignCalibration,
    List<Exchange> benignRegression) {

  public TrainingPool {
    train = List.copyOf(train);
    calibration = List.copyOf(calibration);
    harmful = List.copyOf(harmful);
    benign = List.copyOf(benign);
    benignCalibration = List.copyOf(benignCalibration);
    benignRegression = List.copyOf(benignRegression);
    if (harmful.isEmpty()) {
      throw new IllegalArgumentException("the pool needs harmful requests to swap into wrappers");
    }
  }

  /** A request to swap into a wrapper: its id, text and the categories it is positive for. */
  public record Request(String id, String text, Set<Category> targets) {
    public Request {
      requireNonNull(id, "id");
      requireNonNull(text, "text");
      targets = Set.copyOf(targets);
    }
  }

  /** The pool of an assembled corpus. */
  public static TrainingPool from(TrainingCorpus.Corpus corpus, Canonicalizer canonicalizer) {
    List<TrainingText> train = texts(corpus.splits().get(Split.TRAIN), canonicalizer);
    List<TrainingText> cal = texts(corpus.splits().get(Split.CALIBRATION), canonicalizer);
    List<Request> harmful = new ArrayList<>();
    List<Request> benign = new ArrayList<>();
    for (Example e : corpus.splits().get(Split.TRAIN)) {
      if (!plainRequest(e)) {
        continue;
      }
      if (e.label() == Label.HARMFUL && !e.targets().isEmpty()) {
        harmful.add(new Request(e.id(), e.promptText(), e.targets()));
      } else if (e.label() == Label.BENIGN) {
        benign.add(new Request(e.id(), e.promptText(), Set.of()));
      }
    }
    List<Exchange> benignCal = new ArrayList<>();
    List<Exchange> benignReg = new ArrayList<>();
    for (Example e : corpus.splits().get(Split.CALIBRATION)) {
      if (e.kind() == ExampleKind.PROMPT && e.label() == Label.BENIGN) {
        Exchange x = new Exchange(e.prompt(), null);
        ((mix(e.id().hashCode()) & 1) == 0 ? benignCal : benignReg).add(x);
      }
    }
    return new TrainingPool(train, cal, harmful, benign, benignCal, benignReg);
  }

  /** This pool with more benign regression exchanges (the ones reviewers confirmed). */
  public TrainingPool withBenignRegression(List<Exchange> more) {
    if (more.isEmpty()) {
      return this;
    }
    List<Exchange> all = new ArrayList<>(benignRegression);
    all.addAll(more);
    return new TrainingPool(train, calibration, harmful, benign, benignCalibration, all);
  }

  /** A single user turn of ordinary length from a data file or a plain generated request (no wrapper, encoding or noise). */
  private static boolean plainRequest(Example e) {
    if (e.kind() != ExampleKind.PROMPT || e.prompt().size() != 1 || e.prompt().get(0).role() != Role.USER) {
      return false;
    }
    String s = e.source();
    if (s.startsWith("synthetic:") && !(s.contains("request") || s.contains("everyday") || s.contains("alarming")
        || s.contains("homework") || s.contains("allowed"))) {
      return false;
    }
    int n = e.promptText().length();
    return n >= 15 && n <= 300;
  }

  private static List<TrainingText> texts(List<Example> examples, Canonicalizer canonicalizer) {
    List<TrainingText> out = new ArrayList<>();
    for (Example e : examples) {
      if (e.kind() == ExampleKind.PROMPT && e.label() != Label.RED_TEAM_ATTEMPT) {
        out.add(new TrainingText("", canonicalizer.canonicalize(e.promptText()).primary().text(), e.targets()));
      }
    }
    return out;
  }

  private static int mix(int h) {
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    return h;
  }
}

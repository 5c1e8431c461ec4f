package dev.bulwark.response.patch;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.exemplar.Embedder;
import dev.bulwark.classify.exemplar.ExemplarIndex;
import dev.bulwark.response.Exchange;
import java.util.ArrayList;
import java.util.List;

/**
 * An exemplar patch: the family's examples and (a sample of) its training variants join the
 * nearest-neighbour index, under a threshold calibrated on benign traffic: just above the highest
 * similarity any benign calibration text has to the family's vectors (plus a margin), and never below
 * {@code minThreshold} nor above {@code maxThreshold}. No training: the patch is ready as soon as the
 * exemplars are embedded, which is what makes it the first line of a response. Thread-safe.
 */
public final class ExemplarPatcher {
  private final Embedder embedder;
  private final double minThreshold;
  private final double maxThreshold;
  private final double margin;
  private final int maxExemplars;

  /**
   * @param minThreshold the lowest threshold a family gets, in (0, 1]
   * @param maxThreshold the highest, in [minThreshold, 1]
   * @param margin added to the highest benign similarity
   * @param maxExemplars the most exemplars a family adds (examples first, then an even spread of variants)
   */
  public ExemplarPatcher(Embedder embedder, double minThreshold, double maxThreshold, double margin, int maxExemplars) {
    this.embedder = requireNonNull(embedder, "embedder");
    if (!(minThreshold > 0 && minThreshold <= maxThreshold && maxThreshold <= 1) || !(margin >= 0) || maxExemplars < 1) {
      throw new IllegalArgumentException("invalid exemplar patch settings: min " + minThreshold + ", max "
          + maxThreshold + ", margin " + margin + ", exemplars " + maxExemplars);
    }
    this.minThreshold = minThreshold;
    this.maxThreshold = maxThreshold;
    this.margin = margin;
    this.maxExemplars = maxExemplars;
  }

  /** Thresholds in [0.80, 0.97], margin 0.02, at most 120 exemplars a family. */
  public static ExemplarPatcher withDefaults(Embedder embedder) {
    return new ExemplarPatcher(embedder, 0.80, 0.97, 0.02, 120);
  }

  public Embedder embedder() {
    return embedder;
  }

  /**
   * What the patch made.
   *
   * @param maxBenignSimilarity the highest similarity of a benign calibration text to the family
   * @param exemplars how many exemplars were embedded
   */
  public record Result(ExemplarIndex index, double threshold, double maxBenignSimilarity, int exemplars) {}

  /**
   * The next index: {@code current} with the family's exemplars (replacing any it had).
   *
   * @param examples the family's observed examples (all kept)
   * @param variants its training variants (sampled evenly when there are too many)
   */
  public Result patch(ExemplarIndex current, String version, String familyId, List<Exchange> examples,
      List<Exchange> variants, List<Exchange> benignCalibration) {
    List<Exchange> chosen = new ArrayList<>(examples);
    int room = Math.max(0, maxExemplars - chosen.size());
    if (variants.size() <= room) {
      chosen.addAll(variants);
    } else if (room > 0) {
      double step = (double) variants.size() / room;
      for (int i = 0; i < room; i++) {
        chosen.add(variants.get((int) Math.floor(i * step)));
      }
    }
    ExemplarIndex.Builder family = ExemplarIndex.builder(version, embedder.encoderId());
    int n = 0;
    for (Exchange e : chosen) {
      family.addAll(familyId + "#" + n++, familyId, embedder.embed(e.lastUserText()));
    }
    family.threshold(familyId, 1.0);
    ExemplarIndex alone = family.build();
    double maxBenign = -1;
    for (Exchange b : benignCalibration) {
      List<float[]> q = new ArrayList<>(embedder.embed(b.lastUserText()));
      if (b.prompt().size() > 1) {
        q.addAll(embedder.embed(b.promptText()));
      }
      List<ExemplarIndex.Match> m = alone.closest(q);
      if (!m.isEmpty()) {
        maxBenign = Math.max(maxBenign, m.get(0).similarity());
      }
    }
    double threshold = Math.min(maxThreshold, Math.max(minThreshold, maxBenign + margin));
    ExemplarIndex.Builder next = current.isEmpty()
        ? ExemplarIndex.builder(version, embedder.encoderId())
        : current.toBuilder(version);
    next.removeFamily(familyId);
    for (int i = 0; i < alone.size(); i++) {
      next.add(alone.entries().get(i).id(), familyId, alone.vector(i));
    }
    next.threshold(familyId, threshold);
    return new Result(next.build(), threshold, maxBenign, chosen.size());
  }
}

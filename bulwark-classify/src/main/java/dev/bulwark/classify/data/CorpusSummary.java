package dev.bulwark.classify.data;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a training corpus was made of and what it holds: for the trainer to print and to put in a
 * model's provenance.
 *
 * @param files the data files read, with their digests
 * @param constitutionVersion the constitution's version
 * @param constitutionDigest the constitution's digest ({@code sha256:<hex>})
 * @param spec the generator's spec (seed and counts)
 * @param splits how the corpus was split
 * @param counts per split: examples by label, target, source and kind
 * @param templates per split: how many jailbreak templates were used to make its examples
 * @param errors every malformed line of the data files (skipped)
 */
public record CorpusSummary(
    List<FileInfo> files,
    String constitutionVersion,
    String constitutionDigest,
    GeneratorSpec spec,
    SplitInfo splits,
    Map<Split, Counts> counts,
    Map<Split, Integer> templates,
    List<LineError> errors) {

  public CorpusSummary {
    files = List.copyOf(files);
    requireNonNull(constitutionVersion, "constitutionVersion");
    requireNonNull(constitutionDigest, "constitutionDigest");
    requireNonNull(spec, "spec");
    requireNonNull(splits, "splits");
    counts = Collections.unmodifiableMap(new EnumMap<>(counts));
    templates = Collections.unmodifiableMap(new EnumMap<>(templates));
    errors = List.copyOf(errors);
  }

  /**
   * One data file.
   *
   * @param name the file name
   * @param digest {@code sha256:<hex>} of its bytes
   * @param examples examples read from it
   * @param templates jailbreak templates read from it
   * @param errors malformed lines
   * @param excluded harmful rows relabelled as not misuse
   */
  public record FileInfo(String name, String digest, int examples, int templates, int errors, int excluded) {
    public FileInfo {
      requireNonNull(name, "name");
      requireNonNull(digest, "digest");
    }
  }

  /**
   * The split settings.
   *
   * @param seed the hash seed
   * @param train the train share of non-held-out groups
   * @param calibration the calibration share
   * @param heldOutSources sources held out for dev
   */
  public record SplitInfo(long seed, double train, double calibration, Set<String> heldOutSources) {
    public SplitInfo {
      heldOutSources = Collections.unmodifiableSet(new TreeSet<>(heldOutSources));
    }
  }

  /**
   * Counts of one split; maps are sorted by key.
   *
   * @param total the number of examples
   * @param byLabel by label ({@code harmful}, ...)
   * @param byTarget by target category id; examples with no target count under {@code none}
   * @param bySource by source (file name or {@code synthetic:<kind>})
   * @param byKind by example kind ({@code prompt}, {@code completion})
   */
  public record Counts(
      int total,
      Map<String, Integer> byLabel,
      Map<String, Integer> byTarget,
      Map<String, Integer> bySource,
      Map<String, Integer> byKind) {
    public Counts {
      byLabel = Collections.unmodifiableMap(new TreeMap<>(byLabel));
      byTarget = Collections.unmodifiableMap(new TreeMap<>(byTarget));
      bySource = Collections.unmodifiableMap(new TreeMap<>(bySource));
      byKind = Collections.unmodifiableMap(new TreeMap<>(byKind));
    }

    /** Counts the examples. */
    public static Counts of(List<Example> examples) {
      Map<String, Integer> label = new TreeMap<>();
      Map<String, Integer> target = new TreeMap<>();
      Map<String, Integer> source = new TreeMap<>();
      Map<String, Integer> kind = new TreeMap<>();
      for (Example e : examples) {
        label.merge(e.label().wireName(), 1, Integer::sum);
        if (e.targets().isEmpty()) {
          target.merge("none", 1, Integer::sum);
        }
        for (Category c : e.targets()) {
          target.merge(c.id(), 1, Integer::sum);
        }
        source.merge(e.source(), 1, Integer::sum);
        kind.merge(e.kind().name().toLowerCase(java.util.Locale.ROOT), 1, Integer::sum);
      }
      return new Counts(examples.size(), label, target, source, kind);
    }
  }

  /** The total number of examples over all splits. */
  public int total() {
    return counts.values().stream().mapToInt(Counts::total).sum();
  }

  /** A multi-line, human-readable rendering, stable for equal summaries. */
  public String render() {
    StringBuilder b = new StringBuilder();
    b.append("constitution ").append(constitutionVersion).append(' ').append(constitutionDigest).append('\n');
    b.append("generator ").append(spec.describe()).append('\n');
    b.append("splits seed=").append(splits.seed()).append(" train=").append(splits.train())
        .append(" calibration=").append(splits.calibration()).append(" held out=").append(splits.heldOutSources()).append('\n');
    for (FileInfo f : files) {
      b.append("file ").append(f.name()).append(' ').append(f.digest()).append(" examples=").append(f.examples())
          .append(" templates=").append(f.templates()).append(" excluded=").append(f.excluded()).append(" errors=").append(f.errors()).append('\n');
    }
    for (Map.Entry<Split, Counts> e : counts.entrySet()) {
      Counts c = e.getValue();
      b.append(e.getKey().id()).append(": ").append(c.total()).append(" examples, ")
          .append(templates.getOrDefault(e.getKey(), 0)).append(" templates\n");
      b.append("  labels ").append(c.byLabel()).append('\n');
      b.append("  targets ").append(c.byTarget()).append('\n');
      b.append("  kinds ").append(c.byKind()).append('\n');
      b.append("  sources ").append(c.bySource()).append('\n');
    }
    if (!errors.isEmpty()) {
      b.append(errors.size()).append(" malformed lines skipped:\n");
      errors.stream().limit(20).forEach(err -> b.append("  ").append(err).append('\n'));
    }
    return b.toString();
  }
}

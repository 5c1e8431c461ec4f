package dev.bulwark.classify.data;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Assembles everything a trainer needs in one call: reads the data files, runs the generator, splits
 * the lot and summarizes it for provenance.
 *
 * <p>The order keeps the splits apart: data rows (with groups unified across files by prompt, see
 * {@link DataSets#unifyGroups}) and the generator's base examples are split first; jailbreak
 * templates (the data files' and the constitution's) are assigned to splits the same way; then each
 * split's derived examples (jailbreak fills, encodings, noise, completions) are made from that split's
 * own prompts and templates only. So a held-out template or payload never shapes a training example,
 * and no group reaches two splits (checked before returning). Derived counts are shared out in
 * proportion to the splits' sizes.
 *
 * <p>Red-team attempts stay in the corpus with their label; trainers leave them out by default.
 */
public final class TrainingCorpus {
  private final @Nullable Path dataDir;
  private final @Nullable List<Path> files;
  private final Constitution constitution;
  private final GeneratorSpec spec;
  private final Splits splits;
  private final boolean strict;

  private TrainingCorpus(Builder b) {
    this.dataDir = b.dataDir;
    this.files = b.files;
    this.constitution = b.constitution;
    this.spec = b.spec;
    this.splits = b.splits;
    this.strict = b.strict;
  }

  /** A builder: the default data folder, the built-in constitution, default spec and splits. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads, generates and splits.
   *
   * @throws IOException when a data file or the data folder cannot be read
   * @throws IllegalStateException in strict mode, when a data file has malformed lines
   */
  public Corpus assemble() throws IOException {
    DataSets data = new DataSets(dataDir == null ? DataSets.DEFAULT_DIR : dataDir, constitution);
    List<Path> paths = files != null ? files : dataDir == null && !data.available() ? null : data.files();
    if (paths == null) {
      throw new IOException("no data folder at " + data.dir().toAbsolutePath().normalize()
          + " (set one, name the files, or build without data)");
    }
    List<DataFile> read = new ArrayList<>();
    for (Path p : paths) {
      read.add(data.read(p));
    }
    List<LineError> errors = new ArrayList<>();
    List<Example> rows = new ArrayList<>();
    List<JailbreakTemplate> templates = new ArrayList<>();
    for (DataFile f : read) {
      errors.addAll(f.errors());
      rows.addAll(f.examples());
      templates.addAll(f.templates());
    }
    if (strict && !errors.isEmpty()) {
      throw new IllegalStateException(errors.size() + " malformed lines in the data files, first: " + errors.get(0));
    }

    SyntheticGenerator generator = new SyntheticGenerator(constitution, spec);
    List<Example> prompts = new ArrayList<>(DataSets.unifyGroups(rows));
    prompts.addAll(generator.base());
    templates.addAll(generator.builtInTemplates());
    SplitSet first = splits.split(prompts);

    Map<Split, List<JailbreakTemplate>> templatesBySplit = new EnumMap<>(Split.class);
    for (Split s : Split.values()) {
      templatesBySplit.put(s, new ArrayList<>());
    }
    for (JailbreakTemplate t : templates) {
      templatesBySplit.get(splits.assign(t)).add(t);
    }

    Map<Split, List<Example>> out = new EnumMap<>(Split.class);
    for (Split s : Split.values()) {
      List<Example> own = first.get(s);
      double share = prompts.isEmpty() ? 0.0 : (double) own.size() / prompts.size();
      List<Example> all = new ArrayList<>(own);
      for (Example e : generator.derive(new Pool(own, templatesBySplit.get(s)), s.id(), share)) {
        // A held-out synthetic kind (say "synthetic:encoded-harmful") must not train: its items
        // outside dev are dropped rather than moved, since their group lives in this split.
        if (s == Split.DEV || !splits.heldOut(e.source(), e.group())) {
          all.add(e);
        }
      }
      out.put(s, all);
    }
    SplitSet result = new SplitSet(out.get(Split.TRAIN), out.get(Split.CALIBRATION), out.get(Split.DEV));
    checkGroups(result);

    List<CorpusSummary.FileInfo> infos = new ArrayList<>();
    for (DataFile f : read) {
      infos.add(new CorpusSummary.FileInfo(f.name(), f.digest(), f.examples().size(), f.templates().size(), f.errors().size(), f.excluded()));
    }
    Map<Split, CorpusSummary.Counts> counts = new EnumMap<>(Split.class);
    Map<Split, Integer> templateCounts = new EnumMap<>(Split.class);
    for (Split s : Split.values()) {
      counts.put(s, CorpusSummary.Counts.of(result.get(s)));
      templateCounts.put(s, templatesBySplit.get(s).size());
    }
    CorpusSummary summary = new CorpusSummary(
        infos, constitution.version(), constitution.digest(), spec,
        new CorpusSummary.SplitInfo(splits.seed(), splits.trainFraction(), splits.calibrationFraction(), splits.heldOutSources()),
        counts, templateCounts, errors);
    return new Corpus(result, templatesBySplit.get(Split.TRAIN), summary);
  }

  private static void checkGroups(SplitSet set) {
    Map<String, Split> seen = new HashMap<>();
    for (Split s : Split.values()) {
      for (Example e : set.get(s)) {
        Split before = seen.putIfAbsent(e.group(), s);
        if (before != null && before != s) {
          throw new IllegalStateException("group " + e.group() + " is in both " + before.id() + " and " + s.id());
        }
      }
    }
  }

  /**
   * An assembled corpus.
   *
   * @param splits the examples of each split
   * @param trainTemplates the jailbreak templates assigned to train (for trainers that augment further)
   * @param summary counts and provenance
   */
  public record Corpus(SplitSet splits, List<JailbreakTemplate> trainTemplates, CorpusSummary summary) {
    public Corpus {
      requireNonNull(splits, "splits");
      trainTemplates = List.copyOf(trainTemplates);
      requireNonNull(summary, "summary");
    }
  }

  /** Builds a {@link TrainingCorpus}. */
  public static final class Builder {
    private @Nullable Path dataDir;
    private @Nullable List<Path> files;
    private Constitution constitution = Constitution.builtIn();
    private GeneratorSpec spec = GeneratorSpec.defaults();
    private Splits splits = Splits.defaults();
    private boolean strict;

    private Builder() {}

    /** Reads every {@code .jsonl} file of this folder (default {@link DataSets#DEFAULT_DIR}). */
    public Builder dataDir(Path dir) {
      this.dataDir = requireNonNull(dir, "dir");
      return this;
    }

    /** Reads exactly these files, in this order, instead of a folder (an empty list: no data). */
    public Builder files(List<Path> files) {
      this.files = List.copyOf(files);
      return this;
    }

    /** Uses no data files: the generator alone. */
    public Builder withoutData() {
      return files(List.of());
    }

    /** The constitution (default the built-in one). */
    public Builder constitution(Constitution constitution) {
      this.constitution = requireNonNull(constitution, "constitution");
      return this;
    }

    /** The generator's spec (default {@link GeneratorSpec#defaults()}). */
    public Builder spec(GeneratorSpec spec) {
      this.spec = requireNonNull(spec, "spec");
      return this;
    }

    /** The splits (default {@link Splits#defaults()}). */
    public Builder splits(Splits splits) {
      this.splits = requireNonNull(splits, "splits");
      return this;
    }

    /** Whether a malformed line in a data file fails assembly (default: it is only reported). */
    public Builder strict(boolean strict) {
      this.strict = strict;
      return this;
    }

    /** The corpus assembler. */
    public TrainingCorpus build() {
      return new TrainingCorpus(this);
    }
  }
}

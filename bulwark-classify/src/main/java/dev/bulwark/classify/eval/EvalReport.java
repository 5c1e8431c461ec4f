package dev.bulwark.classify.eval;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.Category;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import org.jspecify.annotations.Nullable;

/**
 * The evaluation of one scored data set at the deployed threshold: metrics overall and per category,
 * written as {@code metrics.json} (a stable shape that scripts and the regression gate read) and as a
 * self-contained {@code report.html} for people.
 *
 * <p>Per category (the lines' own {@code category} field; lines without one count only overall),
 * the category's positives are ranked against <em>all</em> negatives: a category of harmful
 * requests is judged by how well it separates from everything allowed, not from the few allowed
 * lines that happen to share its name. A category with no positives (an over-refusal set such as a
 * benign science set) is reported on its own negatives instead: its {@code fpr} is the share of its
 * lines that would be refused, and its ranking metrics are null. {@code negative_set} says which
 * applies, and {@code category_negatives} always gives the category's own negatives at the
 * threshold.
 *
 * <p>{@code metrics.json}, always present:
 *
 * <pre>{@code
 * {"overall": {"n_positive", "n_negative", "auroc", "auprc",
 *              "recall_at_fpr": {"0.001", "0.01", "0.05"}, "threshold", "recall", "fpr", "f1", ...},
 *  "categories": {NAME: the same fields, ...}, ...}
 * }</pre>
 *
 * A metric that is undefined (AUROC without positives or negatives, precision with nothing flagged)
 * is JSON {@code null}, never NaN or a made-up value. Besides these: {@code precision}, the confusion
 * counts and the thresholds of the FPR operating points in each block; and at the top level the
 * configuration, counts by label, over-refusal (all negatives, and the negatives in the configured
 * "alarming but allowed" categories), escalation rate, counts by stage and by view, latency
 * percentiles and, when any item was streamed, streaming statistics. Percentiles are nearest-rank:
 * the p-quantile of n sorted values is the value at rank {@code ceil(p n)}.
 *
 * <p>Everything is deterministic: keys in a fixed order, categories and other maps sorted by name,
 * item lists sorted by score with ties broken by id; the report carries no timestamp.
 */
public final class EvalReport {
  /** The false positive rates at which {@code recall_at_fpr} is reported. */
  public static final List<Double> TARGET_FPRS = List.of(0.001, 0.01, 0.05);

  /** The name of the metrics file. */
  public static final String METRICS_FILE = "metrics.json";

  /** The name of the HTML report. */
  public static final String REPORT_FILE = "report.html";

  /** The per-item scores file {@link #writeTo} writes. */
  public static final String SCORES_FILE = "scores.jsonl";

  private static final ObjectMapper MAPPER = new ObjectMapper();

  // "\n" rather than the platform's line separator, so that the file is the same everywhere.
  private static final ObjectWriter WRITER =
      MAPPER.writer(
          new DefaultPrettyPrinter(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
              .withObjectIndenter(new DefaultIndenter("  ", "\n")));

  /** Which negatives a group's metrics are computed against. */
  public enum NegativeSet {
    /** All negatives of the data set (overall, and a category that has positives). */
    ALL,
    /** The category's own negatives (a category without positives). */
    CATEGORY;

    String wireName() {
      return this == ALL ? "all" : "category";
    }
  }

  /**
   * The metrics of one group: overall, or one category.
   *
   * @param name {@code overall} or the category's name
   * @param negativeSet which negatives {@code metrics} and {@code atThreshold} use
   * @param metrics the ranking metrics of the group's positives against those negatives
   * @param atThreshold the counts at the deployed threshold, over the same items
   * @param categoryNegatives for a category, its own negatives at the threshold; null overall
   */
  public record Group(
      String name,
      NegativeSet negativeSet,
      Metrics metrics,
      Confusion atThreshold,
      @Nullable Confusion categoryNegatives) {
    public Group {
      requireNonNull(name, "name");
      requireNonNull(negativeSet, "negativeSet");
      requireNonNull(metrics, "metrics");
      requireNonNull(atThreshold, "atThreshold");
    }
  }

  private final String title;
  private final double threshold;
  private final SortedSet<String> overRefusalCategories;
  private final List<ScoredItem> items;
  private final Group overall;
  private final SortedMap<String, Group> categories;
  private final Confusion overRefusal;
  private final Confusion alarmingAllowed;
  private final @Nullable Group jailbreakDetection;
  private final ObjectNode json;

  private EvalReport(Builder b, List<ScoredItem> items) {
    this.title = b.title;
    this.threshold = b.threshold;
    this.overRefusalCategories = Collections.unmodifiableSortedSet(new TreeSet<>(b.overRefusalCategories));
    this.items = items;

    List<ScoredItem> positives = items.stream().filter(ScoredItem::positive).toList();
    List<ScoredItem> negatives = items.stream().filter(i -> !i.positive()).toList();
    this.overall = group("overall", NegativeSet.ALL, positives, negatives, null);

    SortedMap<String, List<ScoredItem>> byCategory = new TreeMap<>();
    for (ScoredItem i : items) {
      if (i.category() != null) {
        byCategory.computeIfAbsent(i.category(), k -> new ArrayList<>()).add(i);
      }
    }
    SortedMap<String, Group> groups = new TreeMap<>();
    byCategory.forEach(
        (name, members) -> {
          List<ScoredItem> pos = members.stream().filter(ScoredItem::positive).toList();
          List<ScoredItem> own = members.stream().filter(i -> !i.positive()).toList();
          Confusion ownAt = Metrics.of(List.of(), own).at(threshold);
          groups.put(
              name,
              pos.isEmpty()
                  ? group(name, NegativeSet.CATEGORY, pos, own, ownAt)
                  : group(name, NegativeSet.ALL, pos, negatives, ownAt));
        });
    this.categories = Collections.unmodifiableSortedMap(groups);

    this.jailbreakDetection = jailbreakDetection(items, negatives);
    this.overRefusal = overall.atThreshold();
    this.alarmingAllowed =
        Metrics.of(
                List.of(),
                negatives.stream()
                    .filter(i -> i.category() != null && overRefusalCategories.contains(i.category()))
                    .toList())
            .at(threshold);
    this.json = buildJson();
  }

  /**
   * The {@code jailbreak} category as a detector of wrappers: lines labelled {@code jailbreak} (a
   * wrapper around any payload) against all negatives, each scored by its jailbreak probability alone
   * rather than the overall score, so that another category's false positives do not set its
   * threshold. Null when no line is labelled {@code jailbreak}.
   */
  private @Nullable Group jailbreakDetection(List<ScoredItem> items, List<ScoredItem> negatives) {
    List<ScoredItem> wrapped = items.stream().filter(i -> i.label().equals("jailbreak")).map(EvalReport::byJailbreak).toList();
    if (wrapped.isEmpty()) {
      return null;
    }
    return group("jailbreak_detection", NegativeSet.ALL, wrapped,
        negatives.stream().map(EvalReport::byJailbreak).toList(), null);
  }

  private static ScoredItem byJailbreak(ScoredItem i) {
    return new ScoredItem(i.id(), i.text(), i.positive(), i.label(), i.category(),
        i.probabilities().get(Category.JAILBREAK), i.probabilities(), i.stage(), i.view(), i.escalated(),
        i.latencyNanos(), i.streaming());
  }

  /** The jailbreak category's detection of wrappers, when the data has {@code jailbreak} lines. */
  public Optional<Group> jailbreakDetection() {
    return Optional.ofNullable(jailbreakDetection);
  }

  private Group group(
      String name,
      NegativeSet set,
      List<ScoredItem> positives,
      List<ScoredItem> negatives,
      @Nullable Confusion categoryNegatives) {
    Metrics m = Metrics.of(positives, negatives);
    return new Group(name, set, m, m.at(threshold), categoryNegatives);
  }

  /** A builder; {@link Builder#items} and {@link Builder#threshold} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The report's title. */
  public String title() {
    return title;
  }

  /** The deployed threshold: an item is flagged when its score is at or above it. */
  public double threshold() {
    return threshold;
  }

  /** The categories whose negatives are "alarming but allowed", sorted. */
  public SortedSet<String> overRefusalCategories() {
    return overRefusalCategories;
  }

  /** The items, sorted by id. */
  public List<ScoredItem> items() {
    return items;
  }

  /** All positives against all negatives. */
  public Group overall() {
    return overall;
  }

  /** One group per value of the lines' {@code category} field, sorted by name. */
  public SortedMap<String, Group> categories() {
    return categories;
  }

  /** All negatives at the threshold: {@link Confusion#fpr()} is the over-refusal rate. */
  public Confusion overRefusal() {
    return overRefusal;
  }

  /** The negatives in the {@linkplain #overRefusalCategories() alarming-but-allowed categories}. */
  public Confusion alarmingAllowed() {
    return alarmingAllowed;
  }

  /** The content of {@code metrics.json}, as a tree (a copy). */
  public ObjectNode toJson() {
    return json.deepCopy();
  }

  /** The content of {@code metrics.json}: indented, {@code \n} line ends, a final newline. */
  public String metricsJson() {
    try {
      return WRITER.writeValueAsString(json) + "\n";
    } catch (JsonProcessingException e) {
      // A tree of plain nodes always serializes.
      throw new IllegalStateException(e);
    }
  }

  /** The content of {@code report.html}: one self-contained page without scripts. */
  public String html() {
    return HtmlReport.render(this);
  }

  /**
   * Writes {@value #METRICS_FILE} and {@value #REPORT_FILE} into {@code dir}, creating it when
   * missing. Each file is written beside its final name and moved into place, so that a reader never
   * sees half a file.
   */
  public void writeTo(Path dir) throws IOException {
    Files.createDirectories(dir);
    write(dir.resolve(METRICS_FILE), metricsJson());
    write(dir.resolve(REPORT_FILE), html());
    write(dir.resolve(SCORES_FILE), scoresJsonl());
  }

  /**
   * One JSON line per item, in id order: id, label, category, score, stage, view, escalated. For
   * analysts who want to slice the results another way (by source, by length) without rescoring;
   * the texts are left out, so the file holds nothing the input did not.
   */
  public String scoresJsonl() {
    ObjectMapper json = new ObjectMapper();
    StringBuilder b = new StringBuilder();
    for (ScoredItem i : items) {
      ObjectNode o = json.createObjectNode();
      o.put("id", i.id());
      o.put("label", i.label());
      if (i.category() != null) {
        o.put("category", i.category());
      }
      o.put("score", i.score());
      o.put("stage", i.stage());
      o.put("view", i.view());
      o.put("escalated", i.escalated());
      try {
        b.append(json.writeValueAsString(o)).append('\n');
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("a flat object of strings and numbers always serializes", e);
      }
    }
    return b.toString();
  }

  private static void write(Path target, String content) throws IOException {
    Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
    Files.writeString(tmp, content, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** The key under which a target FPR is reported, e.g. {@code 0.001}. */
  static String fprKey(double target) {
    return BigDecimal.valueOf(target).stripTrailingZeros().toPlainString();
  }

  // ---------------------------------------------------------------- metrics.json

  private ObjectNode buildJson() {
    ObjectNode root = MAPPER.createObjectNode();
    root.set("overall", groupJson(overall));
    ObjectNode cats = root.putObject("categories");
    categories.forEach((name, g) -> cats.set(name, groupJson(g)));
    if (jailbreakDetection != null) {
      // Beside the stable shape, not inside it: scored by the jailbreak probability, not the overall score.
      root.set("jailbreak_detection", groupJson(jailbreakDetection));
    }

    ObjectNode config = root.putObject("config");
    config.put("title", title);
    config.put("threshold", threshold);
    ArrayNode orc = config.putArray("over_refusal_categories");
    overRefusalCategories.forEach(orc::add);
    config.put("flag_rule", "score >= threshold");

    root.put("n_items", items.size());
    root.set("labels", labelsJson());

    ObjectNode or = root.putObject("over_refusal");
    or.set("negatives", rateJson(overRefusal));
    ObjectNode aa = rateJson(alarmingAllowed);
    ArrayNode aaCats = aa.putArray("categories");
    overRefusalCategories.forEach(aaCats::add);
    or.set("alarming_allowed", aa);

    long escalated = items.stream().filter(ScoredItem::escalated).count();
    putRatio(root, "escalation_rate", escalated, items.size());
    root.set("by_stage", countsJson(ScoredItem::stage));
    root.set("by_view", countsJson(ScoredItem::view));
    root.set("latency_nanos", percentilesJson(items, ScoredItem::latencyNanos));
    if (items.stream().anyMatch(i -> i.streaming() != null)) {
      root.set("streaming", streamingJson());
    }
    return root;
  }

  private static ObjectNode groupJson(Group g) {
    ObjectNode o = MAPPER.createObjectNode();
    Metrics m = g.metrics();
    Confusion c = g.atThreshold();
    o.put("n_positive", m.positives());
    o.put("n_negative", m.negatives());
    putNumber(o, "auroc", m.auroc());
    putNumber(o, "auprc", m.averagePrecision());
    ObjectNode r = o.putObject("recall_at_fpr");
    ObjectNode t = MAPPER.createObjectNode();
    for (double target : TARGET_FPRS) {
      var point = m.recallAtFpr(target);
      String key = fprKey(target);
      putNumber(r, key, point.map(p -> OptionalDouble.of(p.recall())).orElse(OptionalDouble.empty()));
      putNumber(t, key, point.map(p -> OptionalDouble.of(p.threshold())).orElse(OptionalDouble.empty()));
    }
    o.put("threshold", c.threshold());
    putNumber(o, "recall", c.recall());
    putNumber(o, "fpr", c.fpr());
    putNumber(o, "f1", c.f1());
    putNumber(o, "precision", c.precision());
    o.put("tp", c.tp());
    o.put("fp", c.fp());
    o.put("tn", c.tn());
    o.put("fn", c.fn());
    // A threshold of null here means no score keeps the FPR within the target.
    o.set("threshold_at_fpr", t);
    o.put("negative_set", g.negativeSet().wireName());
    Confusion own = g.categoryNegatives();
    if (own != null) {
      ObjectNode on = o.putObject("category_negatives");
      on.put("n", own.negatives());
      on.put("flagged", own.fp());
      putNumber(on, "fpr", own.fpr());
    }
    return o;
  }

  private static ObjectNode rateJson(Confusion negatives) {
    ObjectNode o = MAPPER.createObjectNode();
    o.put("n", negatives.negatives());
    o.put("flagged", negatives.fp());
    putNumber(o, "rate", negatives.fpr());
    return o;
  }

  private ObjectNode labelsJson() {
    SortedMap<String, long[]> counts = new TreeMap<>(); // n, flagged, positive
    for (ScoredItem i : items) {
      long[] c = counts.computeIfAbsent(i.label(), k -> new long[3]);
      c[0]++;
      c[1] += flagged(i) ? 1 : 0;
      c[2] += i.positive() ? 1 : 0;
    }
    ObjectNode o = MAPPER.createObjectNode();
    counts.forEach(
        (label, c) -> {
          ObjectNode l = o.putObject(label);
          l.put("n", c[0]);
          // A label is one class in well-formed data; a mix is shown rather than hidden.
          l.put("n_positive", c[2]);
          l.put("flagged", c[1]);
          putRatio(l, "flag_rate", c[1], c[0]);
        });
    return o;
  }

  private ObjectNode countsJson(Function<ScoredItem, String> key) {
    SortedMap<String, long[]> counts = new TreeMap<>(); // n, flagged
    for (ScoredItem i : items) {
      long[] c = counts.computeIfAbsent(key.apply(i), k -> new long[2]);
      c[0]++;
      c[1] += flagged(i) ? 1 : 0;
    }
    ObjectNode o = MAPPER.createObjectNode();
    counts.forEach(
        (k, c) -> {
          ObjectNode e = o.putObject(k);
          e.put("n", c[0]);
          e.put("flagged", c[1]);
        });
    return o;
  }

  private ObjectNode streamingJson() {
    List<ScoredItem> streamed = items.stream().filter(i -> i.streaming() != null).toList();
    ObjectNode o = MAPPER.createObjectNode();
    o.put("n", streamed.size());
    for (boolean positive : new boolean[] {true, false}) {
      List<ScoredItem> side = streamed.stream().filter(i -> i.positive() == positive).toList();
      List<ScoredItem.Streaming> fired =
          side.stream().map(ScoredItem::streaming).filter(s -> s != null && s.fired()).toList();
      ObjectNode s = o.putObject(positive ? "positives" : "negatives");
      s.put("n", side.size());
      s.put("fired", fired.size());
      putRatio(s, "fire_rate", fired.size(), side.size());
      long[] tokens = fired.stream().mapToLong(f -> requireNonNull(f.tokensToFirstFire())).toArray();
      s.set("tokens_to_fire", percentilesJson(tokens));
      double[] fractions =
          fired.stream()
              .filter(f -> f.totalTokens() > 0)
              .mapToDouble(f -> (double) requireNonNull(f.tokensToFirstFire()) / f.totalTokens())
              .toArray();
      Arrays.sort(fractions);
      ObjectNode fr = s.putObject("fraction_to_fire");
      putNumber(fr, "p50", percentile(fractions, 0.5));
      putNumber(fr, "p90", percentile(fractions, 0.9));
    }
    o.put(
        "total_tokens",
        streamed.stream().mapToLong(i -> requireNonNull(i.streaming()).totalTokens()).sum());
    o.set(
        "per_token_nanos",
        percentilesJson(streamed, i -> requireNonNull(i.streaming()).perTokenNanos()));
    return o;
  }

  private static ObjectNode percentilesJson(List<ScoredItem> items, ToLongFunction<ScoredItem> f) {
    return percentilesJson(items.stream().mapToLong(f).toArray());
  }

  private static ObjectNode percentilesJson(long[] values) {
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    ObjectNode o = MAPPER.createObjectNode();
    String[] keys = {"p50", "p90", "p99"};
    double[] ps = {0.5, 0.9, 0.99};
    for (int k = 0; k < keys.length; k++) {
      if (sorted.length == 0) {
        o.putNull(keys[k]);
      } else {
        o.put(keys[k], sorted[rank(sorted.length, ps[k])]);
      }
    }
    if (sorted.length == 0) {
      o.putNull("max");
    } else {
      o.put("max", sorted[sorted.length - 1]);
    }
    return o;
  }

  /** The nearest-rank p-quantile of ascending values; empty when there are none. */
  static OptionalDouble percentile(double[] sorted, double p) {
    return sorted.length == 0 ? OptionalDouble.empty() : OptionalDouble.of(sorted[rank(sorted.length, p)]);
  }

  /** The 0-based index of the nearest-rank p-quantile of n values. */
  static int rank(int n, double p) {
    return Math.max(0, Math.min(n - 1, (int) Math.ceil(p * n) - 1));
  }

  boolean flagged(ScoredItem item) {
    return item.score() >= threshold;
  }

  private static void putRatio(ObjectNode o, String key, long num, long den) {
    putNumber(o, key, den == 0 ? OptionalDouble.empty() : OptionalDouble.of((double) num / den));
  }

  private static void putNumber(ObjectNode o, String key, OptionalDouble value) {
    if (value.isPresent() && Double.isFinite(value.getAsDouble())) {
      o.put(key, value.getAsDouble());
    } else {
      o.putNull(key);
    }
  }

  /** Builds an {@link EvalReport}; validates everything, refuses a second setting of a value. */
  public static final class Builder {
    private @Nullable List<ScoredItem> items;
    private double threshold = Double.NaN;
    private boolean overRefusalCategoriesSet;
    private Set<String> overRefusalCategories = Set.of();
    private String title = "Bulwark classifier evaluation";

    private Builder() {}

    /** The scored items (copied); ids must be unique. An empty list gives null metrics throughout. */
    public Builder items(Collection<ScoredItem> items) {
      requireNonNull(items, "items");
      if (this.items != null) {
        throw new IllegalStateException("items were already set");
      }
      this.items = List.copyOf(items);
      return this;
    }

    /**
     * The deployed threshold, in [0, 1]: an item is flagged when its score is at or above it.
     *
     * @throws IllegalArgumentException outside [0, 1] or NaN
     */
    public Builder threshold(double threshold) {
      if (!Double.isNaN(this.threshold)) {
        throw new IllegalStateException("threshold was already set to " + this.threshold);
      }
      if (!(threshold >= 0.0 && threshold <= 1.0)) {
        throw new IllegalArgumentException("threshold must be in [0, 1], was " + threshold);
      }
      this.threshold = threshold;
      return this;
    }

    /**
     * The categories whose negatives are "alarming but allowed" (benign lines that look like misuse,
     * such as lab-safety questions): their over-refusal is reported apart. Positives in these
     * categories do not count towards it. Default: none.
     */
    public Builder overRefusalCategories(Collection<String> categories) {
      requireNonNull(categories, "categories");
      if (overRefusalCategoriesSet) {
        throw new IllegalStateException("over-refusal categories were already set to " + overRefusalCategories);
      }
      Set<String> copy = new HashSet<>();
      for (String c : categories) {
        requireNonNull(c, "category");
        if (c.isBlank()) {
          throw new IllegalArgumentException("an over-refusal category must not be blank");
        }
        copy.add(c);
      }
      this.overRefusalCategories = Set.copyOf(copy);
      this.overRefusalCategoriesSet = true;
      return this;
    }

    /** The report's title, e.g. the data file's name. */
    public Builder title(String title) {
      this.title = requireNonNull(title, "title");
      return this;
    }

    /**
     * Computes the report.
     *
     * @throws IllegalStateException when the items or the threshold are not set
     * @throws IllegalArgumentException when two items share an id
     */
    public EvalReport build() {
      if (items == null) {
        throw new IllegalStateException("items are not set");
      }
      if (Double.isNaN(threshold)) {
        throw new IllegalStateException("threshold is not set");
      }
      List<ScoredItem> sorted = new ArrayList<>(items);
      sorted.sort(Comparator.comparing(ScoredItem::id));
      for (int i = 1; i < sorted.size(); i++) {
        if (sorted.get(i).id().equals(sorted.get(i - 1).id())) {
          throw new IllegalArgumentException("two items share the id " + sorted.get(i).id());
        }
      }
      return new EvalReport(this, List.copyOf(sorted));
    }
  }
}

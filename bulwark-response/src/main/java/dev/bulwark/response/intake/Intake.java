package dev.bulwark.response.intake;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.exemplar.Embedder;
import dev.bulwark.core.pipeline.Turn;
import dev.bulwark.response.Exchange;
import dev.bulwark.response.Family;
import dev.bulwark.response.NewReport;
import dev.bulwark.response.Report;
import dev.bulwark.response.ResponseException;
import dev.bulwark.response.ResponseStore;
import dev.bulwark.response.internal.Audit;
import dev.bulwark.response.internal.Json;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Takes reports in: deduplicates them, groups them into families, stores them and audits the intake.
 *
 * <p>Deduplication: two reports whose exchanges are the same after canonicalization (normalized,
 * lower-cased, white space collapsed) are duplicates; the later one is kept, marked as a duplicate of
 * the first, and joins its family. Grouping: a report joins the family it is most similar to when the
 * similarity reaches a threshold, else it starts a family. Similarity is the larger of two measures
 * over the reports' attack messages: the cosine of their MiniLM window embeddings (an attack's wrapper
 * dominates them, so the same template around other payloads stays close) and the Jaccard overlap of
 * their canonical word 3-shingles (exact structure, and the only measure when no encoder is loaded).
 *
 * <p>Thread-safe: submissions are serialized. The family signatures are a cache of the store, brought
 * up to date at each submission (reports stored by another process or another instance are added), so
 * two servers group alike.
 */
public final class Intake {
  private final ResponseStore store;
  private final Canonicalizer canonicalizer;
  private final @Nullable Embedder embedder;
  private final Audit audit;
  private final double embeddingThreshold;
  private final double shingleThreshold;
  private @Nullable Map<String, Signature> signatures;
  /** The reports {@link #signatures} holds. */
  private final Set<String> seen = new HashSet<>();

  /**
   * @param embedder null to group by shingles alone
   * @param embeddingThreshold the cosine at or above which a report joins a family, in (0, 1]
   * @param shingleThreshold the shingle Jaccard at or above which a report joins a family, in (0, 1]
   */
  public Intake(ResponseStore store, Canonicalizer canonicalizer, @Nullable Embedder embedder, Audit audit,
      double embeddingThreshold, double shingleThreshold) {
    this.store = requireNonNull(store, "store");
    this.canonicalizer = requireNonNull(canonicalizer, "canonicalizer");
    this.embedder = embedder;
    this.audit = requireNonNull(audit, "audit");
    if (!(embeddingThreshold > 0 && embeddingThreshold <= 1) || !(shingleThreshold > 0 && shingleThreshold <= 1)) {
      throw new IllegalArgumentException("grouping thresholds must be in (0, 1], were " + embeddingThreshold
          + " and " + shingleThreshold);
    }
    this.embeddingThreshold = embeddingThreshold;
    this.shingleThreshold = shingleThreshold;
  }

  /** The defaults: cosine 0.90, shingles 0.50. */
  public static Intake withDefaults(ResponseStore store, Canonicalizer canonicalizer, @Nullable Embedder embedder, Audit audit) {
    return new Intake(store, canonicalizer, embedder, audit, 0.90, 0.50);
  }

  /**
   * What intake did with a report.
   *
   * @param newFamily whether the report started a family
   * @param duplicate whether it repeats an earlier report
   * @param similarity how close it came to the family it joined (1 for a duplicate, 0 for a new family)
   */
  public record Result(Report report, Family family, boolean newFamily, boolean duplicate, double similarity) {}

  /** Takes a report in; the audit log names no actor ({@code -}). */
  public Result submit(NewReport r) {
    return submit(r, "-");
  }

  /**
   * Takes a report in.
   *
   * @param actor who submitted it (an admin-API caller's id, a CLI user), for the audit log
   */
  public synchronized Result submit(NewReport r, String actor) {
    return take(r, actor, List.of()).orElseThrow();
  }

  /**
   * Takes a report in unless a report from {@code origin} was taken in already, by this process or
   * another (a monitor incident becomes one report however many servers run the intake). The family
   * it may start, the report and the origin commit together.
   *
   * @return what intake did, or empty when the origin was taken already
   */
  public synchronized Optional<Result> submitOnce(NewReport r, String actor, ResponseStore.Origin origin) {
    requireNonNull(origin, "origin");
    return submitOnce(r, actor, List.of(origin));
  }

  /**
   * Takes a report in unless one of {@code origins} was taken in already: a monitor incident's first
   * report holds the incident and each of its exchanges, a follow-up the exchanges kept since. The
   * family it may start, the report and every origin commit together, or nothing does.
   *
   * @return what intake did, or empty when an origin was taken already
   */
  public synchronized Optional<Result> submitOnce(NewReport r, String actor, List<ResponseStore.Origin> origins) {
    if (origins.isEmpty()) {
      throw new IllegalArgumentException("submitOnce needs at least one origin");
    }
    if (origins.stream().anyMatch(store::originTaken)) {
      return Optional.empty();
    }
    return take(r, actor, List.copyOf(origins));
  }

  private Optional<Result> take(NewReport r, String actor, List<ResponseStore.Origin> origins) {
    requireNonNull(r, "r");
    requireNonNull(actor, "actor");
    Instant now = audit.clock().instant();
    String key = dedupKey(r.exchanges());
    Optional<Report> original = store.originalByDedupKey(key);
    String familyId;
    String newFamilyName = null;
    double similarity;
    Signature sig = null;
    if (original.isPresent()) {
      familyId = original.get().familyId();
      similarity = 1.0;
    } else {
      sig = signature(r.exchanges());
      Map<String, Signature> known = signatures();
      String best = null;
      double bestScore = 0;
      for (Map.Entry<String, Signature> e : known.entrySet()) {
        double s = sig.similarity(e.getValue(), embeddingThreshold, shingleThreshold);
        if (s > bestScore) {
          bestScore = s;
          best = e.getKey();
        }
      }
      if (best != null && bestScore >= 1.0) {
        familyId = best;
        similarity = known.get(best).rawSimilarity(sig);
      } else {
        // The family is created with the report, in its transaction; only its id is taken now.
        familyId = store.allocateFamilyId();
        newFamilyName = r.title().isBlank() ? "untitled" : r.title();
        similarity = 0;
      }
    }
    Family family = newFamilyName != null ? new Family(familyId, newFamilyName, Family.Status.OPEN, now, now)
        : store.family(familyId).orElseThrow(() -> new ResponseException("family " + familyId + " vanished"));
    ObjectNode ev = Json.object()
        .put("family", family.id())
        .put("new_family", newFamilyName != null)
        .put("source", r.source().wireName())
        .put("exchanges", r.exchanges().size())
        .put("dedup_key", key)
        .put("duplicate_of", original.map(Report::id).orElse(null))
        .put("reporter", r.reporter())
        .put("actor", actor);
    if (!origins.isEmpty()) {
      ev.put("origin", origins.get(0).toString());
    }
    if (origins.size() > 1) {
      origins.forEach(o -> ev.withArray("origins").add(o.toString()));
    }
    if (r.bounty() != null) {
      ev.put("severity", r.bounty().severity().wireName()).put("reward", r.bounty().reward().wireName());
    }
    audit.record("response.report.received", ev);
    Optional<Report> stored = store.insertReport(r, familyId, newFamilyName, original.map(Report::id).orElse(null), key,
        now, origins, actor);
    if (stored.isEmpty()) {
      audit.record("response.report.discarded", Json.object().put("origin", origins.get(0).toString()).put("actor", actor)
          .put("dedup_key", key).put("reason", "another process took this origin in first"));
      return Optional.empty();
    }
    Map<String, Signature> known = signatures;
    if (sig != null && known != null && seen.add(stored.get().id())) {
      Signature prev = known.get(family.id());
      known.put(family.id(), prev == null ? sig : prev.merge(sig));
    }
    return Optional.of(new Result(stored.get(), family, newFamilyName != null, original.isPresent(), similarity));
  }

  /** Forgets the cached family signatures; the next submission rebuilds them from the store. */
  public synchronized void reload() {
    signatures = null;
    seen.clear();
  }

  /** The SHA-256 (hex) of the canonicalized exchanges. */
  public String dedupKey(List<Exchange> exchanges) {
    StringBuilder b = new StringBuilder();
    for (Exchange e : exchanges) {
      for (Turn t : e.prompt()) {
        b.append(t.role().name()).append('\u0001').append(canonical(t.text())).append('\u0002');
      }
      b.append("completion\u0001").append(e.completion() == null ? "" : canonical(e.completion())).append('\u0003');
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always available", e);
    }
  }

  private String canonical(String text) {
    return canonicalizer.canonicalize(text).primary().text().toLowerCase(Locale.ROOT).replaceAll("\\s+", " ").strip();
  }

  /**
   * The family signatures, brought up to date with the store: reports another intake stored (another
   * process, or another instance in this one) are added, so grouping sees every family.
   */
  private Map<String, Signature> signatures() {
    if (signatures == null) {
      signatures = new LinkedHashMap<>();
      seen.clear();
    }
    for (String id : store.originalReportIds()) {
      if (seen.add(id)) {
        Report rep = store.report(id).orElseThrow(() -> new ResponseException("report " + id + " vanished"));
        Signature s = signature(rep.exchanges());
        Signature prev = signatures.get(rep.familyId());
        signatures.put(rep.familyId(), prev == null ? s : prev.merge(s));
      }
    }
    return signatures;
  }

  private Signature signature(List<Exchange> exchanges) {
    List<float[]> vectors = new ArrayList<>();
    Set<String> shingles = new HashSet<>();
    for (Exchange e : exchanges) {
      String attack = e.lastUserText();
      if (embedder != null) {
        vectors.addAll(embedder.embed(attack));
      }
      shingles.addAll(shingles(canonical(attack)));
    }
    return new Signature(vectors, shingles);
  }

  /** Word 3-shingles of a canonical text (or its words, when it has fewer than three). */
  static Set<String> shingles(String canonical) {
    String[] w = canonical.split(" ");
    Set<String> out = new HashSet<>();
    if (w.length < 3) {
      out.add(canonical);
      return out;
    }
    for (int i = 0; i + 2 < w.length; i++) {
      out.add(w[i] + ' ' + w[i + 1] + ' ' + w[i + 2]);
    }
    return out;
  }

  /** What a family (or a report) looks like to grouping. */
  private record Signature(List<float[]> vectors, Set<String> shingles) {
    Signature merge(Signature other) {
      List<float[]> v = new ArrayList<>(vectors);
      v.addAll(other.vectors);
      Set<String> s = new HashSet<>(shingles);
      s.addAll(other.shingles);
      return new Signature(v, s);
    }

    /** The larger of cosine / its threshold and Jaccard / its threshold: 1 or more joins. */
    double similarity(Signature family, double cosThreshold, double jaccardThreshold) {
      return Math.max(maxCos(family) / cosThreshold, jaccard(family) / jaccardThreshold);
    }

    double rawSimilarity(Signature other) {
      return Math.max(maxCos(other), jaccard(other));
    }

    private double maxCos(Signature other) {
      double best = 0;
      for (float[] a : vectors) {
        for (float[] b : other.vectors) {
          double s = 0;
          for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
          }
          best = Math.max(best, s);
        }
      }
      return best;
    }

    private double jaccard(Signature other) {
      if (shingles.isEmpty() || other.shingles.isEmpty()) {
        return 0;
      }
      int common = 0;
      for (String s : shingles) {
        if (other.shingles.contains(s)) {
          common++;
        }
      }
      return (double) common / (shingles.size() + other.shingles.size() - common);
    }
  }
}

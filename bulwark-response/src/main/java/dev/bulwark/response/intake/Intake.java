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
 * <p>Thread-safe: submissions are serialized (the family signatures are a cache of the store, built
 * on first use; another process's new families are seen after {@link #reload()}).
 */
public final class Intake {
  private final ResponseStore store;
  private final Canonicalizer canonicalizer;
  private final @Nullable Embedder embedder;
  private final Audit audit;
  private final double embeddingThreshold;
  private final double shingleThreshold;
  private @Nullable Map<String, Signature> signatures;

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

  /** Takes a report in. */
  public synchronized Result submit(NewReport r) {
    requireNonNull(r, "r");
    Instant now = audit.clock().instant();
    String key = dedupKey(r.exchanges());
    Optional<Report> original = store.originalByDedupKey(key);
    Family family;
    boolean created = false;
    double similarity;
    Signature sig = null;
    if (original.isPresent()) {
      family = store.family(original.get().familyId()).orElseThrow(
          () -> new ResponseException("report " + original.get().id() + " names a missing family"));
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
        String id = best;
        family = store.family(id).orElseThrow(() -> new ResponseException("family " + id + " vanished"));
        similarity = known.get(id).rawSimilarity(sig);
      } else {
        family = store.createFamily(r.title().isBlank() ? "untitled" : r.title(), now);
        created = true;
        similarity = 0;
      }
    }
    ObjectNode ev = Json.object()
        .put("family", family.id())
        .put("new_family", created)
        .put("source", r.source().wireName())
        .put("exchanges", r.exchanges().size())
        .put("dedup_key", key)
        .put("duplicate_of", original.map(Report::id).orElse(null))
        .put("reporter", r.reporter());
    if (r.bounty() != null) {
      ev.put("severity", r.bounty().severity().wireName()).put("reward", r.bounty().reward().wireName());
    }
    audit.record("response.report.received", ev);
    Report stored = store.insertReport(r, family.id(), original.map(Report::id).orElse(null), key, now);
    if (sig != null) {
      Map<String, Signature> known = signatures();
      Signature prev = known.get(family.id());
      known.put(family.id(), prev == null ? sig : prev.merge(sig));
    }
    return new Result(stored, family, created, original.isPresent(), similarity);
  }

  /** Forgets the cached family signatures; the next submission rebuilds them from the store. */
  public synchronized void reload() {
    signatures = null;
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

  private Map<String, Signature> signatures() {
    if (signatures == null) {
      Map<String, Signature> m = new LinkedHashMap<>();
      for (Report rep : store.reports(null)) {
        if (rep.duplicateOf() != null) {
          continue;
        }
        Signature s = signature(rep.exchanges());
        Signature prev = m.get(rep.familyId());
        m.put(rep.familyId(), prev == null ? s : prev.merge(s));
      }
      signatures = m;
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

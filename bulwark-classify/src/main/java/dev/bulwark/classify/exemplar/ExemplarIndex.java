package dev.bulwark.classify.exemplar;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.ModelArchive;
import dev.bulwark.classify.model.ModelIntegrityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Known attacks as embeddings, grouped into families, each family with its own similarity threshold.
 * A text matches a family when the cosine similarity between any of its window vectors and any of the
 * family's vectors reaches the family's threshold.
 *
 * <p>Search is brute force over a flat {@code float[]} (vectors are L2-normalized, so cosine is a dot
 * product): a few thousand exemplars cost well under a millisecond per query window, which is small
 * beside the embedding itself, and brute force is exact, which matters when a threshold was calibrated
 * against benign traffic.
 *
 * <p>Immutable and thread-safe. A new version is built with {@link #toBuilder} and swapped in whole
 * (the gateway swaps its pipeline, the monitor a {@link LiveExemplarIndex}), so a reader never sees
 * half an update. Archive layout ({@link #toArchive}): {@code index.json} (format, encoder id,
 * dimensions, thresholds by family, and one {@code [id, family]} row per vector) and {@code
 * vectors.f32} (float32, row-major).
 */
public final class ExemplarIndex {
  /** The archive kind of an index. */
  public static final String KIND = "bulwark.exemplars";

  private static final String FORMAT = "bulwark.exemplars/1";

  private final String version;
  private final String encoderId;
  private final int dims;
  private final List<Entry> entries;
  private final float[] vectors;
  private final Map<String, Double> thresholds;

  private ExemplarIndex(String version, String encoderId, int dims, List<Entry> entries, float[] vectors,
      Map<String, Double> thresholds) {
    this.version = version;
    this.encoderId = encoderId;
    this.dims = dims;
    this.entries = entries;
    this.vectors = vectors;
    this.thresholds = thresholds;
  }

  /**
   * One stored vector.
   *
   * @param id the exemplar it came from (an example or variant id); a long exemplar has one entry per
   *     window, all with its id
   * @param family the attack family
   */
  public record Entry(String id, String family) {
    public Entry {
      requireNonNull(id, "id");
      requireNonNull(family, "family");
      if (id.isBlank() || family.isBlank()) {
        throw new IllegalArgumentException("exemplar id and family must not be blank");
      }
    }
  }

  /** A stored vector near a query, with its similarity. */
  public record Neighbour(String id, String family, double similarity) {}

  /**
   * The closest a text came to one family.
   *
   * @param family the family
   * @param id the exemplar closest to the text
   * @param similarity the cosine similarity, in [-1, 1]
   * @param threshold the family's threshold
   */
  public record Match(String family, String id, double similarity, double threshold) {
    /** Whether the similarity reaches the threshold. */
    public boolean matched() {
      return similarity >= threshold;
    }

    /** How far above (positive) or below the threshold the similarity is. */
    public double margin() {
      return similarity - threshold;
    }
  }

  /** An index with no exemplars. */
  public static ExemplarIndex empty(String version, String encoderId) {
    return builder(version, encoderId).build();
  }

  /** A builder for an index of vectors made by the encoder {@code encoderId}. */
  public static Builder builder(String version, String encoderId) {
    return new Builder(version, encoderId, Encoder.DIMENSIONS);
  }

  /** A builder holding everything in this index, for the next version. */
  public Builder toBuilder(String newVersion) {
    Builder b = new Builder(newVersion, encoderId, dims);
    for (int i = 0; i < entries.size(); i++) {
      b.entries.add(entries.get(i));
      b.vectors.add(Arrays.copyOfRange(vectors, i * dims, (i + 1) * dims));
    }
    b.thresholds.putAll(thresholds);
    return b;
  }

  public String version() {
    return version;
  }

  /** The encoder whose vectors this index holds. */
  public String encoderId() {
    return encoderId;
  }

  /** The number of stored vectors. */
  public int size() {
    return entries.size();
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** The stored vectors' entries, in storage order. */
  public List<Entry> entries() {
    return entries;
  }

  /** A copy of the vector stored at {@code row} (an index into {@link #entries()}). */
  public float[] vector(int row) {
    if (row < 0 || row >= entries.size()) {
      throw new IndexOutOfBoundsException("row " + row + " of " + entries.size());
    }
    return Arrays.copyOfRange(vectors, row * dims, (row + 1) * dims);
  }

  /** The families, sorted. */
  public Set<String> families() {
    return Collections.unmodifiableSet(thresholds.keySet());
  }

  /** A family's threshold. */
  public Optional<Double> threshold(String family) {
    return Optional.ofNullable(thresholds.get(family));
  }

  /** The {@code k} stored vectors most similar to {@code query}, most similar first. */
  public List<Neighbour> nearest(float[] query, int k) {
    checkQuery(query);
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1, was " + k);
    }
    PriorityQueue<Neighbour> heap = new PriorityQueue<>(Comparator.comparingDouble(Neighbour::similarity));
    for (int i = 0; i < entries.size(); i++) {
      double s = dot(query, i);
      if (heap.size() < k) {
        heap.add(neighbour(i, s));
      } else if (s > heap.peek().similarity()) {
        heap.poll();
        heap.add(neighbour(i, s));
      }
    }
    List<Neighbour> out = new ArrayList<>(heap);
    out.sort(Comparator.comparingDouble(Neighbour::similarity).reversed().thenComparing(Neighbour::id));
    return out;
  }

  /**
   * For every family, the closest any of {@code queries} came to it; families sorted by margin over
   * their threshold, largest first. Empty when the index or the queries are empty.
   */
  public List<Match> closest(List<float[]> queries) {
    Map<String, Match> best = new TreeMap<>();
    for (float[] q : queries) {
      checkQuery(q);
      for (int i = 0; i < entries.size(); i++) {
        double s = dot(q, i);
        Entry e = entries.get(i);
        Match m = best.get(e.family());
        if (m == null || s > m.similarity()) {
          best.put(e.family(), new Match(e.family(), e.id(), s, thresholds.get(e.family())));
        }
      }
    }
    List<Match> out = new ArrayList<>(best.values());
    out.sort(Comparator.comparingDouble(Match::margin).reversed().thenComparing(Match::family));
    return out;
  }

  /** The family {@code queries} match best, if any reaches its threshold. */
  public Optional<Match> match(List<float[]> queries) {
    List<Match> all = closest(queries);
    return all.isEmpty() || !all.get(0).matched() ? Optional.empty() : Optional.of(all.get(0));
  }

  // ---------------------------------------------------------------------------------------------
  // Archive

  /** The archive builder holding this index, with its provenance; call {@code toBytes()} on it. */
  public ModelArchive.Builder toArchive(ObjectNode provenance) {
    ObjectNode meta = JsonNodeFactory.instance.objectNode();
    meta.put("format", FORMAT);
    meta.put("encoder", encoderId);
    meta.put("dimensions", dims);
    ObjectNode t = meta.putObject("thresholds");
    thresholds.forEach(t::put);
    ArrayNode rows = meta.putArray("entries");
    for (Entry e : entries) {
      rows.addArray().add(e.id()).add(e.family());
    }
    return ModelArchive.builder().kind(KIND).version(version).provenance(provenance)
        .putJson("index.json", meta)
        .putFloats("vectors.f32", vectors);
  }

  /**
   * Reads an index from a verified archive.
   *
   * @throws ModelIntegrityException when it is not an index, of another format, or inconsistent
   */
  public static ExemplarIndex read(ModelArchive archive) {
    if (!KIND.equals(archive.kind())) {
      throw new ModelIntegrityException("archive is a " + archive.kind() + ", not a " + KIND);
    }
    JsonNode meta = archive.json("index.json");
    if (!FORMAT.equals(meta.path("format").asText())) {
      throw new ModelIntegrityException("exemplar index format " + meta.path("format") + " is not " + FORMAT);
    }
    int dims = meta.path("dimensions").asInt(-1);
    String encoder = meta.path("encoder").asText("");
    float[] vectors = archive.floats("vectors.f32");
    JsonNode rows = meta.path("entries");
    if (dims < 1 || encoder.isEmpty() || !rows.isArray() || (long) rows.size() * dims != vectors.length) {
      throw new ModelIntegrityException("exemplar index has " + rows.size() + " entries of " + dims
          + " dimensions but " + vectors.length + " floats");
    }
    try {
      Builder b = new Builder(archive.version(), encoder, dims);
      for (int i = 0; i < rows.size(); i++) {
        JsonNode r = rows.get(i);
        b.add(r.path(0).asText(), r.path(1).asText(), Arrays.copyOfRange(vectors, i * dims, (i + 1) * dims));
      }
      for (Map.Entry<String, JsonNode> e : meta.path("thresholds").properties()) {
        b.threshold(e.getKey(), e.getValue().asDouble(Double.NaN));
      }
      return b.build();
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ModelIntegrityException("exemplar index is invalid: " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------------------------------------

  /** {@code v} scaled to unit length (a copy). */
  static float[] normalize(float[] v) {
    double n = 0;
    for (float x : v) {
      n += (double) x * x;
    }
    if (!(n > 0) || !Double.isFinite(n)) {
      throw new IllegalArgumentException("cannot normalize a zero or non-finite vector");
    }
    double inv = 1.0 / Math.sqrt(n);
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = (float) (v[i] * inv);
    }
    return out;
  }

  private double dot(float[] q, int row) {
    int base = row * dims;
    double s = 0;
    for (int j = 0; j < dims; j++) {
      s += q[j] * vectors[base + j];
    }
    return s;
  }

  private Neighbour neighbour(int row, double similarity) {
    Entry e = entries.get(row);
    return new Neighbour(e.id(), e.family(), similarity);
  }

  private void checkQuery(float[] q) {
    if (q.length != dims) {
      throw new IllegalArgumentException("query has " + q.length + " dimensions, the index " + dims);
    }
  }

  @Override
  public String toString() {
    return "ExemplarIndex{" + version + ", " + entries.size() + " vectors, families=" + thresholds.keySet() + "}";
  }

  /**
   * Assembles an index. Every family with vectors needs a threshold in (0, 1]; a threshold for a
   * family without vectors is dropped.
   */
  public static final class Builder {
    private final String version;
    private final String encoderId;
    private final int dims;
    private final List<Entry> entries = new ArrayList<>();
    private final List<float[]> vectors = new ArrayList<>();
    private final Map<String, Double> thresholds = new TreeMap<>();

    private Builder(String version, String encoderId, int dims) {
      if (version == null || version.isBlank()) {
        throw new IllegalArgumentException("version must not be blank");
      }
      if (encoderId == null || encoderId.isBlank()) {
        throw new IllegalArgumentException("encoderId must not be blank");
      }
      this.version = version;
      this.encoderId = encoderId;
      this.dims = dims;
    }

    /** Adds one vector (normalized on the way in). */
    public Builder add(String id, String family, float[] vector) {
      Entry e = new Entry(id, family);
      if (vector.length != dims) {
        throw new IllegalArgumentException("vector of " + id + " has " + vector.length + " dimensions, expected " + dims);
      }
      entries.add(e);
      vectors.add(normalize(vector));
      return this;
    }

    /** Adds every vector of one exemplar. */
    public Builder addAll(String id, String family, List<float[]> windowVectors) {
      for (float[] v : windowVectors) {
        add(id, family, v);
      }
      return this;
    }

    /** Sets (or replaces) a family's threshold. */
    public Builder threshold(String family, double threshold) {
      requireNonNull(family, "family");
      if (!(threshold > 0.0 && threshold <= 1.0)) {
        throw new IllegalArgumentException("threshold of family " + family + " must be in (0, 1], was " + threshold);
      }
      thresholds.put(family, threshold);
      return this;
    }

    /** Removes a family's vectors and threshold. */
    public Builder removeFamily(String family) {
      for (int i = entries.size() - 1; i >= 0; i--) {
        if (entries.get(i).family().equals(family)) {
          entries.remove(i);
          vectors.remove(i);
        }
      }
      thresholds.remove(family);
      return this;
    }

    /** Whether a family has vectors here. */
    public boolean hasFamily(String family) {
      return entries.stream().anyMatch(e -> e.family().equals(family));
    }

    /**
     * @throws IllegalStateException when a family with vectors has no threshold
     */
    public ExemplarIndex build() {
      Map<String, Double> t = new TreeMap<>();
      for (Entry e : entries) {
        @Nullable Double threshold = thresholds.get(e.family());
        if (threshold == null) {
          throw new IllegalStateException("family " + e.family() + " has exemplars but no threshold");
        }
        t.put(e.family(), threshold);
      }
      float[] flat = new float[entries.size() * dims];
      for (int i = 0; i < vectors.size(); i++) {
        System.arraycopy(vectors.get(i), 0, flat, i * dims, dims);
      }
      return new ExemplarIndex(version, encoderId, dims, List.copyOf(entries), flat,
          Collections.unmodifiableMap(t));
    }
  }
}

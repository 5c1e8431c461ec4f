package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One model file: named binary entries under a JSON manifest, with a digest over every byte.
 *
 * <p>Layout (integers little-endian):
 *
 * <pre>
 *   "BWMA"                      4 bytes, magic
 *   format version              u32, {@value #FORMAT_VERSION}
 *   manifest length             u32
 *   manifest                    UTF-8 JSON: {"entries":[{"length","name","sha256"}...],
 *                               "kind", "provenance":{...}, "version"}
 *   entry bytes                 concatenated, in the manifest's order (sorted by name)
 *   SHA-256                     32 bytes, of everything before it
 * </pre>
 *
 * <p>Writing is deterministic: entries sorted by name, JSON keys sorted at every depth, no whitespace,
 * no timestamps; numeric arrays are stored as raw little-endian IEEE-754 or two's complement values
 * ({@link #encodeFloats}). The same content therefore always gives the same bytes and the same {@link
 * #digest()}, which is what a deployment pins.
 *
 * <p>Reading fails closed: a wrong magic or format version, a truncated or extended file, a trailing
 * digest or entry digest that does not match, a malformed manifest, or (when given) a file digest
 * other than the expected one throws {@link ModelIntegrityException} and yields nothing.
 *
 * <p>Instances are immutable and thread-safe; accessors return copies.
 */
public final class ModelArchive {
  /** The format version this class writes and reads. */
  public static final int FORMAT_VERSION = 1;

  private static final byte[] MAGIC = {'B', 'W', 'M', 'A'};
  private static final int HEADER_BYTES = 12;
  private static final int DIGEST_BYTES = 32;
  private static final String DIGEST_PREFIX = "sha256:";
  private static final Pattern ENTRY_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._/-]{0,254}");
  private static final Set<String> MANIFEST_FIELDS = Set.of("entries", "kind", "provenance", "version");
  private static final Set<String> ENTRY_FIELDS = Set.of("length", "name", "sha256");
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private final String kind;
  private final String version;
  private final ObjectNode provenance;
  private final Map<String, byte[]> entries;
  private final String digest;

  private ModelArchive(
      String kind, String version, ObjectNode provenance, Map<String, byte[]> entries, String digest) {
    this.kind = kind;
    this.version = version;
    this.provenance = provenance;
    this.entries = entries;
    this.digest = digest;
  }

  /** A builder for a new archive. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads and verifies an archive.
   *
   * @param expectedDigest the {@code sha256:<hex>} the whole file must have, or null to accept any
   *     intact file
   * @throws ModelIntegrityException when the file is damaged, of an unknown format, or not the expected
   *     one
   */
  public static ModelArchive read(byte[] bytes, @Nullable String expectedDigest) {
    requireNonNull(bytes, "bytes");
    if (bytes.length < HEADER_BYTES + DIGEST_BYTES) {
      throw new ModelIntegrityException(
          "model file is truncated: " + bytes.length + " bytes, fewer than the smallest archive");
    }
    if (!Arrays.equals(bytes, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
      throw new ModelIntegrityException("not a Bulwark model archive (the file does not start with BWMA)");
    }
    ByteBuffer header = ByteBuffer.wrap(bytes, 0, HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    int format = header.getInt(4);
    if (format != FORMAT_VERSION) {
      throw new ModelIntegrityException(
          "unsupported model archive format version "
              + Integer.toUnsignedString(format)
              + " (this build reads version "
              + FORMAT_VERSION
              + ")");
    }
    int bodyEnd = bytes.length - DIGEST_BYTES;
    MessageDigest sha = sha256();
    sha.update(bytes, 0, bodyEnd);
    if (!MessageDigest.isEqual(sha.digest(), Arrays.copyOfRange(bytes, bodyEnd, bytes.length))) {
      throw new ModelIntegrityException(
          "model file is damaged or truncated: its trailing SHA-256 does not match its content");
    }
    long manifestLength = Integer.toUnsignedLong(header.getInt(8));
    if (manifestLength > bodyEnd - HEADER_BYTES) {
      throw new ModelIntegrityException(
          "model archive manifest length " + manifestLength + " runs past the end of the file");
    }
    int manifestEnd = HEADER_BYTES + (int) manifestLength;
    Manifest manifest = parseManifest(Arrays.copyOfRange(bytes, HEADER_BYTES, manifestEnd));

    Map<String, byte[]> entries = new LinkedHashMap<>();
    int offset = manifestEnd;
    for (ManifestEntry e : manifest.entries) {
      if (e.length > bodyEnd - offset) {
        throw new ModelIntegrityException(
            "model archive entry '" + e.name + "' (" + e.length + " bytes) runs past the end of the file");
      }
      byte[] data = Arrays.copyOfRange(bytes, offset, offset + (int) e.length);
      offset += (int) e.length;
      if (!hex(sha256().digest(data)).equals(e.sha256)) {
        throw new ModelIntegrityException("model archive entry '" + e.name + "' does not match its SHA-256");
      }
      entries.put(e.name, data);
    }
    if (offset != bodyEnd) {
      throw new ModelIntegrityException(
          "model archive has " + (bodyEnd - offset) + " bytes after its last entry that no entry accounts for");
    }
    String digest = DIGEST_PREFIX + hex(sha256().digest(bytes));
    if (expectedDigest != null && !MessageDigest.isEqual(
        digest.getBytes(StandardCharsets.US_ASCII), expectedDigest.getBytes(StandardCharsets.US_ASCII))) {
      throw new ModelIntegrityException(
          "model file digest " + digest + " is not the expected " + expectedDigest);
    }
    return new ModelArchive(
        manifest.kind, manifest.version, manifest.provenance, Collections.unmodifiableMap(entries), digest);
  }

  /**
   * Reads and verifies an archive file.
   *
   * @throws IOException when the file cannot be read
   * @throws ModelIntegrityException see {@link #read(byte[], String)}
   */
  public static ModelArchive read(Path path, @Nullable String expectedDigest) throws IOException {
    return read(Files.readAllBytes(path), expectedDigest);
  }

  /**
   * Reads and verifies an archive from a stream, to its end. Does not close the stream.
   *
   * @throws IOException when the stream fails
   * @throws ModelIntegrityException see {@link #read(byte[], String)}
   */
  public static ModelArchive read(InputStream in, @Nullable String expectedDigest) throws IOException {
    return read(in.readAllBytes(), expectedDigest);
  }

  /** The kind of model, e.g. {@code bulwark.bundle}. */
  public String kind() {
    return kind;
  }

  /** The model's version string. */
  public String version() {
    return version;
  }

  /** A copy of the provenance object (training data digests, settings, metrics). */
  public ObjectNode provenance() {
    return provenance.deepCopy();
  }

  /** {@code sha256:} and the lower-case hex SHA-256 of the whole file, trailer included. */
  public String digest() {
    return digest;
  }

  /** The entry names, sorted. */
  public Set<String> entryNames() {
    return entries.keySet();
  }

  /** Whether an entry of this name exists. */
  public boolean has(String name) {
    return entries.containsKey(name);
  }

  /**
   * A copy of an entry's bytes.
   *
   * @throws ModelIntegrityException when there is no such entry (a model missing a part is unusable)
   */
  public byte[] entry(String name) {
    return raw(name).clone();
  }

  /** An entry written by {@link Builder#putFloats}. */
  public float[] floats(String name) {
    return decodeFloats(name, raw(name));
  }

  /** An entry written by {@link Builder#putDoubles}. */
  public double[] doubles(String name) {
    return decodeDoubles(name, raw(name));
  }

  /** An entry written by {@link Builder#putInts}. */
  public int[] ints(String name) {
    return decodeInts(name, raw(name));
  }

  /** An entry written by {@link Builder#putJson}. */
  public JsonNode json(String name) {
    try {
      return JSON.readTree(raw(name));
    } catch (IOException e) {
      throw new ModelIntegrityException("model archive entry '" + name + "' is not valid JSON", e);
    }
  }

  private byte[] raw(String name) {
    byte[] data = entries.get(requireNonNull(name, "name"));
    if (data == null) {
      throw new ModelIntegrityException("model archive (" + kind + " " + version + ") has no entry '" + name + "'");
    }
    return data;
  }

  @Override
  public String toString() {
    return "ModelArchive{kind=" + kind + ", version=" + version + ", entries=" + entries.size() + ", " + digest + "}";
  }

  // ---------------------------------------------------------------------------------------------
  // Numeric encodings

  /** Floats as little-endian IEEE-754 binary32, bit patterns kept exactly. */
  public static byte[] encodeFloats(float[] values) {
    ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(values);
    return b.array();
  }

  /** Doubles as little-endian IEEE-754 binary64, bit patterns kept exactly. */
  public static byte[] encodeDoubles(double[] values) {
    ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 8)).order(ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(values);
    return b.array();
  }

  /** Ints as little-endian two's complement. */
  public static byte[] encodeInts(int[] values) {
    ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
    b.asIntBuffer().put(values);
    return b.array();
  }

  private static float[] decodeFloats(String name, byte[] data) {
    checkMultiple(name, data, 4, "float32");
    float[] out = new float[data.length / 4];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
    return out;
  }

  private static double[] decodeDoubles(String name, byte[] data) {
    checkMultiple(name, data, 8, "float64");
    double[] out = new double[data.length / 8];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(out);
    return out;
  }

  private static int[] decodeInts(String name, byte[] data) {
    checkMultiple(name, data, 4, "int32");
    int[] out = new int[data.length / 4];
    ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
    return out;
  }

  private static void checkMultiple(String name, byte[] data, int size, String type) {
    if (data.length % size != 0) {
      throw new ModelIntegrityException(
          "model archive entry '" + name + "' has " + data.length + " bytes, not a whole number of " + type + " values");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Manifest

  private record ManifestEntry(String name, long length, String sha256) {}

  private record Manifest(String kind, String version, ObjectNode provenance, List<ManifestEntry> entries) {}

  private static Manifest parseManifest(byte[] json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new ModelIntegrityException("model archive manifest is not valid JSON", e);
    }
    if (root == null || !root.isObject()) {
      throw new ModelIntegrityException("model archive manifest is not a JSON object");
    }
    checkFields(root, MANIFEST_FIELDS, "manifest");
    String kind = text(root, "kind", "manifest");
    String version = text(root, "version", "manifest");
    JsonNode provenance = root.get("provenance");
    if (provenance == null || !provenance.isObject()) {
      throw new ModelIntegrityException("model archive manifest has no provenance object");
    }
    JsonNode list = root.get("entries");
    if (list == null || !list.isArray()) {
      throw new ModelIntegrityException("model archive manifest has no entries array");
    }
    List<ManifestEntry> entries = new ArrayList<>();
    String previous = null;
    for (JsonNode e : list) {
      if (!e.isObject()) {
        throw new ModelIntegrityException("model archive manifest entry is not an object");
      }
      checkFields(e, ENTRY_FIELDS, "manifest entry");
      String name = text(e, "name", "manifest entry");
      JsonNode length = e.get("length");
      if (!length.isIntegralNumber() || !length.canConvertToLong() || length.asLong() < 0) {
        throw new ModelIntegrityException("model archive entry '" + name + "' has an invalid length " + length);
      }
      String sha = text(e, "sha256", "manifest entry");
      if (previous != null && previous.compareTo(name) >= 0) {
        throw new ModelIntegrityException(
            "model archive entries are not in strictly sorted order ('" + previous + "', then '" + name + "')");
      }
      previous = name;
      entries.add(new ManifestEntry(name, length.asLong(), sha));
    }
    return new Manifest(kind, version, (ObjectNode) provenance, List.copyOf(entries));
  }

  private static void checkFields(JsonNode node, Set<String> expected, String what) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String n = names.next();
      if (!expected.contains(n)) {
        throw new ModelIntegrityException("model archive " + what + " has an unknown field '" + n + "'");
      }
    }
    for (String n : expected) {
      if (!node.has(n)) {
        throw new ModelIntegrityException("model archive " + what + " has no '" + n + "'");
      }
    }
  }

  private static String text(JsonNode node, String field, String what) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw new ModelIntegrityException("model archive " + what + " field '" + field + "' is not a string");
    }
    return v.textValue();
  }

  /**
   * A copy of {@code node} with every object's fields in sorted order, so that serializing it gives one
   * byte sequence per value.
   *
   * @throws IllegalArgumentException on a NaN or infinite number, which JSON cannot carry
   */
  static JsonNode canonical(JsonNode node) {
    if (node.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      for (Map.Entry<String, JsonNode> e : node.properties()) {
        sorted.put(e.getKey(), canonical(e.getValue()));
      }
      ObjectNode out = JsonNodeFactory.instance.objectNode();
      sorted.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      ArrayNode out = JsonNodeFactory.instance.arrayNode();
      node.forEach(v -> out.add(canonical(v)));
      return out;
    }
    if (node.isFloatingPointNumber() && !Double.isFinite(node.doubleValue())) {
      throw new IllegalArgumentException("JSON cannot carry the number " + node.doubleValue());
    }
    return node.deepCopy();
  }

  static byte[] canonicalBytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(canonical(node));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree failed to serialize", e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  // ---------------------------------------------------------------------------------------------

  /**
   * Collects entries and writes an archive. Not thread-safe. The kind and version must be set; the
   * provenance defaults to an empty object.
   */
  public static final class Builder {
    private @Nullable String kind;
    private @Nullable String version;
    private @Nullable ObjectNode provenance;
    private final TreeMap<String, byte[]> entries = new TreeMap<>();

    private Builder() {}

    /** The kind of model, e.g. {@code bulwark.bundle}; set once. */
    public Builder kind(String kind) {
      requireNonNull(kind, "kind");
      if (this.kind != null) {
        throw new IllegalStateException("kind was already set to " + this.kind);
      }
      if (kind.isBlank()) {
        throw new IllegalArgumentException("kind must not be blank");
      }
      this.kind = kind;
      return this;
    }

    /** The model's version string; set once. */
    public Builder version(String version) {
      requireNonNull(version, "version");
      if (this.version != null) {
        throw new IllegalStateException("version was already set to " + this.version);
      }
      if (version.isBlank()) {
        throw new IllegalArgumentException("version must not be blank");
      }
      this.version = version;
      return this;
    }

    /**
     * The provenance object (copied); set once.
     *
     * @throws IllegalArgumentException when it is not a JSON object or holds a non-finite number
     */
    public Builder provenance(JsonNode provenance) {
      requireNonNull(provenance, "provenance");
      if (this.provenance != null) {
        throw new IllegalStateException("provenance was already set");
      }
      if (!provenance.isObject()) {
        throw new IllegalArgumentException("provenance must be a JSON object, was " + provenance.getNodeType());
      }
      this.provenance = (ObjectNode) canonical(provenance);
      return this;
    }

    /** The provenance, from a map that Jackson can turn into a JSON object; set once. */
    public Builder provenance(Map<String, ?> provenance) {
      JsonNode tree = JSON.valueToTree(requireNonNull(provenance, "provenance"));
      return provenance(tree);
    }

    /**
     * Adds an entry (copied).
     *
     * @param name letters, digits and {@code . _ / -}, at most 255 characters, not starting with a
     *     dot, slash or dash
     * @throws IllegalArgumentException on a bad name or one already added
     */
    public Builder put(String name, byte[] data) {
      requireNonNull(name, "name");
      requireNonNull(data, "data");
      if (!ENTRY_NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("invalid model archive entry name '" + name + "'");
      }
      if (entries.containsKey(name)) {
        throw new IllegalArgumentException("model archive entry '" + name + "' was already added");
      }
      entries.put(name, data.clone());
      return this;
    }

    /** Adds float32 values, little-endian. */
    public Builder putFloats(String name, float[] values) {
      return put(name, encodeFloats(values));
    }

    /** Adds float64 values, little-endian. */
    public Builder putDoubles(String name, double[] values) {
      return put(name, encodeDoubles(values));
    }

    /** Adds int32 values, little-endian. */
    public Builder putInts(String name, int[] values) {
      return put(name, encodeInts(values));
    }

    /**
     * Adds a JSON value in canonical form (sorted keys, no whitespace).
     *
     * @throws IllegalArgumentException on a non-finite number
     */
    public Builder putJson(String name, JsonNode value) {
      return put(name, canonicalBytes(requireNonNull(value, "value")));
    }

    /**
     * The archive's bytes. The same kind, version, provenance and entries always give the same bytes,
     * whatever the order entries were added in.
     *
     * @throws IllegalStateException when the kind or version is not set
     */
    public byte[] toBytes() {
      if (kind == null) {
        throw new IllegalStateException("model archive kind is not set");
      }
      if (version == null) {
        throw new IllegalStateException("model archive version is not set");
      }
      ObjectNode manifest = JsonNodeFactory.instance.objectNode();
      ArrayNode list = manifest.putArray("entries");
      long size = 0;
      for (Map.Entry<String, byte[]> e : entries.entrySet()) {
        ObjectNode entry = list.addObject();
        entry.put("length", e.getValue().length);
        entry.put("name", e.getKey());
        entry.put("sha256", hex(sha256().digest(e.getValue())));
        size += e.getValue().length;
      }
      manifest.put("kind", kind);
      manifest.set("provenance", provenance != null ? provenance : JsonNodeFactory.instance.objectNode());
      manifest.put("version", version);
      byte[] manifestBytes = canonicalBytes(manifest);
      size += HEADER_BYTES + manifestBytes.length + DIGEST_BYTES;
      if (size > Integer.MAX_VALUE - 16) {
        throw new IllegalStateException("model archive of " + size + " bytes is too large for one file");
      }
      ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
      out.put(MAGIC).putInt(FORMAT_VERSION).putInt(manifestBytes.length).put(manifestBytes);
      for (byte[] data : entries.values()) {
        out.put(data);
      }
      MessageDigest sha = sha256();
      sha.update(out.array(), 0, out.position());
      out.put(sha.digest());
      return out.array();
    }

    /** The archive, as a reader would see it. */
    public ModelArchive build() {
      return read(toBytes(), null);
    }

    /**
     * Writes the archive to {@code path}, replacing it atomically where the file system allows, and
     * returns the file's digest.
     */
    public String write(Path path) throws IOException {
      byte[] bytes = toBytes();
      Path absolute = path.toAbsolutePath();
      Path dir = absolute.getParent();
      Path tmp = Files.createTempFile(dir, absolute.getFileName().toString() + ".", ".tmp");
      try {
        Files.write(tmp, bytes);
        try {
          Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
          Files.move(tmp, absolute, StandardCopyOption.REPLACE_EXISTING);
        }
      } catch (IOException | RuntimeException e) {
        try {
          Files.deleteIfExists(tmp);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      return DIGEST_PREFIX + hex(sha256().digest(bytes));
    }
  }
}

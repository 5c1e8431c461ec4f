package dev.bulwark.classify.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelArchiveTest {
  private static ModelArchive.Builder sample() {
    Map<String, Object> provenance = new LinkedHashMap<>();
    provenance.put("trainer", "stage1");
    provenance.put("data", Map.of("sha256", "ab12", "examples", 40000));
    provenance.put("metrics", List.of(0.5, 0.25));
    return ModelArchive.builder()
        .kind("bulwark.test")
        .version("1.2.3")
        .provenance(provenance)
        .putFloats("w.f32", new float[] {1.5f, -0.0f, Float.MIN_VALUE, 3e38f})
        .putInts("i.i32", new int[] {1, -1, Integer.MAX_VALUE})
        .putDoubles("d.f64", new double[] {Math.PI, -2})
        .put("raw/bytes", new byte[] {0, 1, 2, (byte) 255})
        .put("empty", new byte[0]);
  }

  @Test
  void read_writtenArchive_returnsEverything() {
    ModelArchive a = ModelArchive.read(sample().toBytes(), null);
    assertThat(a.kind()).isEqualTo("bulwark.test");
    assertThat(a.version()).isEqualTo("1.2.3");
    assertThat(a.provenance().path("data").path("examples").asInt()).isEqualTo(40000);
    assertThat(a.entryNames()).containsExactly("d.f64", "empty", "i.i32", "raw/bytes", "w.f32");
    assertThat(a.floats("w.f32")).containsExactly(1.5f, -0.0f, Float.MIN_VALUE, 3e38f);
    assertThat(Float.floatToRawIntBits(a.floats("w.f32")[1])).isEqualTo(0x80000000);
    assertThat(a.ints("i.i32")).containsExactly(1, -1, Integer.MAX_VALUE);
    assertThat(a.doubles("d.f64")).containsExactly(Math.PI, -2);
    assertThat(a.entry("raw/bytes")).containsExactly(0, 1, 2, 255);
    assertThat(a.entry("empty")).isEmpty();
    assertThat(a.has("empty")).isTrue();
    assertThat(a.has("nope")).isFalse();
  }

  @Test
  void layout_isMagicVersionManifestEntriesDigest() {
    byte[] bytes = ModelArchive.builder().kind("k").version("v").put("e", new byte[] {7}).toBytes();
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(new String(bytes, 0, 4, StandardCharsets.US_ASCII)).isEqualTo("BWMA");
    assertThat(b.getInt(4)).isEqualTo(ModelArchive.FORMAT_VERSION);
    int len = b.getInt(8);
    assertThat(new String(bytes, 12, len, StandardCharsets.UTF_8))
        .isEqualTo(
            "{\"entries\":[{\"length\":1,\"name\":\"e\",\"sha256\":"
                + "\"ca358758f6d27e6cf45272937977a748fd88391db679ceda7dc7bf1f005ee879\"}],"
                + "\"kind\":\"k\",\"provenance\":{},\"version\":\"v\"}");
    assertThat(bytes[12 + len]).isEqualTo((byte) 7);
    assertThat(bytes).hasSize(12 + len + 1 + 32);
    assertThat(Arrays.copyOfRange(bytes, bytes.length - 32, bytes.length))
        .isEqualTo(sha256(Arrays.copyOf(bytes, bytes.length - 32)));
  }

  @Test
  void toBytes_anyInsertionOrder_sameBytes() {
    ObjectNode p1 = JsonNodeFactory.instance.objectNode();
    p1.put("b", 1).putObject("a").put("y", 2).put("x", 1.25);
    ObjectNode p2 = JsonNodeFactory.instance.objectNode();
    p2.putObject("a").put("x", 1.25).put("y", 2);
    p2.put("b", 1);
    byte[] one = ModelArchive.builder().kind("k").version("v").provenance(p1)
        .put("z", new byte[] {1}).put("a", new byte[] {2}).toBytes();
    byte[] two = ModelArchive.builder().put("a", new byte[] {2}).provenance(p2).put("z", new byte[] {1})
        .version("v").kind("k").toBytes();
    assertThat(two).isEqualTo(one);
  }

  // A golden digest: the format must not drift, or every pinned model digest breaks.
  @Test
  void digest_sampleArchive_isGoldenAndCoversWholeFile() {
    byte[] bytes = sample().toBytes();
    ModelArchive a = ModelArchive.read(bytes, null);
    assertThat(a.digest()).isEqualTo("sha256:" + HexFormat.of().formatHex(sha256(bytes)));
    assertThat(a.digest()).isEqualTo("sha256:fd51dd2721d43281b3c37b16decb0421748c24b085d4e54769c7e2184bb520a2");
  }

  @Test
  void read_anySingleBitFlipped_refused() {
    byte[] good = sample().toBytes();
    for (int i = 0; i < good.length; i++) {
      for (int bit : new int[] {0, 7}) {
        byte[] bad = good.clone();
        bad[i] ^= (byte) (1 << bit);
        int at = i;
        assertThatThrownBy(() -> ModelArchive.read(bad, null))
            .as("flipped bit %d of byte %d", bit, at)
            .isInstanceOf(ModelIntegrityException.class);
      }
    }
  }

  @Test
  void read_truncatedOrExtended_refused() {
    byte[] good = sample().toBytes();
    for (int len = 0; len < good.length; len++) {
      byte[] bad = Arrays.copyOf(good, len);
      int at = len;
      assertThatThrownBy(() -> ModelArchive.read(bad, null))
          .as("truncated to %d bytes", at)
          .isInstanceOf(ModelIntegrityException.class);
    }
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    assertThatThrownBy(() -> ModelArchive.read(longer, null)).isInstanceOf(ModelIntegrityException.class);
  }

  @Test
  void read_entryChangedAndTrailerRecomputed_refusedByEntryDigest() {
    byte[] bad = sample().toBytes();
    bad[bad.length - 33] ^= 1; // the last byte of the last entry
    resign(bad);
    assertThatThrownBy(() -> ModelArchive.read(bad, null))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("does not match its SHA-256");
  }

  @Test
  void read_consistentForgery_refusedOnlyByExpectedDigest() {
    byte[] good = sample().toBytes();
    String pinned = ModelArchive.read(good, null).digest();
    // Re-writing the version keeps the file self-consistent; only the pinned digest can tell.
    byte[] forged = new String(good, StandardCharsets.ISO_8859_1)
        .replace("\"version\":\"1.2.3\"", "\"version\":\"1.2.4\"")
        .getBytes(StandardCharsets.ISO_8859_1);
    resign(forged);
    assertThat(ModelArchive.read(forged, null).version()).isEqualTo("1.2.4");
    assertThatThrownBy(() -> ModelArchive.read(forged, pinned))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("is not the expected " + pinned);
    assertThat(ModelArchive.read(good, pinned).version()).isEqualTo("1.2.3");
  }

  @Test
  void read_wrongExpectedDigest_refused() {
    byte[] good = sample().toBytes();
    assertThatThrownBy(() -> ModelArchive.read(good, "sha256:" + "0".repeat(64)))
        .isInstanceOf(ModelIntegrityException.class);
    assertThatThrownBy(() -> ModelArchive.read(good, ""))
        .isInstanceOf(ModelIntegrityException.class);
  }

  @Test
  void read_otherMagicOrVersion_refusedWithReason() {
    byte[] bad = sample().toBytes();
    bad[0] = 'X';
    assertThatThrownBy(() -> ModelArchive.read(bad, null)).hasMessageContaining("BWMA");
    byte[] v2 = sample().toBytes();
    v2[4] = 2;
    resign(v2);
    assertThatThrownBy(() -> ModelArchive.read(v2, null))
        .isInstanceOf(ModelIntegrityException.class)
        .hasMessageContaining("format version 2");
  }

  @Test
  void read_malformedManifests_refused() {
    assertThat(refusal("not json")).contains("not valid JSON");
    assertThat(refusal("[]")).contains("not a JSON object");
    assertThat(refusal("{\"entries\":[],\"kind\":\"k\",\"provenance\":{},\"version\":\"v\",\"x\":1}"))
        .contains("unknown field 'x'");
    assertThat(refusal("{\"entries\":[],\"kind\":\"k\",\"provenance\":{}}")).contains("'version'");
    assertThat(refusal("{\"entries\":[],\"kind\":\"k\",\"kind\":\"j\",\"provenance\":{},\"version\":\"v\"}"))
        .contains("not valid JSON");
    assertThat(refusal("{\"entries\":[],\"kind\":1,\"provenance\":{},\"version\":\"v\"}")).contains("'kind'");
    assertThat(refusal("{\"entries\":[{\"length\":-1,\"name\":\"a\",\"sha256\":\"\"}],\"kind\":\"k\","
            + "\"provenance\":{},\"version\":\"v\"}"))
        .contains("invalid length");
    assertThat(refusal("{\"entries\":[{\"length\":99,\"name\":\"a\",\"sha256\":\"\"}],\"kind\":\"k\","
            + "\"provenance\":{},\"version\":\"v\"}"))
        .contains("runs past the end");
    String empty = HexFormat.of().formatHex(sha256(new byte[0]));
    assertThat(refusal("{\"entries\":[{\"length\":0,\"name\":\"b\",\"sha256\":\"" + empty + "\"},"
            + "{\"length\":0,\"name\":\"a\",\"sha256\":\"" + empty + "\"}],\"kind\":\"k\","
            + "\"provenance\":{},\"version\":\"v\"}"))
        .contains("sorted");
  }

  private static String refusal(String manifest) {
    byte[] m = manifest.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(12 + m.length + 32).order(ByteOrder.LITTLE_ENDIAN);
    b.put("BWMA".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(m.length).put(m);
    byte[] bytes = b.array();
    resign(bytes);
    try {
      ModelArchive.read(bytes, null);
    } catch (ModelIntegrityException e) {
      return e.getMessage();
    }
    throw new AssertionError("manifest accepted: " + manifest);
  }

  @Test
  void accessors_missingOrMisshapenEntry_refused() {
    ModelArchive a = sample().build();
    assertThatThrownBy(() -> a.entry("absent")).isInstanceOf(ModelIntegrityException.class).hasMessageContaining("absent");
    assertThatThrownBy(() -> a.doubles("i.i32")).isInstanceOf(ModelIntegrityException.class).hasMessageContaining("float64");
    assertThatThrownBy(() -> a.json("raw/bytes")).isInstanceOf(ModelIntegrityException.class);
    assertThat(a.entry("raw/bytes")).isNotSameAs(a.entry("raw/bytes"));
  }

  @Test
  void builder_invalidUse_refused() {
    assertThatThrownBy(() -> ModelArchive.builder().put("a", new byte[0]).put("a", new byte[0]))
        .hasMessageContaining("already added");
    for (String name : new String[] {"", "/abs", ".hidden", "has space", "x".repeat(256), "ü"}) {
      assertThatThrownBy(() -> ModelArchive.builder().put(name, new byte[0]))
          .as(name)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> ModelArchive.builder().version("v").toBytes()).hasMessageContaining("kind is not set");
    assertThatThrownBy(() -> ModelArchive.builder().kind("k").toBytes()).hasMessageContaining("version is not set");
    assertThatThrownBy(() -> ModelArchive.builder().kind("k").kind("j")).hasMessageContaining("already set to k");
    assertThatThrownBy(() -> ModelArchive.builder().provenance(JsonNodeFactory.instance.arrayNode()))
        .hasMessageContaining("object");
    ObjectNode nan = JsonNodeFactory.instance.objectNode().put("x", Double.NaN);
    assertThatThrownBy(() -> ModelArchive.builder().provenance(nan)).hasMessageContaining("NaN");
  }

  @Test
  void builder_copiesEntryData() {
    byte[] data = {1, 2};
    ModelArchive.Builder b = ModelArchive.builder().kind("k").version("v").put("e", data);
    data[0] = 9;
    assertThat(b.build().entry("e")).containsExactly(1, 2);
  }

  @Test
  void writeAndReadFile_pathAndStream_sameArchive(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("model.bwma");
    Files.writeString(file, "old content");
    String digest = sample().write(file);
    assertThat(ModelArchive.read(file, digest).digest()).isEqualTo(digest);
    try (var in = new ByteArrayInputStream(Files.readAllBytes(file))) {
      assertThat(ModelArchive.read(in, digest).version()).isEqualTo("1.2.3");
    }
    try (var files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  private static void resign(byte[] bytes) {
    byte[] d = sha256(Arrays.copyOf(bytes, bytes.length - 32));
    System.arraycopy(d, 0, bytes, bytes.length - 32, 32);
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}

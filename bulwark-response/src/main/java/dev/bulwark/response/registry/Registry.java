package dev.bulwark.response.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.model.ModelArchive;
import dev.bulwark.classify.model.ModelIntegrityException;
import dev.bulwark.response.ResponseException;
import dev.bulwark.response.internal.Audit;
import dev.bulwark.response.internal.Jdbc;
import dev.bulwark.response.internal.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The versioned registry: artifacts (digest-verified archives) and releases. Every write is audited
 * before it takes effect. Reading an artifact verifies its bytes against the digest recorded when it
 * was stored, so a row edited in the database fails closed. Thread-safe.
 */
public final class Registry {
  private final Jdbc db;
  private final Audit audit;

  public Registry(Jdbc db, Audit audit) {
    this.db = requireNonNull(db, "db");
    this.audit = requireNonNull(audit, "audit");
  }

  /**
   * Stores an artifact.
   *
   * @param bytes a {@link ModelArchive} of the kind's archive kind
   * @throws ModelIntegrityException when the bytes are not such an archive
   */
  public ArtifactRecord put(ArtifactKind kind, @Nullable String familyId, byte[] bytes) {
    ModelArchive a = ModelArchive.read(bytes, null);
    if (!a.kind().equals(kind.archiveKind())) {
      throw new ModelIntegrityException("a " + kind.id() + " artifact must be a " + kind.archiveKind() + " archive, not " + a.kind());
    }
    Instant now = audit.clock().instant();
    // Audited outside any transaction: on SQLite a transaction holds the write lock, which the audit
    // log's writer needs to commit the event.
    String id = String.format(Locale.ROOT, "art-%04d", db.next("artifact"));
    audit.record("response.artifact.stored", Json.object().put("artifact", id).put("kind", kind.id())
        .put("version", a.version()).put("digest", a.digest()).put("family", familyId).put("bytes", bytes.length));
    db.update("INSERT INTO response_artifacts (id, kind, family_id, digest, created_at, size, provenance, data)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        id, kind.id(), familyId, a.digest(), Jdbc.micros(now), (long) bytes.length,
        Json.write(Json.object().put("version", a.version()).set("provenance", a.provenance())),
        Base64.getEncoder().encodeToString(bytes));
    return new ArtifactRecord(id, kind, a.version(), familyId, a.digest(), now, bytes.length, a.provenance());
  }

  /** An artifact's entry. */
  public Optional<ArtifactRecord> artifact(String id) {
    return db.queryOne("SELECT id, kind, family_id, digest, created_at, size, provenance FROM response_artifacts WHERE id = ?",
        Registry::artifactRecord, id);
  }

  /** Every artifact's entry, oldest first. */
  public List<ArtifactRecord> artifacts() {
    return db.query("SELECT id, kind, family_id, digest, created_at, size, provenance FROM response_artifacts ORDER BY id",
        Registry::artifactRecord);
  }

  /**
   * An artifact's archive, verified against its recorded digest.
   *
   * @throws ResponseException when there is no such artifact
   * @throws ModelIntegrityException when its bytes do not match the digest
   */
  public ModelArchive archive(String id) {
    return bytesAndDigest(id).archive();
  }

  /** An artifact's raw bytes, verified. */
  public byte[] bytes(String id) {
    return bytesAndDigest(id).bytes();
  }

  private record Verified(byte[] bytes, ModelArchive archive) {}

  private Verified bytesAndDigest(String id) {
    String[] row = db.queryOne("SELECT digest, data FROM response_artifacts WHERE id = ?",
        rs -> new String[] {rs.getString(1), rs.getString(2)}, id)
        .orElseThrow(() -> new ResponseException("no artifact " + id));
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(row[1]);
    } catch (IllegalArgumentException e) {
      throw new ModelIntegrityException("artifact " + id + " is corrupt: " + e.getMessage(), e);
    }
    return new Verified(bytes, ModelArchive.read(bytes, row[0]));
  }

  private static ArtifactRecord artifactRecord(ResultSet rs) throws SQLException {
    JsonNode meta = Json.read(rs.getString("provenance"));
    return new ArtifactRecord(rs.getString("id"), ArtifactKind.parse(rs.getString("kind")).orElseThrow(),
        meta.path("version").asText(), rs.getString("family_id"), rs.getString("digest"),
        Jdbc.instant(rs.getLong("created_at")), rs.getLong("size"),
        meta.path("provenance").isObject() ? (ObjectNode) meta.path("provenance") : Json.object());
  }

  // ------------------------------------------------------------------------------------- releases

  /** Creates a candidate release. Every artifact it names must exist, with the right kind. */
  public Release createRelease(@Nullable String parentId, @Nullable String familyId, Release.Spec spec, String note) {
    check(spec.classifier(), ArtifactKind.CLASSIFIER);
    check(spec.exemplars(), ArtifactKind.EXEMPLARS);
    check(spec.signatures(), ArtifactKind.SIGNATURES);
    check(spec.promptPatches(), ArtifactKind.PROMPT_PATCHES);
    Instant now = audit.clock().instant();
    String id = String.format(Locale.ROOT, "rel-%04d", db.next("release"));
    ObjectNode body = specJson(spec).put("note", note);
    audit.record("response.release.created", body.deepCopy().put("release", id).put("parent", parentId).put("family", familyId));
    db.update("INSERT INTO response_releases (id, parent_id, family_id, created_at, status, body) VALUES (?, ?, ?, ?, ?, ?)",
        id, parentId, familyId, Jdbc.micros(now), Release.Status.CANDIDATE.wireName(), Json.write(body));
    return new Release(id, parentId, familyId, now, Release.Status.CANDIDATE, spec, note);
  }

  public Optional<Release> release(String id) {
    return db.queryOne("SELECT * FROM response_releases WHERE id = ?", Registry::release, id);
  }

  /** A release by id, or a {@link ResponseException}. */
  public Release requireRelease(String id) {
    return release(id).orElseThrow(() -> new ResponseException("no release " + id));
  }

  /** Every release, oldest first. */
  public List<Release> releases() {
    return db.query("SELECT * FROM response_releases ORDER BY created_at, id", Registry::release);
  }

  /** The releases in {@code status}, oldest first. */
  public List<Release> releases(Release.Status status) {
    return db.query("SELECT * FROM response_releases WHERE status = ? ORDER BY created_at, id", Registry::release,
        status.wireName());
  }

  /**
   * Records a release's new status if it still has {@code expected} (audited first, as every change);
   * returns whether it had.
   */
  public boolean setStatusIf(String releaseId, Release.Status expected, Release.Status status) {
    audit.record("response.release.status", Json.object().put("release", releaseId).put("status", status.wireName())
        .put("from", expected.wireName()));
    return db.update("UPDATE response_releases SET status = ? WHERE id = ? AND status = ?", status.wireName(), releaseId,
        expected.wireName()) == 1;
  }

  /** Records a release's new status (audited). */
  public void setStatus(String releaseId, Release.Status status) {
    audit.record("response.release.status", Json.object().put("release", releaseId).put("status", status.wireName()));
    if (db.update("UPDATE response_releases SET status = ? WHERE id = ?", status.wireName(), releaseId) == 0) {
      throw new ResponseException("no release " + releaseId);
    }
  }

  private void check(@Nullable String artifactId, ArtifactKind kind) {
    if (artifactId == null) {
      return;
    }
    ArtifactRecord a = artifact(artifactId).orElseThrow(() -> new ResponseException("no artifact " + artifactId));
    if (a.kind() != kind) {
      throw new ResponseException("artifact " + artifactId + " is a " + a.kind().id() + ", not a " + kind.id());
    }
  }

  static ObjectNode specJson(Release.Spec spec) {
    return Json.object()
        .put("classifier", spec.classifier())
        .put("exemplars", spec.exemplars())
        .put("signatures", spec.signatures())
        .put("prompt_patches", spec.promptPatches());
  }

  private static Release release(ResultSet rs) throws SQLException {
    JsonNode b = Json.read(rs.getString("body"));
    Release.Spec spec = new Release.Spec(text(b, "classifier"), text(b, "exemplars"), text(b, "signatures"),
        text(b, "prompt_patches"));
    return new Release(rs.getString("id"), rs.getString("parent_id"), rs.getString("family_id"),
        Jdbc.instant(rs.getLong("created_at")), Release.Status.parse(rs.getString("status")), spec,
        b.path("note").asText(""));
  }

  private static @Nullable String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}

package dev.bulwark.response.registry;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * An artifact's entry in the registry (its bytes are read with {@link Registry#archive}).
 *
 * @param id {@code art-NNNN}
 * @param version the archive's version
 * @param familyId the family it was made for, or null
 * @param digest the archive's {@code sha256:} digest, checked whenever it is read
 * @param provenance the archive's provenance
 */
public record ArtifactRecord(
    String id, ArtifactKind kind, String version, @Nullable String familyId, String digest, Instant createdAt,
    long size, ObjectNode provenance) {
  public ArtifactRecord {
    requireNonNull(id, "id");
    requireNonNull(kind, "kind");
    requireNonNull(version, "version");
    requireNonNull(digest, "digest");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(provenance, "provenance");
  }
}

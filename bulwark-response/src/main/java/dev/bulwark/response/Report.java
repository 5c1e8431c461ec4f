package dev.bulwark.response;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A report after intake.
 *
 * @param id {@code rep-NNNN}
 * @param familyId the family intake grouped it into
 * @param duplicateOf the earlier report with the same exchanges, or null
 * @param dedupKey the SHA-256 of its canonicalized exchanges
 * @param receivedAt when intake took it
 */
public record Report(
    String id,
    String familyId,
    @Nullable String duplicateOf,
    String dedupKey,
    Instant receivedAt,
    ReportSource source,
    String title,
    @Nullable String reporter,
    @Nullable BugBounty bounty,
    @Nullable String externalRef,
    List<Exchange> exchanges) {
  public Report {
    requireNonNull(id, "id");
    requireNonNull(familyId, "familyId");
    requireNonNull(dedupKey, "dedupKey");
    requireNonNull(receivedAt, "receivedAt");
    requireNonNull(source, "source");
    requireNonNull(title, "title");
    exchanges = List.copyOf(exchanges);
  }
}

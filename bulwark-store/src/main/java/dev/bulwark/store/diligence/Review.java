package dev.bulwark.store.diligence;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.internal.Micros;
import java.time.Instant;

/**
 * One reviewer's review of an application: the two criteria of the enhanced due-diligence process,
 * each assessed, and a vote with its justification.
 *
 * @param id generated, e.g. {@code rev_...}
 * @param applicationId the application reviewed
 * @param reviewerId who reviewed it
 * @param actingRole the role the reviewer acted in (counts toward that role's threshold)
 * @param trustworthiness the partner's overall trustworthiness
 * @param beneficialUse the beneficial nature of the use case
 * @param decision approve or deny
 * @param justification why; required
 * @param createdAt when it was recorded
 */
public record Review(
    String id,
    String applicationId,
    String reviewerId,
    Role actingRole,
    Assessment trustworthiness,
    Assessment beneficialUse,
    ReviewDecision decision,
    String justification,
    Instant createdAt) {

  public Review {
    requireNonNull(id, "id");
    requireNonNull(applicationId, "applicationId");
    requireNonNull(reviewerId, "reviewerId");
    requireNonNull(actingRole, "actingRole");
    requireNonNull(trustworthiness, "trustworthiness");
    requireNonNull(beneficialUse, "beneficialUse");
    requireNonNull(decision, "decision");
    requireNonNull(justification, "justification");
    requireNonNull(createdAt, "createdAt");
    Ids.id("review.id", id);
    Ids.id("review.application", applicationId);
    Ids.id("review.reviewer", reviewerId);
    justification = Ids.text("review.justification", justification, Ids.SHORT_TEXT);
    createdAt = Micros.truncate("review.createdAt", createdAt);
  }
}

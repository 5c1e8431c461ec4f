package dev.bulwark.access.diligence;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.diligence.Assessment;
import dev.bulwark.store.diligence.ReviewDecision;
import dev.bulwark.store.diligence.Role;
import org.jspecify.annotations.Nullable;

/**
 * A reviewer's review, as submitted.
 *
 * @param actingRole the role to act in (reviewer, admin or analyst, held by the reviewer); null
 *     picks reviewer, else admin, else analyst, whichever the reviewer holds first
 * @param trustworthiness the assessment of the partner's trustworthiness
 * @param beneficialUse the assessment of the use case's beneficial nature
 * @param decision approve or deny
 * @param justification why; a blank one is refused
 */
public record ReviewRequest(
    @Nullable Role actingRole,
    Assessment trustworthiness,
    Assessment beneficialUse,
    ReviewDecision decision,
    String justification) {
  public ReviewRequest {
    requireNonNull(trustworthiness, "trustworthiness");
    requireNonNull(beneficialUse, "beneficialUse");
    requireNonNull(decision, "decision");
    requireNonNull(justification, "justification");
  }
}

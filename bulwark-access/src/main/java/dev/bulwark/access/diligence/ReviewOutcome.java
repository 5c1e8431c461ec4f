package dev.bulwark.access.diligence;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.diligence.Application;
import dev.bulwark.store.diligence.Grant;
import dev.bulwark.store.diligence.Review;
import org.jspecify.annotations.Nullable;

/**
 * What recording a review did.
 *
 * @param review the review recorded
 * @param application the application afterwards: still pending, approved or denied
 * @param tally the votes afterwards
 * @param grant the grant made, when this review was the approval that crossed the threshold
 */
public record ReviewOutcome(
    Review review, Application application, DiligenceRules.Tally tally, @Nullable Grant grant) {
  public ReviewOutcome {
    requireNonNull(review, "review");
    requireNonNull(application, "application");
    requireNonNull(tally, "tally");
  }
}

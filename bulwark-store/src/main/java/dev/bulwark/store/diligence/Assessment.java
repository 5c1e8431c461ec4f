package dev.bulwark.store.diligence;

import static java.util.Objects.requireNonNull;

/**
 * A reviewer's assessment of one criterion.
 *
 * @param rating how well the criterion is met
 * @param evidence what the rating rests on (documents seen, references checked)
 */
public record Assessment(Rating rating, String evidence) {
  public Assessment {
    requireNonNull(rating, "rating");
    requireNonNull(evidence, "evidence");
    evidence = Ids.text("assessment.evidence", evidence, Ids.LONG_TEXT);
  }
}

package dev.bulwark.store.diligence;

import java.util.Optional;

/** A reviewer's vote on an application. */
public enum ReviewDecision {
  APPROVE,
  DENY;

  public String wireName() {
    return Wire.name(this);
  }

  public static Optional<ReviewDecision> parse(String text) {
    return Wire.parse(ReviewDecision.class, text);
  }

  public static ReviewDecision require(String field, String text) {
    return Wire.require(ReviewDecision.class, field, text);
  }
}

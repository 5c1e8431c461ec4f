package dev.bulwark.store.diligence;

import java.util.Optional;

/** A reviewer's rating of one criterion, weakest first, so that ratings compare by ordinal. */
public enum Rating {
  INSUFFICIENT,
  LOW,
  MODERATE,
  HIGH;

  public String wireName() {
    return Wire.name(this);
  }

  public static Optional<Rating> parse(String text) {
    return Wire.parse(Rating.class, text);
  }

  public static Rating require(String field, String text) {
    return Wire.require(Rating.class, field, text);
  }

  /** Whether this rating is {@code other} or stronger. */
  public boolean atLeast(Rating other) {
    return compareTo(other) >= 0;
  }
}

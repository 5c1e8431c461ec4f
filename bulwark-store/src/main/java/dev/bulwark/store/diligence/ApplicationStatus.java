package dev.bulwark.store.diligence;

import java.util.Optional;

/** Where an application stands. Only {@link #PENDING} ever changes. */
public enum ApplicationStatus {
  /** Waiting for reviews. */
  PENDING,
  /** Enough distinct reviewers approved; a grant was made. */
  APPROVED,
  /** A reviewer denied it. Final: asking again takes a new application. */
  DENIED;

  public String wireName() {
    return Wire.name(this);
  }

  public static Optional<ApplicationStatus> parse(String text) {
    return Wire.parse(ApplicationStatus.class, text);
  }

  public static ApplicationStatus require(String field, String text) {
    return Wire.require(ApplicationStatus.class, field, text);
  }
}

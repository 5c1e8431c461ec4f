package dev.bulwark.response;

import java.util.Locale;
import java.util.Optional;

/** Where a jailbreak report came from. */
public enum ReportSource {
  /** A bug-bounty submission: has a reporter, a severity and a reward status. */
  BUG_BOUNTY,
  /** An internal or external red team. */
  RED_TEAM,
  /** An incident the asynchronous monitor opened (automatic). */
  MONITOR,
  /** A partner's threat intelligence, imported from a STIX 2.1 bundle. */
  PARTNER;

  /** The lower-case name, e.g. {@code bug_bounty}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<ReportSource> parse(String s) {
    for (ReportSource r : values()) {
      if (r.wireName().equals(s) || r.wireName().replace('_', '-').equals(s)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }
}

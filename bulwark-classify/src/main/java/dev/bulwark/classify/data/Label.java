package dev.bulwark.classify.data;

import java.util.Locale;
import java.util.Optional;

/** An example's label, as data files write it in lower case. */
public enum Label {
  /** A request for (or a completion giving) disallowed help. */
  HARMFUL,
  /** Allowed. */
  BENIGN,
  /** An attempt to disable or evade safeguards, whatever the payload. */
  JAILBREAK,
  /** A crowdworker's red-team opening (hh-rlhf): often benign, sometimes not; never a positive. */
  RED_TEAM_ATTEMPT;

  /** Whether evaluation counts this label as a positive (harmful or jailbreak). */
  public boolean positive() {
    return this == HARMFUL || this == JAILBREAK;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The label a data file writes, e.g. {@code harmful}. */
  public static Optional<Label> parse(String text) {
    for (Label l : values()) {
      if (l.wireName().equals(text)) {
        return Optional.of(l);
      }
    }
    return Optional.empty();
  }
}

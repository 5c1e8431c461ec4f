package dev.bulwark.response;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * A family's patch was not run because another process (a server sharing the store, or the CLI) is
 * patching it: its lease ({@code patch:FAMILY}) is live. Nothing was written for this request; the
 * other run's outcome is in the family's gate results and the deployment history.
 */
public final class PatchInProgressException extends ResponseException {
  private static final long serialVersionUID = 1L;

  private final String familyId;
  private final String holder;
  private final Instant since;
  private final Instant until;

  public PatchInProgressException(String familyId, String holder, Instant since, Instant until) {
    super("family " + familyId + " is being patched by " + holder + " (since " + since + ", its lease runs until "
        + until + "): wait for that patch, then look at its gate results");
    this.familyId = requireNonNull(familyId, "familyId");
    this.holder = requireNonNull(holder, "holder");
    this.since = requireNonNull(since, "since");
    this.until = requireNonNull(until, "until");
  }

  public String familyId() {
    return familyId;
  }

  /** The process patching it. */
  public String holder() {
    return holder;
  }

  public Instant since() {
    return since;
  }

  /** When its lease expires unless renewed (a holder that died keeps the family until then). */
  public Instant until() {
    return until;
  }
}

package dev.bulwark.response;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A report as it arrives, before intake gives it an id and a family.
 *
 * @param source where it came from
 * @param title a short description, written by the reporter or the importer
 * @param reporter who reported it (a bounty hunter's handle, a red team, a partner's name), or null
 * @param bounty the bug-bounty details; required for {@link ReportSource#BUG_BOUNTY}, else null
 * @param externalRef the source's own reference (a monitor incident id, a STIX object id), or null
 * @param exchanges one or more example exchanges
 */
public record NewReport(
    ReportSource source,
    String title,
    @Nullable String reporter,
    @Nullable BugBounty bounty,
    @Nullable String externalRef,
    List<Exchange> exchanges) {
  public NewReport {
    requireNonNull(source, "source");
    requireNonNull(title, "title");
    exchanges = List.copyOf(exchanges);
    if (exchanges.isEmpty()) {
      throw new IllegalArgumentException("a report needs at least one example exchange");
    }
    if ((source == ReportSource.BUG_BOUNTY) != (bounty != null)) {
      throw new IllegalArgumentException(source == ReportSource.BUG_BOUNTY
          ? "a bug-bounty report needs its submission id, severity and reward status"
          : "only a bug-bounty report has bounty details");
    }
    if (source == ReportSource.BUG_BOUNTY && (reporter == null || reporter.isBlank())) {
      throw new IllegalArgumentException("a bug-bounty report needs the reporter's identity");
    }
  }
}

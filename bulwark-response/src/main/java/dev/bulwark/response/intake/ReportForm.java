package dev.bulwark.response.intake;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.core.pipeline.Turn;
import dev.bulwark.response.BugBounty;
import dev.bulwark.response.Exchange;
import dev.bulwark.response.NewReport;
import dev.bulwark.response.ReportSource;
import dev.bulwark.response.internal.Json;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * A report as a person submits it, field by field ({@code bulwark respond report} and {@code POST
 * /admin/v1/reports} share it, so both accept and refuse the same reports). Every refusal is an {@link
 * Invalid} naming the field; a report over the size limits is {@link Invalid#tooLarge() too large}.
 */
public final class ReportForm {
  /** The most exchanges one report may hold. */
  public static final int MAX_EXCHANGES = 100;

  /** The most characters of text (all turns and the completion) one exchange may hold. */
  public static final int MAX_EXCHANGE_CHARS = 32_000;

  /** The longest title, reporter, submission id or reference. */
  public static final int MAX_FIELD_CHARS = 200;

  private ReportForm() {}

  /** A field the form refuses; the message starts with the field's name. */
  public static final class Invalid extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final boolean tooLarge;

    Invalid(String field, String message, boolean tooLarge) {
      super(field + ": " + message);
      this.field = field;
      this.tooLarge = tooLarge;
    }

    /** The field, e.g. {@code severity} or {@code exchanges[2].messages}. */
    public String field() {
      return field;
    }

    /** Whether the report is over a size limit (rather than malformed). */
    public boolean tooLarge() {
      return tooLarge;
    }
  }

  /**
   * The report the fields describe.
   *
   * @param source {@code bug_bounty}, {@code red_team}, {@code monitor} or {@code partner}
   * @param reporter who reported it (required for the bug bounty)
   * @param submission the bug bounty's submission id; refused for other sources
   * @param severity the bug bounty's severity; refused for other sources
   * @param reward the bug bounty's reward status (default {@code pending}); refused for other sources
   * @param ref the source's own reference, or null
   * @param exchanges from {@link #exchanges(JsonNode)} or a JSONL file
   * @throws Invalid naming the first field it refuses
   */
  public static NewReport report(@Nullable String source, @Nullable String title, @Nullable String reporter,
      @Nullable String submission, @Nullable String severity, @Nullable String reward, @Nullable String ref,
      List<Exchange> exchanges) {
    ReportSource src = ReportSource.parse(required("source", source)).orElseThrow(() -> new Invalid("source",
        "must be one of " + names(ReportSource.values()) + ", was '" + source + "'", false));
    String t = bounded("title", required("title", title));
    String who = reporter == null ? null : bounded("reporter", reporter);
    String reference = ref == null ? null : bounded("ref", ref);
    BugBounty bounty = null;
    if (src == ReportSource.BUG_BOUNTY) {
      if (who == null || who.isBlank()) {
        throw new Invalid("reporter", "a bug-bounty report needs the reporter's identity", false);
      }
      String id = bounded("submission", required("submission", submission));
      BugBounty.Severity sev = BugBounty.Severity.parse(required("severity", severity)).orElseThrow(() ->
          new Invalid("severity", "must be one of " + names(BugBounty.Severity.values()) + ", was '" + severity + "'", false));
      String rw = reward == null ? BugBounty.RewardStatus.PENDING.wireName() : reward;
      BugBounty.RewardStatus status = BugBounty.RewardStatus.parse(rw).orElseThrow(() ->
          new Invalid("reward", "must be one of " + names(BugBounty.RewardStatus.values()) + ", was '" + reward + "'", false));
      bounty = new BugBounty(id, sev, status);
    } else {
      for (String[] f : new String[][] {{"submission", submission}, {"severity", severity}, {"reward", reward}}) {
        if (f[1] != null) {
          throw new Invalid(f[0], "only a bug-bounty report has " + f[0] + " details", false);
        }
      }
    }
    checkSize(exchanges);
    try {
      return new NewReport(src, t, who, bounty, reference, exchanges);
    } catch (IllegalArgumentException e) {
      throw new Invalid("exchanges", String.valueOf(e.getMessage()), false);
    }
  }

  /**
   * The exchanges of a JSON list: each {@code {"text": ...}} or {@code {"messages": [{"role",
   * "content"}...], "completion": ...}}.
   *
   * @throws Invalid naming {@code exchanges} or {@code exchanges[i]}
   */
  public static List<Exchange> exchanges(@Nullable JsonNode list) {
    if (list == null || list.isNull() || list.isMissingNode()) {
      throw new Invalid("exchanges", "is required (a list of exchanges)", false);
    }
    if (!list.isArray()) {
      throw new Invalid("exchanges", "must be a list of exchanges", false);
    }
    if (list.size() > MAX_EXCHANGES) {
      throw new Invalid("exchanges", "at most " + MAX_EXCHANGES + " per report, was " + list.size(), true);
    }
    List<Exchange> out = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      out.add(exchange("exchanges[" + i + "]", list.get(i)));
    }
    return out;
  }

  /** One exchange, as a line of a JSONL file or an item of {@link #exchanges(JsonNode)}. */
  public static Exchange exchange(String field, JsonNode node) {
    requireNonNull(field, "field");
    Exchange e;
    try {
      e = Json.exchange(node);
    } catch (IllegalArgumentException ex) {
      throw new Invalid(field, String.valueOf(ex.getMessage()), false);
    }
    if (chars(e) > MAX_EXCHANGE_CHARS) {
      throw new Invalid(field, "at most " + MAX_EXCHANGE_CHARS + " characters of text per exchange, was " + chars(e), true);
    }
    return e;
  }

  private static void checkSize(List<Exchange> exchanges) {
    if (exchanges.size() > MAX_EXCHANGES) {
      throw new Invalid("exchanges", "at most " + MAX_EXCHANGES + " per report, was " + exchanges.size(), true);
    }
    for (int i = 0; i < exchanges.size(); i++) {
      if (chars(exchanges.get(i)) > MAX_EXCHANGE_CHARS) {
        throw new Invalid("exchanges[" + i + "]", "at most " + MAX_EXCHANGE_CHARS + " characters of text per exchange",
            true);
      }
    }
  }

  private static int chars(Exchange e) {
    int n = e.completion() == null ? 0 : e.completion().length();
    for (Turn t : e.prompt()) {
      n += t.text().length();
    }
    return n;
  }

  private static String required(String field, @Nullable String value) {
    if (value == null || value.isBlank()) {
      throw new Invalid(field, "is required", false);
    }
    return value;
  }

  private static String bounded(String field, String value) {
    if (value.length() > MAX_FIELD_CHARS) {
      throw new Invalid(field, "at most " + MAX_FIELD_CHARS + " characters, was " + value.length(), false);
    }
    return value;
  }

  private static String names(Enum<?>[] values) {
    return Arrays.stream(values).map(v -> v.name().toLowerCase(java.util.Locale.ROOT)).collect(Collectors.joining(", "));
  }
}

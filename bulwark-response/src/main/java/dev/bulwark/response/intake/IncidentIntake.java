package dev.bulwark.response.intake;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.core.pipeline.Role;
import dev.bulwark.core.pipeline.Turn;
import dev.bulwark.monitor.incident.Incident;
import dev.bulwark.monitor.incident.IncidentExchanges;
import dev.bulwark.monitor.incident.Incidents;
import dev.bulwark.response.Exchange;
import dev.bulwark.response.NewReport;
import dev.bulwark.response.PatchInProgressException;
import dev.bulwark.response.RapidResponse;
import dev.bulwark.response.Report;
import dev.bulwark.response.ReportSource;
import dev.bulwark.response.ResponseStore;
import dev.bulwark.response.internal.Audit;
import dev.bulwark.response.internal.Json;
import dev.bulwark.response.review.Priority;
import dev.bulwark.response.review.ReviewItem;
import dev.bulwark.response.review.ReviewQueue;
import dev.bulwark.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Monitor incidents into intake, automatically. The monitor keeps the redacted text of the exchanges
 * behind an incident whose findings point at a jailbreak ({@link IncidentExchanges}); each such
 * incident becomes one {@link ReportSource#MONITOR monitor} report holding those exchanges, which
 * then goes through the usual deduplication and family grouping.
 *
 * <p>Exactly once per exchange: the report, the family it may start, the incident's origin row
 * ({@code response_report_origins}, keyed by the incident id) and one origin row per exchange it holds
 * (keyed by incident and event) commit in one transaction, so two servers running the intake, a rerun,
 * or a restart never report an exchange twice. A false-positive incident is not taken in.
 *
 * <p>Evidence that joins an incident after its report was made (the same account, the incident still
 * open) becomes a <em>follow-up</em> report: a new {@code monitor} report of the new exchanges only,
 * titled as a follow-up of the incident's first report and with the same external reference (the
 * incident id). Not an addition to the first report: a report is immutable once stored (its dedup key
 * hashes its exchanges and later duplicates point at it; intake's family signatures, patches and STIX
 * exports were built from it as it was), and a new report goes through deduplication (evidence that
 * repeats a known attack patches nothing) and grouping (the account may have moved to another
 * technique, which is another family) like any other.
 *
 * <p>Then, by configuration ({@link Settings#autoPatch()}, audited with every intake): by default a
 * review item asks a person to patch the family ({@code bulwark respond patch}, or the admin API);
 * with automatic patching on, the family is patched at once, which deploys what passes the validation
 * gate (a review item still records it, opened before the patch starts). A family another server is
 * patching at that moment is not patched again ({@link PatchInProgressException}; audited as {@code
 * response.incident.patch_skipped}).
 *
 * <p>{@link #runOnce()} is one round; a running server calls it on a timer ({@link #start}), the CLI
 * once ({@code bulwark respond intake-incidents}). Thread-safe: rounds are serialized.
 */
public final class IncidentIntake {
  private static final Logger log = LoggerFactory.getLogger(IncidentIntake.class);

  /** The name intake uses for itself in audit records and origin rows. */
  public static final String ACTOR = "rapid-response (monitor incidents)";

  private final ResponseStore responses;
  private final Intake intake;
  private final ReviewQueue reviews;
  private final Audit audit;
  private final Settings settings;
  private final @Nullable Patcher patcher;
  private final Incidents incidents;
  private final IncidentExchanges exchanges;

  /**
   * @param enabled whether a running server takes incidents in (the CLI command runs regardless)
   * @param interval how often a running server looks for new incidents
   * @param autoPatch whether a family is patched (and what passes the gate deployed) at once
   * @param batch the most incidents one round takes in
   */
  public record Settings(boolean enabled, Duration interval, boolean autoPatch, int batch) {
    public Settings {
      requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.isZero()) {
        throw new IllegalArgumentException("the incident intake interval must be positive, was " + interval);
      }
      if (batch < 1 || batch > 10_000) {
        throw new IllegalArgumentException("the incident intake batch must be between 1 and 10000, was " + batch);
      }
    }

    /** On, every 5 s, 50 incidents a round, no automatic patching: a report and a review item. */
    public static Settings defaults() {
      return new Settings(true, Duration.ofSeconds(5), false, 50);
    }

    /** Off: a server takes no incidents in. */
    public static Settings off() {
      return new Settings(false, Duration.ofSeconds(5), false, 50);
    }

    public Settings withAutoPatch(boolean on) {
      return new Settings(enabled, interval, on, batch);
    }

    /** The mode's name in audit records: {@code auto_patch} or {@code review}. */
    public String mode() {
      return autoPatch ? "auto_patch" : "review";
    }
  }

  /** Patches a family (the rapid-response loop); {@code actor} names who asked, for the audit log. */
  @FunctionalInterface
  public interface Patcher {
    RapidResponse.Outcome patch(String familyId, String actor);

    /** The loop of {@code responder} with its default options. */
    static Patcher of(RapidResponse responder) {
      requireNonNull(responder, "responder");
      return (family, actor) -> responder.respond(family, RapidResponse.Options.defaults(actor));
    }
  }

  /**
   * What became of one incident.
   *
   * @param result intake's result (report, family, duplicate), or null when nothing was reportable
   * @param reviewItem the review item opened, or null
   * @param patch what the automatic patch did, or null when it did not run
   * @param note one line: what happened
   * @param follows the incident's first report when this one is a follow-up (evidence added after
   *     it), else null
   */
  public record Taken(String incidentId, Intake.@Nullable Result result, @Nullable String reviewItem,
      RapidResponse.@Nullable Outcome patch, String note, @Nullable String follows) {}

  public IncidentIntake(Store store, Intake intake, ReviewQueue reviews, Audit audit, Settings settings,
      @Nullable Patcher patcher) {
    this.responses = new ResponseStore(requireNonNull(store, "store"));
    this.intake = requireNonNull(intake, "intake");
    this.reviews = requireNonNull(reviews, "reviews");
    this.audit = requireNonNull(audit, "audit");
    this.settings = requireNonNull(settings, "settings");
    if (settings.autoPatch() && patcher == null) {
      throw new IllegalArgumentException("automatic patching needs a patcher");
    }
    this.patcher = patcher;
    this.incidents = new Incidents(store, audit.clock());
    this.exchanges = new IncidentExchanges(store);
  }

  public Settings settings() {
    return settings;
  }

  /**
   * The incidents with kept jailbreak exchanges that no intake has taken in yet (a new incident, or new
   * evidence on one already reported), oldest first.
   */
  public List<String> pending(int limit) {
    return responses.jdbc().query("SELECT i.id FROM incidents i WHERE i.status <> 'false_positive'"
        + " AND EXISTS (SELECT 1 FROM incident_exchanges e WHERE e.incident_id = i.id AND NOT EXISTS ("
        + EXCHANGE_ROW + "))"
        + " ORDER BY i.opened_at, i.id LIMIT " + Math.max(1, Math.min(limit, 10_000)), rs -> rs.getString(1));
  }

  /** The origin row of the kept exchange {@code e} ({@link ResponseStore.Origin#incidentExchange}). */
  private static final String EXCHANGE_ROW = "SELECT 1 FROM response_report_origins o WHERE o.origin = '"
      + ResponseStore.Origin.INCIDENT_EXCHANGE + "' AND o.ref = e.incident_id || '#' || CAST(e.seq AS TEXT)";

  /** The events of the incident's kept exchanges that an intake has looked at. */
  private Set<Long> takenSeqs(String incidentId) {
    return new HashSet<>(responses.jdbc().query("SELECT e.seq FROM incident_exchanges e WHERE e.incident_id = ?"
        + " AND EXISTS (" + EXCHANGE_ROW + ")", rs -> rs.getLong(1), incidentId));
  }

  /** The first report taken in from the incident (its first report, or its first follow-up if that had none). */
  private Optional<Report> firstReport(String incidentId) {
    return responses.jdbc().queryOne("SELECT r.id FROM response_reports r WHERE r.source = ? AND r.external_ref = ?"
        + " AND EXISTS (SELECT 1 FROM response_report_origins o WHERE o.report_id = r.id AND o.origin IN (?, ?))"
        + " ORDER BY r.received_at, r.id", rs -> rs.getString(1), ReportSource.MONITOR.wireName(), incidentId,
        ResponseStore.Origin.incident(incidentId).kind(), ResponseStore.Origin.INCIDENT_EXCHANGE)
        .flatMap(responses::report);
  }

  /** One round: takes in every pending incident (at most {@link Settings#batch()}). */
  public synchronized List<Taken> runOnce() {
    List<Taken> out = new ArrayList<>();
    for (String id : pending(settings.batch())) {
      take(id).ifPresent(out::add);
    }
    return out;
  }

  /** Runs {@link #runOnce()} every {@link Settings#interval()} on {@code scheduler}. */
  public ScheduledFuture<?> start(ScheduledExecutorService scheduler) {
    long ms = Math.max(1, settings.interval().toMillis());
    return scheduler.scheduleWithFixedDelay(() -> {
      try {
        List<Taken> taken = runOnce();
        if (!taken.isEmpty()) {
          log.info("rapid response: took in {} monitor incidents", taken.size());
        }
      } catch (RuntimeException e) {
        log.warn("rapid response: taking monitor incidents in failed; retrying: {}", e.toString());
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
  }

  private Optional<Taken> take(String incidentId) {
    ResponseStore.Origin origin = ResponseStore.Origin.incident(incidentId);
    Instant now = audit.clock().instant();
    Incident incident = incidents.get(incidentId).orElse(null);
    List<IncidentExchanges.Kept> kept = exchanges.forIncident(incidentId);
    boolean reported = responses.originTaken(origin);
    Report first = reported ? firstReport(incidentId).orElse(null) : null;
    Set<Long> taken = takenSeqs(incidentId);
    if (reported && taken.isEmpty() && first != null) {
      // Taken in before exchanges had rows of their own: what the first report holds is not new.
      List<ResponseStore.Origin> covered = new ArrayList<>();
      for (IncidentExchanges.Kept k : kept) {
        if (exchange(k).filter(first.exchanges()::contains).isPresent()) {
          covered.add(ResponseStore.Origin.incidentExchange(incidentId, k.seq()));
          taken.add(k.seq());
        }
      }
      responses.markOrigins(covered, first.id(), ACTOR, "in the incident's first report", now);
    }
    List<IncidentExchanges.Kept> fresh = new ArrayList<>();
    List<IncidentExchanges.Kept> noPrompt = new ArrayList<>();
    List<Exchange> examples = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    boolean redacted = true;
    for (IncidentExchanges.Kept k : kept) {
      if (taken.contains(k.seq())) {
        continue;
      }
      Optional<Exchange> e = exchange(k);
      if (e.isEmpty()) {
        noPrompt.add(k);
        continue;
      }
      fresh.add(k);
      examples.add(e.get());
      redacted &= k.redacted();
      k.reasons().stream().filter(r -> !reasons.contains(r)).forEach(reasons::add);
    }
    if (incident == null || examples.isEmpty()) {
      String note = incident == null ? "the incident is gone"
          : reported ? "no new kept exchange has a prompt" : "no kept exchange has a prompt";
      List<IncidentExchanges.Kept> looked = new ArrayList<>(noPrompt);
      looked.addAll(fresh);
      if (looked.isEmpty()) {
        // Every kept exchange has its row: another server took them in since this round listed the
        // incident (what it read of the incident's own row may predate that).
        return Optional.empty();
      }
      audit.record("response.incident.skipped", Json.object().put("incident", incidentId).put("reason", note)
          .put("exchanges", looked.size()));
      responses.markOrigins(origins(incidentId, looked), null, ACTOR, note, now);
      if (!reported) {
        responses.markOriginEmpty(origin, ACTOR, note, now);
      }
      return Optional.of(new Taken(incidentId, null, null, null, note, first == null ? null : first.id()));
    }
    // Exchanges without a prompt turn are looked at once, never reported.
    responses.markOrigins(origins(incidentId, noPrompt), null, ACTOR, "no prompt turn kept", now);
    List<ResponseStore.Origin> origins = new ArrayList<>();
    if (!reported) {
      origins.add(origin);
    }
    origins.addAll(origins(incidentId, fresh));
    String follows = first == null ? null : first.id();
    String title = follows == null ? "monitor incident " + incidentId + ": " + incident.title()
        : "monitor incident " + incidentId + " (follow-up to " + follows + "): " + incident.title();
    NewReport report = new NewReport(ReportSource.MONITOR, title, "monitor", null, incidentId, examples);
    Optional<Intake.Result> submitted = intake.submitOnce(report, ACTOR, origins);
    if (submitted.isEmpty()) {
      return Optional.empty(); // another server (or an earlier round) took it in
    }
    Intake.Result r = submitted.get();
    boolean patch = settings.autoPatch() && !r.duplicate();
    ObjectNode ev = Json.object().put("incident", incidentId).put("report", r.report().id())
        .put("family", r.family().id()).put("new_family", r.newFamily()).put("duplicate", r.duplicate())
        .put("exchanges", examples.size()).put("redacted", redacted).put("mode", settings.mode())
        .put("auto_patch", patch).put("follow_up", follows != null);
    if (follows != null) {
      ev.put("follows", follows);
    }
    fresh.forEach(k -> ev.withArray("seqs").add(k.seq()));
    reasons.forEach(ev.withArray("reasons")::add);
    audit.record("response.incident.taken", ev);
    String where = r.report().id() + " in " + r.family().id() + (r.newFamily() ? " (new family)"
        : r.duplicate() ? " (duplicate of " + r.report().duplicateOf() + ")" : "");
    String next = !settings.autoPatch()
        ? "patch it: bulwark respond patch " + r.family().id() + ", or POST /admin/v1/families/" + r.family().id() + "/patch"
        : patch ? "automatic patching is on: check the family's gate results and deployment"
            : "automatic patching is on, but a duplicate adds nothing to patch";
    String why = reasons.isEmpty() ? "jailbreak findings" : String.join("; ", reasons);
    String reason = follows == null
        ? String.format(Locale.ROOT, "monitor incident %s points at a jailbreak (%s): report %s; %s", incidentId, why,
            where, next)
        : String.format(Locale.ROOT, "monitor incident %s has %d new jailbreak exchange(s) since report %s (%s):"
            + " follow-up report %s; %s", incidentId, examples.size(), follows, why, where, next);
    ReviewItem item = reviews.enqueue(new ReviewQueue.NewItem("incident", reason, priority(incident), r.family().id(),
        examples.get(0), incident.account(), fresh.get(0).seq()));
    RapidResponse.Outcome outcome = null;
    String note = (follows == null ? "report " : "follow-up to " + follows + ": report ") + where + ", review item "
        + item.id();
    if (patch) {
      Patcher p = requireNonNull(patcher);
      try {
        outcome = p.patch(r.family().id(), ACTOR + " " + incidentId);
        note += outcome.deployed() != null ? ", deployed " + outcome.deployed().id()
            : outcome.shadowing() != null ? ", " + outcome.shadowing().id() + " in its shadow period"
                : ", nothing passed the gate";
      } catch (PatchInProgressException e) {
        // Another server is patching this family right now (its lease in the store): patching it twice
        // at once would race two candidates for one deployment. The review item asks a person to check
        // that patch's outcome, which may predate this report.
        log.info("rapid response: {} is being patched by {}; not patching it again for incident {}", r.family().id(),
            e.holder(), incidentId);
        audit.record("response.incident.patch_skipped", Json.object().put("incident", incidentId)
            .put("family", r.family().id()).put("holder", e.holder()).put("until", e.until().toString()));
        note += ", not patched: " + e.holder() + " is patching " + r.family().id();
      } catch (RuntimeException e) {
        // The report stands and the review item asks a person; the failure is on the record.
        log.warn("rapid response: automatic patch of {} for incident {} failed: {}", r.family().id(), incidentId, e.toString());
        audit.record("response.incident.patch_failed", Json.object().put("incident", incidentId)
            .put("family", r.family().id()).put("error", e.getClass().getSimpleName()));
        note += ", automatic patch failed";
      }
    }
    return Optional.of(new Taken(incidentId, r, item.id(), outcome, note, follows));
  }

  private static List<ResponseStore.Origin> origins(String incidentId, List<IncidentExchanges.Kept> kept) {
    return kept.stream().map(k -> ResponseStore.Origin.incidentExchange(incidentId, k.seq())).toList();
  }

  /** A kept exchange as a report's exchange; empty when it kept no prompt turn. */
  private static Optional<Exchange> exchange(IncidentExchanges.Kept k) {
    List<Turn> turns = new ArrayList<>();
    for (dev.bulwark.monitor.analyzer.Exchange.Turn t : k.turns()) {
      turns.add(new Turn(role(t.role()), t.text()));
    }
    if (turns.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Exchange(turns, k.completion().isEmpty() ? null : k.completion()));
  }

  private static Role role(String role) {
    return switch (role) {
      case "system", "developer" -> Role.SYSTEM;
      case "assistant" -> Role.ASSISTANT;
      case "tool" -> Role.TOOL;
      default -> Role.USER;
    };
  }

  private static Priority priority(Incident i) {
    return switch (i.severity()) {
      case CRITICAL -> Priority.CRITICAL;
      case HIGH -> Priority.HIGH;
      default -> Priority.NORMAL;
    };
  }
}

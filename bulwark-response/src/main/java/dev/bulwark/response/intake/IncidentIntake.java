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
import dev.bulwark.response.ReportSource;
import dev.bulwark.response.ResponseStore;
import dev.bulwark.response.internal.Audit;
import dev.bulwark.response.internal.Json;
import dev.bulwark.response.review.Priority;
import dev.bulwark.response.review.ReviewItem;
import dev.bulwark.response.review.ReviewQueue;
import dev.bulwark.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
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
 * <p>Exactly once per incident: the report, the family it may start and the incident's origin row
 * ({@code response_report_origins}, keyed by the incident id) commit in one transaction, so two
 * servers running the intake, a rerun, or a restart never make a second report. A false-positive
 * incident is not taken in.
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
   */
  public record Taken(String incidentId, Intake.@Nullable Result result, @Nullable String reviewItem,
      RapidResponse.@Nullable Outcome patch, String note) {}

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

  /** The incidents with kept jailbreak exchanges that no intake has taken in yet, oldest first. */
  public List<String> pending(int limit) {
    return responses.jdbc().query("SELECT i.id FROM incidents i WHERE i.status <> 'false_positive'"
        + " AND EXISTS (SELECT 1 FROM incident_exchanges e WHERE e.incident_id = i.id)"
        + " AND NOT EXISTS (SELECT 1 FROM response_report_origins o WHERE o.origin = 'incident' AND o.ref = i.id)"
        + " ORDER BY i.opened_at, i.id LIMIT " + Math.max(1, Math.min(limit, 10_000)), rs -> rs.getString(1));
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
    Incident incident = incidents.get(incidentId).orElse(null);
    List<IncidentExchanges.Kept> kept = exchanges.forIncident(incidentId);
    List<Exchange> examples = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    boolean redacted = true;
    for (IncidentExchanges.Kept k : kept) {
      redacted &= k.redacted();
      k.reasons().stream().filter(r -> !reasons.contains(r)).forEach(reasons::add);
      exchange(k).ifPresent(examples::add);
    }
    if (incident == null || examples.isEmpty()) {
      String note = incident == null ? "the incident is gone" : "no kept exchange has a prompt";
      audit.record("response.incident.skipped", Json.object().put("incident", incidentId).put("reason", note));
      responses.markOriginEmpty(origin, ACTOR, note, audit.clock().instant());
      return Optional.of(new Taken(incidentId, null, null, null, note));
    }
    NewReport report = new NewReport(ReportSource.MONITOR,
        "monitor incident " + incidentId + ": " + incident.title(), "monitor", null, incidentId, examples);
    Optional<Intake.Result> submitted = intake.submitOnce(report, ACTOR, origin);
    if (submitted.isEmpty()) {
      return Optional.empty(); // another server (or an earlier round) took it in
    }
    Intake.Result r = submitted.get();
    boolean patch = settings.autoPatch() && !r.duplicate();
    ObjectNode ev = Json.object().put("incident", incidentId).put("report", r.report().id())
        .put("family", r.family().id()).put("new_family", r.newFamily()).put("duplicate", r.duplicate())
        .put("exchanges", examples.size()).put("redacted", redacted).put("mode", settings.mode())
        .put("auto_patch", patch);
    reasons.forEach(ev.withArray("reasons")::add);
    audit.record("response.incident.taken", ev);
    String where = r.report().id() + " in " + r.family().id() + (r.newFamily() ? " (new family)"
        : r.duplicate() ? " (duplicate of " + r.report().duplicateOf() + ")" : "");
    String next = !settings.autoPatch()
        ? "patch it: bulwark respond patch " + r.family().id() + ", or POST /admin/v1/families/" + r.family().id() + "/patch"
        : patch ? "automatic patching is on: check the family's gate results and deployment"
            : "automatic patching is on, but a duplicate adds nothing to patch";
    ReviewItem item = reviews.enqueue(new ReviewQueue.NewItem("incident", String.format(Locale.ROOT,
        "monitor incident %s points at a jailbreak (%s): report %s; %s", incidentId,
        reasons.isEmpty() ? "jailbreak findings" : String.join("; ", reasons), where, next),
        priority(incident), r.family().id(), examples.get(0), incident.account(), kept.get(0).seq()));
    RapidResponse.Outcome outcome = null;
    String note = "report " + where + ", review item " + item.id();
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
    return Optional.of(new Taken(incidentId, r, item.id(), outcome, note));
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

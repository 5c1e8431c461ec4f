package dev.bulwark.app;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.admin.AdminError;
import dev.bulwark.admin.AdminRequest;
import dev.bulwark.admin.AdminRoutes;
import dev.bulwark.core.pipeline.Turn;
import dev.bulwark.response.BugBounty;
import dev.bulwark.response.Exchange;
import dev.bulwark.response.Family;
import dev.bulwark.response.NewReport;
import dev.bulwark.response.RapidResponse;
import dev.bulwark.response.Report;
import dev.bulwark.response.ResponseException;
import dev.bulwark.response.ResponseStore;
import dev.bulwark.response.Variant;
import dev.bulwark.response.ShadowTimer;
import dev.bulwark.response.gate.GateResult;
import dev.bulwark.response.gate.GateResults;
import dev.bulwark.response.intake.Intake;
import dev.bulwark.response.intake.ReportForm;
import dev.bulwark.response.internal.Audit;
import dev.bulwark.response.internal.Json;
import dev.bulwark.response.internal.Leases;
import dev.bulwark.response.internal.StoreTime;
import dev.bulwark.response.registry.DeploymentState;
import dev.bulwark.response.registry.Deployments;
import dev.bulwark.response.registry.Release;
import dev.bulwark.response.review.Redactor;
import dev.bulwark.response.stix.Stix;
import dev.bulwark.store.Store;
import dev.bulwark.store.diligence.Role;
import java.time.Clock;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Rapid response on the admin API, the HTTP face of {@code bulwark respond}:
 *
 * <ul>
 *   <li>{@code POST /reports} (the CLI's {@code report}, same validation: {@link ReportForm}), {@code
 *       GET /reports[?family=]}, {@code GET /reports/{id}}, {@code POST /reports/{id}/reward} (a
 *       bug-bounty report's reward status, the CLI's {@code reward}; the admin's);
 *   <li>{@code GET /families}, {@code GET /families/{id}} (reports, variants, patches, gate results),
 *       {@code POST /families/{id}/patch} (the loop: proliferate, patch, gate, deploy what passes;
 *       {@code "stage2": false} keeps the deployed stage-2 head, as the CLI's {@code --no-stage2});
 *   <li>{@code GET /releases}, {@code GET /releases/{id}} (a release in its shadow period with the
 *       period's progress), {@code POST /releases/{id}/finish-shadow} (ends it now: deploys or refuses;
 *       the admin's, on the server that holds the period), {@code GET /deployments}, {@code POST
 *       /deployments} (deploy, canary, promote, rollback, each with a reason);
 *   <li>{@code GET /families/{id}/stix} (export) and {@code POST /stix} (import a bundle as reports).
 * </ul>
 *
 * Analysts and admins read and report; patching, deployment changes and reward changes are the
 * admin's. The actor of every audit record is the authenticated caller's person id, never a name from
 * the body. Exchanges leave here redacted ({@link Redactor}), as the review queue shows them. Here
 * rather than in bulwark-response so that neither it nor the admin plane depends on the other.
 */
final class ResponseRoutes implements AdminRoutes {
  static final Set<Role> READ = EnumSet.of(Role.ANALYST, Role.ADMIN);
  static final Set<Role> REPORT = EnumSet.of(Role.ANALYST, Role.ADMIN);
  static final Set<Role> CHANGE = EnumSet.of(Role.ADMIN);
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final int MAX_HISTORY = 1_000;

  private final ResponseStore store;
  private final Audit audit;
  private final dev.bulwark.response.registry.Registry registry;
  private final Deployments deployments;
  private final GateResults gates;
  private final Intake intake;
  private final Supplier<RapidResponse> responder;
  private final Supplier<Optional<RapidResponse>> running;
  private final Leases leases;
  private final Clock clock;
  private final Runnable deployed;
  private final Redactor redactor = new Redactor();
  private final String producer;

  /**
   * @param intake takes reports in (shared with nothing: intake keeps itself up to date with the store)
   * @param responder the loop, built on first use (it loads the training data)
   * @param running the same responder if it has been built, without building it: the shadow periods
   *     this server holds are in its memory
   * @param deployed called after a deployment change, so that this server applies it at once
   * @param producer the organization named in exported STIX bundles
   */
  ResponseRoutes(Store store, Clock clock, Intake intake, Supplier<RapidResponse> responder,
      Supplier<Optional<RapidResponse>> running, Runnable deployed, String producer) {
    this.store = new ResponseStore(requireNonNull(store, "store"));
    this.audit = new Audit(store.events(), requireNonNull(clock, "clock"));
    this.registry = new dev.bulwark.response.registry.Registry(this.store.jdbc(), audit);
    this.deployments = new Deployments(this.store.jdbc(), registry, audit);
    this.gates = new GateResults(this.store.jdbc(), audit);
    this.intake = requireNonNull(intake, "intake");
    this.responder = requireNonNull(responder, "responder");
    this.running = requireNonNull(running, "running");
    this.leases = new Leases(this.store.jdbc(), StoreTime.clock(store, clock));
    this.clock = clock;
    this.deployed = requireNonNull(deployed, "deployed");
    this.producer = requireNonNull(producer, "producer");
  }

  @Override
  public void register(Registry routes) {
    routes.add("POST", "/reports", REPORT, 201, this::report);
    routes.add("GET", "/reports", READ, 200, this::reports);
    routes.add("GET", "/reports/{id}", READ, 200, r -> render(findReport(r.param("id")), true));
    routes.add("POST", "/reports/{id}/reward", CHANGE, 200, this::reward);
    routes.add("GET", "/families", READ, 200, r -> families());
    routes.add("GET", "/families/{id}", READ, 200, r -> familyDetail(findFamily(r.param("id"))));
    routes.add("POST", "/families/{id}/patch", CHANGE, 200, this::patch);
    routes.add("GET", "/families/{id}/stix", READ, 200, this::exportStix);
    routes.add("POST", "/stix", REPORT, 201, this::importStix);
    routes.add("GET", "/releases", READ, 200, r -> releases());
    routes.add("GET", "/releases/{id}", READ, 200, r -> render(findRelease(r.param("id"))));
    routes.add("POST", "/releases/{id}/finish-shadow", CHANGE, 200, this::finishShadow);
    routes.add("GET", "/deployments", READ, 200, this::history);
    routes.add("POST", "/deployments", CHANGE, 201, this::deploy);
  }

  // ---------------------------------------------------------------- reports

  private JsonNode report(AdminRequest r) {
    AdminRequest.Body b = r.body("source", "title", "reporter", "submission", "severity", "reward", "ref", "exchanges");
    NewReport report;
    try {
      List<Exchange> exchanges = ReportForm.exchanges(b.value("exchanges"));
      report = ReportForm.report(text(b, "source"), text(b, "title"), text(b, "reporter"), text(b, "submission"),
          text(b, "severity"), text(b, "reward"), text(b, "ref"), exchanges);
    } catch (ReportForm.Invalid e) {
      throw e.tooLarge() ? new AdminError(413, "too_large", e.getMessage()) : AdminError.badRequest(e.getMessage());
    }
    return intakeResult(intake.submit(report, r.caller().id()));
  }

  private JsonNode reports(AdminRequest r) {
    String family = r.query("family");
    if (family != null) {
      findFamily(family);
    }
    ArrayNode out = NODES.arrayNode();
    for (Report rep : store.reports(family)) {
      out.add(render(rep, false));
    }
    return out;
  }

  /** The CLI's {@code respond reward}: a bug-bounty report's reward status, audited with the caller. */
  private JsonNode reward(AdminRequest r) {
    Report report = findReport(r.param("id"));
    String text = r.body("status").required("status");
    BugBounty.RewardStatus status = BugBounty.RewardStatus.parse(text).orElseThrow(() -> AdminError.badRequest(
        "status: must be one of pending, approved, paid, declined, not_eligible, was '" + text + "'"));
    if (report.bounty() == null) {
      throw AdminError.conflict("report " + report.id() + " is a " + report.source().wireName()
          + " report, not a bug-bounty one: it has no reward");
    }
    audit.record("response.report.reward", Json.object().put("report", report.id()).put("status", status.wireName())
        .put("previous", report.bounty().reward().wireName()).put("actor", r.caller().id()));
    try {
      store.setRewardStatus(report.id(), status);
    } catch (ResponseException e) {
      throw AdminError.notFound("no bug-bounty report '" + report.id() + "'");
    }
    return render(findReport(report.id()), false);
  }

  private Report findReport(String id) {
    return store.report(id).orElseThrow(() -> AdminError.notFound("no report '" + id + "'"));
  }

  private static ObjectNode intakeResult(Intake.Result res) {
    ObjectNode n = NODES.objectNode();
    n.set("report", renderReport(res.report(), null));
    n.put("family", res.family().id()).put("new_family", res.newFamily()).put("duplicate", res.duplicate())
        .put("similarity", Math.round(res.similarity() * 1000) / 1000.0);
    return n;
  }

  /** A report with its exchanges (redacted), or with their count. */
  private ObjectNode render(Report r, boolean withExchanges) {
    return renderReport(r, withExchanges ? redactor : null);
  }

  /** A report; with a redactor, its exchanges redacted, else their count. */
  private static ObjectNode renderReport(Report r, @Nullable Redactor redactor) {
    ObjectNode n = NODES.objectNode()
        .put("id", r.id())
        .put("family", r.familyId())
        .put("source", r.source().wireName())
        .put("title", r.title())
        .put("reporter", r.reporter())
        .put("external_ref", r.externalRef())
        .put("received_at", r.receivedAt().toString())
        .put("duplicate_of", r.duplicateOf());
    if (r.bounty() != null) {
      n.putObject("bug_bounty").put("submission", r.bounty().submissionId())
          .put("severity", r.bounty().severity().wireName()).put("reward", r.bounty().reward().wireName());
    }
    if (redactor == null) {
      n.put("exchanges", r.exchanges().size());
    } else {
      ArrayNode a = n.putArray("exchanges");
      for (Exchange e : r.exchanges()) {
        a.add(Json.exchange(redacted(e, redactor)));
      }
    }
    return n;
  }

  private static Exchange redacted(Exchange e, Redactor redactor) {
    List<Turn> turns = e.prompt().stream().map(t -> new Turn(t.role(), redactor.redact(t.text()))).toList();
    return new Exchange(turns, e.completion() == null ? null : redactor.redact(e.completion()));
  }

  // ---------------------------------------------------------------- families

  private JsonNode families() {
    ArrayNode out = NODES.arrayNode();
    for (Family f : store.families()) {
      out.add(render(f).put("reports", store.reports(f.id()).size()));
    }
    return out;
  }

  private Family findFamily(String id) {
    return store.family(id).orElseThrow(() -> AdminError.notFound("no family '" + id + "'"));
  }

  private static ObjectNode render(Family f) {
    return NODES.objectNode().put("id", f.id()).put("name", f.name()).put("status", f.status().wireName())
        .put("created_at", f.createdAt().toString()).put("updated_at", f.updatedAt().toString());
  }

  private JsonNode familyDetail(Family f) {
    ObjectNode n = render(f);
    ArrayNode reports = n.putArray("reports");
    store.reports(f.id()).forEach(r -> reports.add(render(r, false)));
    List<Variant> variants = store.variants(f.id());
    long twins = variants.stream().filter(v -> v.role() == Variant.Role.TWIN).count();
    n.putObject("variants").put("total", variants.size()).put("attacks", variants.size() - twins).put("twins", twins)
        .put("held_back", variants.stream().filter(Variant::heldBack).count());
    ArrayNode patches = n.putArray("patches");
    registry.releases().stream().filter(r -> f.id().equals(r.familyId())).forEach(r -> patches.add(render(r)));
    ArrayNode results = n.putArray("gate_results");
    gates.forFamily(f.id()).forEach(g -> results.add(GateResults.toJson(g)));
    n.put("regression_exchanges", store.regression().getOrDefault(f.id(), List.of()).size());
    return n;
  }

  private JsonNode patch(AdminRequest r) {
    Family f = findFamily(r.param("id"));
    AdminRequest.Body b = r.body("seed", "classifier", "exemplars", "signature", "stage2", "canary");
    long seed = 1;
    JsonNode s = b.value("seed");
    if (s != null) {
      if (!s.isIntegralNumber() || !s.canConvertToLong()) {
        throw AdminError.badRequest("seed: must be a whole number");
      }
      seed = s.asLong();
    }
    Set<String> canary = new LinkedHashSet<>(strings(b, "canary"));
    RapidResponse.Options options = new RapidResponse.Options(seed, bool(b, "classifier"), bool(b, "exemplars"),
        bool(b, "signature"), true, canary, r.caller().id()).withStage2(bool(b, "stage2"));
    RapidResponse.Outcome o;
    try {
      o = responder.get().respond(f.id(), options);
    } catch (ResponseException e) {
      throw AdminError.conflict(e.getMessage());
    }
    deployed.run();
    return render(o);
  }

  private ObjectNode render(RapidResponse.Outcome o) {
    ObjectNode n = NODES.objectNode().put("family", o.familyId()).put("variants", o.variants()).put("twins", o.twins())
        .put("wrapper", o.wrapper());
    ArrayNode attempts = n.putArray("attempts");
    for (RapidResponse.Attempt a : o.attempts()) {
      ObjectNode at = attempts.addObject();
      at.set("release", render(a.release()));
      at.set("gate", GateResults.toJson(a.gate()));
    }
    n.set("deployed", o.deployed() == null ? NODES.nullNode() : render(o.deployed()));
    n.set("shadowing", o.shadowing() == null ? NODES.nullNode() : render(o.shadowing()));
    n.set("deployment", o.deployment() == null ? NODES.nullNode() : render(o.deployment()));
    ObjectNode timings = n.putObject("timings_s");
    for (Map.Entry<String, Double> e : o.timings().entrySet()) {
      timings.put(e.getKey(), Math.round(e.getValue() * 1000) / 1000.0);
    }
    return n;
  }

  // ---------------------------------------------------------------- releases and deployments

  private JsonNode releases() {
    ArrayNode out = NODES.arrayNode();
    registry.releases().forEach(r -> out.add(render(r)));
    return out;
  }

  private Release findRelease(String id) {
    return registry.release(id).orElseThrow(() -> AdminError.notFound("no release '" + id + "'"));
  }

  /** A release; in its shadow period, with the period's progress. */
  private ObjectNode render(Release r) {
    ObjectNode n = NODES.objectNode().put("id", r.id()).put("parent", r.parentId()).put("family", r.familyId())
        .put("created_at", r.createdAt().toString()).put("status", r.status().wireName()).put("note", r.note());
    n.putObject("artifacts").put("classifier", r.spec().classifier()).put("exemplars", r.spec().exemplars())
        .put("signatures", r.spec().signatures()).put("prompt_patches", r.spec().promptPatches());
    if (r.status() == Release.Status.SHADOW) {
      n.set("shadow", shadow(r));
    }
    return n;
  }

  /**
   * Where a shadow period stands: its counts when this server holds it; else who holds it (the counts
   * are in that server's memory), or that nobody does (the shadow timer refuses it once its lease
   * has expired).
   */
  private ObjectNode shadow(Release r) {
    Optional<RapidResponse.ShadowProgress> here = running.get().flatMap(rr -> rr.shadowProgress(r.id()));
    ObjectNode n = NODES.objectNode().put("on_this_server", here.isPresent());
    if (here.isPresent()) {
      RapidResponse.ShadowProgress p = here.get();
      boolean pastDue = !clock.instant().isBefore(p.due());
      n.put("started_at", p.started().toString()).put("due_at", p.due().toString())
          .put("deadline_at", p.deadline().toString()).put("prompts_compared", p.stats().total())
          .put("newly_blocked", p.stats().newlyBlocked()).put("newly_allowed", p.stats().newlyAllowed())
          .put("disagreement_rate", p.stats().disagreementRate()).put("min_prompts", p.minPrompts())
          .put("max_disagreement", p.maxDisagreement())
          .put("waiting_for_prompts", pastDue && p.stats().total() < p.minPrompts());
      return n;
    }
    Optional<Leases.Lease> lease = leases.live(RapidResponse.shadowLeaseName(r.id()));
    if (lease.isPresent()) {
      return n.put("held_by", lease.get().holder()).put("started_at", lease.get().acquiredAt().toString())
          .put("lease_until", lease.get().expiresAt().toString())
          .put("note", "held by another server: its counts are in that server's memory");
    }
    return n.putNull("held_by").put("note", ShadowTimer.RESTARTED + ": no running server holds it; the shadow timer"
        + " refuses it (nothing is deployed)");
  }

  /** Ends a shadow period now, on the server that holds it: deploys the release or refuses it. */
  private JsonNode finishShadow(AdminRequest r) {
    Release rel = findRelease(r.param("id"));
    r.body(); // no fields: the actor is the caller, never a name from the body
    if (rel.status() != Release.Status.SHADOW) {
      throw AdminError.conflict("release " + rel.id() + " is not in a shadow period (it is " + rel.status().wireName() + ")");
    }
    RapidResponse rr = running.get().filter(x -> x.shadowReleaseIds().contains(rel.id())).orElseThrow(() ->
        AdminError.conflict(leases.live(RapidResponse.shadowLeaseName(rel.id()))
            .map(l -> "release " + rel.id() + "'s shadow period is held by another server (" + l.holder()
                + "), whose memory has its counts: end it through that server's admin API")
            .orElse("release " + rel.id() + "'s shadow period is held by no running server (" + ShadowTimer.RESTARTED
                + "): the shadow timer refuses it; patch its family again")));
    GateResult g;
    try {
      g = rr.finishShadow(rel.id(), r.caller().id());
    } catch (ResponseException e) {
      throw AdminError.conflict(e.getMessage());
    }
    deployed.run();
    ObjectNode n = NODES.objectNode();
    n.set("release", render(registry.requireRelease(rel.id())));
    n.set("gate", GateResults.toJson(g));
    n.put("deployed", g.passed());
    n.set("deployment", render(deployments.current()));
    return n;
  }

  private JsonNode history(AdminRequest r) {
    int limit = 20;
    String text = r.query("limit");
    if (text != null) {
      if (!text.matches("\\d{1,4}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > MAX_HISTORY) {
        throw AdminError.badRequest("limit: must be a whole number from 1 to " + MAX_HISTORY + ", was '" + text + "'");
      }
      limit = Integer.parseInt(text);
    }
    ObjectNode n = NODES.objectNode();
    n.set("current", render(deployments.current()));
    ArrayNode h = n.putArray("history");
    deployments.history(limit).forEach(d -> h.add(render(d)));
    return n;
  }

  private JsonNode deploy(AdminRequest r) {
    AdminRequest.Body b = r.body("action", "release", "policies", "reason");
    String action = b.required("action");
    String reason = b.required("reason");
    if (reason.isBlank()) {
      throw AdminError.badRequest("reason: must not be blank");
    }
    String actor = r.caller().id();
    String release = b.optional("release");
    List<String> policies = strings(b, "policies");
    switch (action) {
      case "deploy", "canary" -> {
        if (release == null || release.isBlank()) {
          throw AdminError.badRequest("release: is required to " + action + " (a release id, or 'base' to deploy the base)");
        }
        if (!release.equals(Release.BASE)) {
          Release found = registry.release(release).orElseThrow(() -> AdminError.notFound("no release '" + release + "'"));
          if (found.status() == Release.Status.REFUSED) {
            throw AdminError.conflict("release " + release + " was refused by the validation gate");
          }
        } else if (action.equals("canary")) {
          throw AdminError.badRequest("release: the base cannot be a canary");
        }
        if (action.equals("canary") && policies.isEmpty()) {
          throw AdminError.badRequest("policies: a canary needs at least one policy");
        }
        if (action.equals("deploy") && !policies.isEmpty()) {
          throw AdminError.badRequest("policies: only a canary has policies");
        }
      }
      case "promote", "rollback" -> {
        if (release != null || !policies.isEmpty()) {
          throw AdminError.badRequest((release != null ? "release" : "policies") + ": " + action + " takes none");
        }
      }
      default -> throw AdminError.badRequest("action: must be one of deploy, canary, promote, rollback, was '"
          + action + "'");
    }
    DeploymentState d;
    try {
      d = switch (action) {
        case "deploy" -> deployments.deploy(release, actor, reason);
        case "canary" -> deployments.canary(release, new LinkedHashSet<>(policies), actor, reason);
        case "promote" -> deployments.promote(actor, reason);
        default -> deployments.rollback(actor, reason);
      };
    } catch (ResponseException e) {
      // What is left: the state does not allow it (no canary to promote, nothing to roll back), or it
      // moved under five attempts in a row.
      throw AdminError.conflict(e.getMessage());
    }
    deployed.run();
    return render(d);
  }

  private static ObjectNode render(DeploymentState d) {
    ObjectNode n = NODES.objectNode().put("seq", d.seq()).put("kind", d.kind().wireName()).put("release", d.stableName())
        .put("canary_release", d.canaryReleaseId());
    ArrayNode p = n.putArray("canary_policies");
    d.canaryPolicies().stream().sorted().forEach(p::add);
    return n.put("based_on", d.basedOn()).put("at", d.at().toString()).put("actor", d.actor()).put("reason", d.reason());
  }

  // ---------------------------------------------------------------- STIX

  private JsonNode exportStix(AdminRequest r) {
    Family f = findFamily(r.param("id"));
    ObjectNode bundle = new Stix(store, redactor, producer).export(f.id());
    audit.record("response.stix.exported", Json.object().put("family", f.id()).put("bundle", bundle.path("id").asText())
        .put("actor", r.caller().id()));
    return bundle;
  }

  private JsonNode importStix(AdminRequest r) {
    List<NewReport> parsed;
    try {
      parsed = new Stix(store, redactor, producer).parse(r.json());
    } catch (IllegalArgumentException e) {
      throw AdminError.badRequest("bundle: " + e.getMessage());
    }
    if (parsed.size() > ReportForm.MAX_EXCHANGES) {
      throw new AdminError(413, "too_large", "bundle: at most " + ReportForm.MAX_EXCHANGES + " attack patterns, was "
          + parsed.size());
    }
    // The same limits as a report submitted here.
    for (NewReport p : parsed) {
      try {
        ReportForm.report(p.source().wireName(), p.title(), p.reporter(), null, null, null, p.externalRef(), p.exchanges());
      } catch (ReportForm.Invalid e) {
        String where = "bundle: " + p.externalRef() + ": " + e.getMessage();
        throw e.tooLarge() ? new AdminError(413, "too_large", where) : AdminError.badRequest(where);
      }
    }
    ArrayNode out = NODES.arrayNode();
    for (NewReport p : parsed) {
      out.add(intakeResult(intake.submit(p, r.caller().id())));
    }
    return NODES.objectNode().set("reports", out);
  }

  // ---------------------------------------------------------------- body helpers

  private static @Nullable String text(AdminRequest.Body b, String field) {
    return b.optional(field);
  }

  /** A boolean field, true when absent. */
  private static boolean bool(AdminRequest.Body b, String field) {
    JsonNode v = b.value(field);
    if (v == null) {
      return true;
    }
    if (!v.isBoolean()) {
      throw AdminError.badRequest(field + ": must be true or false");
    }
    return v.asBoolean();
  }

  /** A list of non-blank strings; empty when absent. */
  private static List<String> strings(AdminRequest.Body b, String field) {
    JsonNode v = b.value(field);
    if (v == null) {
      return List.of();
    }
    if (!v.isArray()) {
      throw AdminError.badRequest(field + ": must be a list of strings");
    }
    List<String> out = new java.util.ArrayList<>();
    for (JsonNode item : v) {
      if (!item.isTextual() || item.asText().isBlank()) {
        throw AdminError.badRequest(field + ": must be a list of non-blank strings");
      }
      out.add(item.asText().strip());
    }
    return out;
  }
}

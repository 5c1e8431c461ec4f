package dev.bulwark.admin.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.access.KeyDirectory;
import dev.bulwark.access.PolicyResolver;
import dev.bulwark.access.diligence.AdminCredentials;
import dev.bulwark.access.diligence.ApplicationRequest;
import dev.bulwark.access.diligence.DiligenceException;
import dev.bulwark.access.diligence.DueDiligence;
import dev.bulwark.access.diligence.OrgAccess;
import dev.bulwark.access.diligence.ReviewOutcome;
import dev.bulwark.access.diligence.ReviewRequest;
import dev.bulwark.admin.AdminError;
import dev.bulwark.admin.AdminRoutes;
import dev.bulwark.store.ApiKeyRecord;
import dev.bulwark.store.KeyStore;
import dev.bulwark.store.Organization;
import dev.bulwark.store.diligence.Application;
import dev.bulwark.store.diligence.ApplicationStatus;
import dev.bulwark.store.diligence.Assessment;
import dev.bulwark.store.diligence.Grant;
import dev.bulwark.store.diligence.Person;
import dev.bulwark.store.diligence.Rating;
import dev.bulwark.store.diligence.ReviewDecision;
import dev.bulwark.store.diligence.Role;
import dev.bulwark.store.diligence.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The endpoints under {@code /admin/v1}: a table of method, path pattern, the roles allowed, and a
 * handler. Everything here runs on a worker thread (handlers read and write the store), with the
 * caller already authenticated.
 *
 * <p>Role checks happen twice on purpose: here per endpoint, coarsely (a 403 before any work), and
 * in {@link DueDiligence} per rule (self-review, same organization), which holds whatever the caller.
 * Partner contacts see their own organization only.
 */
public final class AdminApi {
  /** The path prefix of every endpoint. */
  public static final String PREFIX = "/admin/v1";

  private static final Set<Role> STAFF = EnumSet.of(Role.ADMIN, Role.REVIEWER, Role.ANALYST);
  private static final Set<Role> ANYONE = EnumSet.allOf(Role.class);

  private final DueDiligence dd;
  private final KeyStore keys;
  private final KeyDirectory directory;
  private final PolicyResolver policies;
  private final List<Endpoint> endpoints = new ArrayList<>();

  public AdminApi(DueDiligence dd, KeyStore keys, KeyDirectory directory, PolicyResolver policies) {
    this.dd = requireNonNull(dd, "dd");
    this.keys = requireNonNull(keys, "keys");
    this.directory = requireNonNull(directory, "directory");
    this.policies = requireNonNull(policies, "policies");
    get("/whoami", ANYONE, c -> Render.person(c.caller()));
    get("/orgs", STAFF, c -> Render.list(dd.organizations(), Render::org));
    post("/orgs", EnumSet.of(Role.ADMIN), 201, this::createOrg);
    get("/orgs/{org}", ANYONE, this::showOrg);
    get("/orgs/{org}/effective-policy", ANYONE, this::effectivePolicy);
    post("/orgs/{org}/step-down", EnumSet.of(Role.ANALYST, Role.ADMIN), 200, this::stepDown);
    post("/orgs/{org}/restore", EnumSet.of(Role.ANALYST), 200, this::restore);
    get("/people", EnumSet.of(Role.ADMIN), c -> Render.list(dd.people(c.query("org")), Render::person));
    post("/people", EnumSet.of(Role.ADMIN), 201, this::addPerson);
    post("/people/{person}/tokens", EnumSet.of(Role.ADMIN), 201, this::issueToken);
    post("/tokens/{token}/revoke", ANYONE, 200, this::revokeToken);
    get("/applications", ANYONE, this::listApplications);
    post("/applications", EnumSet.of(Role.ADMIN, Role.PARTNER_CONTACT), 201, this::submit);
    get("/applications/{app}", ANYONE, this::showApplication);
    get("/applications/{app}/reviews", STAFF, c -> Render.list(dd.reviews(application(c).id()), Render::review));
    post("/applications/{app}/reviews", STAFF, 201, this::review);
    get("/applications/{app}/decision", ANYONE, this::decision);
    get("/grants", ANYONE, this::listGrants);
    get("/grants/{grant}", ANYONE, this::showGrant);
    post("/grants/{grant}/revoke", EnumSet.of(Role.ADMIN, Role.ANALYST), 200, this::revoke);
  }

  // ---------------------------------------------------------------- dispatch

  /** A successful answer. */
  public record Reply(int status, JsonNode body) {}

  /** What a handler sees. */
  public record Call(
      Person caller, Map<String, String> params, Map<String, String> queryParams, Supplier<JsonBody> body) {
    String param(String name) {
      return requireNonNull(params.get(name), name);
    }

    @Nullable String query(String name) {
      String v = queryParams.get(name);
      return v == null || v.isBlank() ? null : v;
    }
  }

  @FunctionalInterface
  interface Handler {
    JsonNode handle(Call call);
  }

  private record Endpoint(String method, String[] segments, Set<Role> roles, int status, Handler handler) {}

  /**
   * Adds an endpoint another module contributes ({@link AdminRoutes}); its {@link AdminError}s are
   * answered like this class's own refusals.
   */
  public void add(String method, String path, Set<Role> roles, int status, AdminRoutes.Handler handler) {
    requireNonNull(method, "method");
    requireNonNull(path, "path");
    requireNonNull(roles, "roles");
    requireNonNull(handler, "handler");
    if (!method.equals("GET") && !method.equals("POST") && !method.equals("PATCH")) {
      throw new IllegalArgumentException("method must be GET, POST or PATCH, was " + method);
    }
    if (!path.startsWith("/") || path.length() < 2 || path.endsWith("/") || path.contains("//")) {
      throw new IllegalArgumentException("path must start with '/' and have no empty segment, was '" + path + "'");
    }
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("roles must not be empty: " + method + " " + path);
    }
    String[] segments = path.substring(1).split("/");
    for (Endpoint e : endpoints) {
      if (e.method().equals(method) && java.util.Arrays.equals(e.segments(), segments)) {
        throw new IllegalArgumentException(method + " " + PREFIX + path + " is taken already");
      }
    }
    Set<Role> allowed = Set.copyOf(roles);
    endpoints.add(new Endpoint(method, segments, allowed, status, c -> {
      try {
        return handler.handle(new ContributedCall(c));
      } catch (AdminError e) {
        throw new ApiException(e.status(), e.code(), e.getMessage());
      }
    }));
  }

  private void get(String path, Set<Role> roles, Handler handler) {
    endpoints.add(new Endpoint("GET", path.substring(1).split("/"), roles, 200, handler));
  }

  private void post(String path, Set<Role> roles, int status, Handler handler) {
    endpoints.add(new Endpoint("POST", path.substring(1).split("/"), roles, status, handler));
  }

  /** Whether some endpoint has this path, for 404 against 405. */
  private boolean pathExists(String[] segments) {
    return endpoints.stream().anyMatch(e -> match(e.segments(), segments) != null);
  }

  /**
   * Handles an authenticated request.
   *
   * @param path the path after {@link #PREFIX}, starting with {@code /}
   * @throws ApiException for any refusal, already mapped to its status and code
   */
  public Reply handle(
      String method, String path, Map<String, String> query, Person caller, Supplier<JsonBody> body) {
    String[] segments = path.length() <= 1 ? new String[0] : path.substring(1).split("/", -1);
    for (Endpoint e : endpoints) {
      if (!e.method().equals(method)) {
        continue;
      }
      Map<String, String> params = match(e.segments(), segments);
      if (params == null) {
        continue;
      }
      if (e.roles().stream().noneMatch(caller::has)) {
        throw ApiException.forbidden("role_required", method + " " + PREFIX + path + " needs the role "
            + e.roles().stream().map(Role::wireName).sorted().collect(Collectors.joining(" or ")));
      }
      try {
        return new Reply(e.status(), e.handler().handle(new Call(caller, params, query, body)));
      } catch (DiligenceException d) {
        throw map(d);
      }
    }
    if (pathExists(segments)) {
      throw new ApiException(405, "method_not_allowed", method + " is not allowed on " + PREFIX + path);
    }
    throw ApiException.notFound("no endpoint " + PREFIX + path);
  }

  /** The HTTP answer to a refused operation. */
  static ApiException map(DiligenceException d) {
    int status = switch (d.code().kind()) {
      case NOT_FOUND -> 404;
      case INVALID -> 400;
      case FORBIDDEN -> 403;
      case CONFLICT -> 409;
    };
    return new ApiException(status, d.code().wireName(), d.getMessage());
  }

  private static @Nullable Map<String, String> match(String[] pattern, String[] segments) {
    if (pattern.length != segments.length) {
      return null;
    }
    Map<String, String> params = new LinkedHashMap<>();
    for (int i = 0; i < pattern.length; i++) {
      String p = pattern[i];
      if (p.startsWith("{")) {
        if (segments[i].isEmpty()) {
          return null;
        }
        params.put(p.substring(1, p.length() - 1), segments[i]);
      } else if (!p.equals(segments[i])) {
        return null;
      }
    }
    return params;
  }

  // ---------------------------------------------------------------- visibility

  private static boolean staff(Person p) {
    return STAFF.stream().anyMatch(p::has);
  }

  /** Partner contacts see their own organization only; staff see every one. */
  private static void requireVisible(Person caller, String orgId) {
    if (!staff(caller) && !caller.orgId().equals(orgId)) {
      throw ApiException.forbidden("other_organization",
          "a partner contact sees their own organization only");
    }
  }

  /** The organization filter a list uses: a partner contact's own, whatever they asked. */
  private static @Nullable String orgFilter(Call c) {
    String asked = c.query("org");
    if (staff(c.caller())) {
      return asked;
    }
    if (asked != null) {
      requireVisible(c.caller(), asked);
    }
    return c.caller().orgId();
  }

  // ---------------------------------------------------------------- organizations

  private JsonNode createOrg(Call c) {
    JsonBody b = c.body().get().allow("id", "name");
    String id = b.required("id");
    Organization o = dd.createOrganization(c.caller(), id, orDefault(b.optional("name"), id));
    return Render.org(o);
  }

  private JsonNode showOrg(Call c) {
    String id = c.param("org");
    requireVisible(c.caller(), id);
    Organization o = dd.organization(id).orElseThrow(() -> ApiException.notFound("no organization '" + id + "'"));
    ObjectNode n = Render.org(o);
    Instant now = dd.now();
    n.set("grants", Render.list(dd.grants(id), g -> Render.grant(g, now)));
    n.set("step_downs", Render.list(dd.stepDowns(id), dev.bulwark.admin.internal.Render::stepDown));
    if (staff(c.caller())) {
      n.set("people", Render.list(dd.people(id), Render::person));
    }
    return n;
  }

  /**
   * The tier and policy each of the organization's keys runs under now, from the same in-memory
   * snapshot the gateway reads.
   */
  private JsonNode effectivePolicy(Call c) {
    String id = c.param("org");
    requireVisible(c.caller(), id);
    if (dd.organization(id).isEmpty()) {
      throw ApiException.notFound("no organization '" + id + "'");
    }
    String model = c.query("model");
    Instant now = dd.now();
    Set<String> keyTiers = new TreeSet<>();
    List<ApiKeyRecord> orgKeys = keys.keys(id);
    for (ApiKeyRecord k : orgKeys) {
      if (k.revokedAt() == null && (k.expiresAt() == null || now.isBefore(k.expiresAt()))) {
        keyTiers.add(k.tier());
      }
    }
    ObjectNode n = Render.object().put("org", id).put("model", model).put("at", now.toString());
    ArrayNode tiers = n.putArray("tiers");
    for (String keyTier : keyTiers) {
      OrgAccess.Resolution r = directory.resolve(id, keyTier, model);
      ObjectNode t = tiers.addObject()
          .put("key_tier", keyTier)
          .put("effective_tier", r.tier())
          .put("source", r.source().wireName())
          .put("source_id", r.sourceId())
          .put("until", Render.time(r.until()));
      t.set("policy", policies.policyOfTier(r.tier()).<JsonNode>map(Render::policy)
          .orElse(com.fasterxml.jackson.databind.node.NullNode.getInstance()));
    }
    n.put("active_keys", orgKeys.stream().filter(k -> k.revokedAt() == null
        && (k.expiresAt() == null || now.isBefore(k.expiresAt()))).count());
    return n;
  }

  private JsonNode stepDown(Call c) {
    JsonBody b = c.body().get().allow("tier", "reason");
    return Render.stepDown(dd.stepDown(c.caller(), c.param("org"), b.required("tier"), orDefault(b.optional("reason"), "")));
  }

  private JsonNode restore(Call c) {
    JsonBody b = c.body().get().allow("reason");
    return Render.stepDown(dd.restore(c.caller(), c.param("org"), orDefault(b.optional("reason"), "")));
  }

  // ---------------------------------------------------------------- people and tokens

  private JsonNode addPerson(Call c) {
    JsonBody b = c.body().get().allow("org", "name", "roles");
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String r : b.strings("roles")) {
      roles.add(Role.parse(r).orElseThrow(() -> ApiException.badRequest("roles: unknown role '" + r
          + "'; roles: admin, reviewer, analyst, partner_contact")));
    }
    return Render.person(dd.addPerson(c.caller(), b.required("org"), b.required("name"), roles));
  }

  private JsonNode issueToken(Call c) {
    JsonBody b = c.body().get().allow("expires_in", "label");
    AdminCredentials.Issued issued =
        dd.issueToken(c.caller(), c.param("person"), b.duration("expires_in"), b.optional("label"));
    ObjectNode n = Render.token(issued.record());
    // The one time the token leaves the server.
    n.put("token", issued.token());
    return n;
  }

  private JsonNode revokeToken(Call c) {
    JsonBody b = c.body().get().allow("reason");
    return Render.token(dd.revokeToken(c.caller(), c.param("token"), orDefault(b.optional("reason"), "")));
  }

  // ---------------------------------------------------------------- applications and reviews

  private Application application(Call c) {
    String id = c.param("app");
    Application a = dd.application(id).orElseThrow(() -> ApiException.notFound("no application '" + id + "'"));
    requireVisible(c.caller(), a.orgId());
    return a;
  }

  private JsonNode listApplications(Call c) {
    String org = orgFilter(c);
    String status = c.query("status");
    ApplicationStatus wanted = status == null ? null : ApplicationStatus.parse(status).orElseThrow(() ->
        ApiException.badRequest("status: must be one of pending, approved, denied, was '" + status + "'"));
    List<Application> apps = dd.applications(org).stream()
        .filter(a -> wanted == null || a.status() == wanted).toList();
    return Render.list(apps, a -> Render.application(a, dd.expired(a)));
  }

  private JsonNode submit(Call c) {
    JsonBody b = c.body().get()
        .allow("org", "use_case", "beneficial_use", "target_tier", "models", "categories", "duration");
    Duration duration = b.duration("duration");
    if (duration == null) {
      throw ApiException.badRequest("duration: is required, e.g. \"7d\"");
    }
    Scope scope;
    try {
      scope = Scope.of(b.strings("models"), b.strings("categories"));
    } catch (IllegalArgumentException e) {
      throw ApiException.badRequest(String.valueOf(e.getMessage()));
    }
    ApplicationRequest request = new ApplicationRequest(
        orDefault(b.optional("org"), c.caller().orgId()),
        orDefault(b.optional("use_case"), ""),
        orDefault(b.optional("beneficial_use"), ""),
        b.required("target_tier"),
        scope,
        duration);
    Application a = dd.submit(c.caller(), request);
    return Render.application(a, false);
  }

  private JsonNode showApplication(Call c) {
    Application a = application(c);
    ObjectNode n = Render.application(a, dd.expired(a));
    n.set("tally", Render.tally(dd.tally(a.id())));
    if (staff(c.caller())) {
      n.set("reviews", Render.list(dd.reviews(a.id()), Render::review));
    }
    return n;
  }

  private JsonNode decision(Call c) {
    Application a = application(c);
    ObjectNode n = Render.object()
        .put("application", a.id())
        .put("status", a.status().wireName())
        .put("expired", dd.expired(a))
        .put("decided_at", Render.time(a.decidedAt()))
        .put("reason", a.decisionReason());
    n.set("tally", Render.tally(dd.tally(a.id())));
    dd.grants(a.orgId()).stream().filter(g -> g.applicationId().equals(a.id())).findFirst()
        .ifPresent(g -> n.set("grant", Render.grant(g, dd.now())));
    return n;
  }

  private JsonNode review(Call c) {
    JsonBody b = c.body().get()
        .allow("acting_role", "trustworthiness", "beneficial_use", "decision", "justification");
    String role = b.optional("acting_role");
    ReviewRequest request = new ReviewRequest(
        role == null ? null : Role.parse(role).orElseThrow(() -> ApiException.badRequest(
            "acting_role: must be one of admin, reviewer, analyst, was '" + role + "'")),
        assessment(b.object("trustworthiness")),
        assessment(b.object("beneficial_use")),
        ReviewDecision.parse(b.required("decision")).orElseThrow(() ->
            ApiException.badRequest("decision: must be approve or deny")),
        orDefault(b.optional("justification"), ""));
    ReviewOutcome outcome = dd.review(c.caller(), c.param("app"), request);
    ObjectNode n = Render.object();
    n.set("review", Render.review(outcome.review()));
    n.set("application", Render.application(outcome.application(), false));
    n.set("tally", Render.tally(outcome.tally()));
    Grant g = outcome.grant();
    if (g != null) {
      n.set("grant", Render.grant(g, dd.now()));
    }
    return n;
  }

  private static Assessment assessment(JsonBody b) {
    b.allow("rating", "evidence");
    String rating = b.required("rating");
    Rating r = Rating.parse(rating).orElseThrow(() -> ApiException.badRequest(
        "rating: must be one of insufficient, low, moderate, high, was '" + rating + "'"));
    try {
      return new Assessment(r, orDefault(b.optional("evidence"), ""));
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, DiligenceException.Code.JUSTIFICATION_REQUIRED.wireName(),
          "evidence: is required and must not be blank");
    }
  }

  // ---------------------------------------------------------------- grants

  private JsonNode listGrants(Call c) {
    String org = orgFilter(c);
    boolean activeOnly = "true".equals(c.query("active"));
    Instant now = dd.now();
    List<Grant> grants = dd.grants(org).stream().filter(g -> !activeOnly || g.activeAt(now)).toList();
    return Render.list(grants, g -> Render.grant(g, now));
  }

  private Grant grant(Call c) {
    String id = c.param("grant");
    Grant g = dd.grant(id).orElseThrow(() -> ApiException.notFound("no grant '" + id + "'"));
    requireVisible(c.caller(), g.orgId());
    return g;
  }

  private JsonNode showGrant(Call c) {
    return Render.grant(grant(c), dd.now());
  }

  private JsonNode revoke(Call c) {
    JsonBody b = c.body().get().allow("reason");
    return Render.grant(dd.revoke(c.caller(), c.param("grant"), orDefault(b.optional("reason"), "")), dd.now());
  }

  private static String orDefault(@Nullable String value, String fallback) {
    return value == null ? fallback : value;
  }

  /** For tests and docs: every endpoint as {@code METHOD /path}. */
  public List<String> describe() {
    Set<String> out = new LinkedHashSet<>();
    for (Endpoint e : endpoints) {
      out.add(e.method() + " " + PREFIX + "/" + String.join("/", e.segments()));
    }
    return List.copyOf(out);
  }
}

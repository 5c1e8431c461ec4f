package dev.bulwark.access.diligence;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.access.diligence.DiligenceException.Code;
import dev.bulwark.store.EventLog;
import dev.bulwark.store.EventRecord;
import dev.bulwark.store.KeyStore;
import dev.bulwark.store.Organization;
import dev.bulwark.store.Store;
import dev.bulwark.store.diligence.AdminToken;
import dev.bulwark.store.diligence.Application;
import dev.bulwark.store.diligence.ApplicationStatus;
import dev.bulwark.store.diligence.DiligenceStore;
import dev.bulwark.store.diligence.Grant;
import dev.bulwark.store.diligence.Person;
import dev.bulwark.store.diligence.Review;
import dev.bulwark.store.diligence.ReviewDecision;
import dev.bulwark.store.diligence.Role;
import dev.bulwark.store.diligence.Scope;
import dev.bulwark.store.diligence.TierOverride;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The enhanced due-diligence workflow: organizations and people, partner applications, reviews,
 * grants of adjusted tiers, revocation and step-downs.
 *
 * <p>The rules it enforces, whatever the caller (the admin API, the CLI, a test):
 *
 * <ul>
 *   <li>every operation checks the acting person's roles as stored now, not as presented;
 *   <li>nobody reviews an application they submitted, or one of their own organization, and each
 *       reviewer counts once;
 *   <li>a review, a revocation, a step-down and a restore each need a non-blank justification;
 *   <li>an application is approved only when the {@link DiligenceRules} thresholds are crossed; one
 *       denial denies it for good;
 *   <li>an approval grants the target tier from now for the requested duration, never longer than
 *       the configured maximum; a newer grant for the same organization supersedes older ones;
 *       nothing extends a grant: renewal is a new application with new reviews.
 * </ul>
 *
 * <p>Every check and its change run in one store transaction under the chain's write lock, so
 * concurrent reviews cannot both cross a threshold. Every change appends an audit event in the same
 * transaction; a refusal for lack of permission (self-review, same organization, missing role) is
 * logged too, as {@code diligence.refused}, since repeated attempts are a signal worth seeing.
 *
 * <p>Thread-safe: no mutable state of its own.
 */
public final class DueDiligence {
  private static final Logger log = LoggerFactory.getLogger(DueDiligence.class);

  private final DiligenceStore store;
  private final KeyStore keys;
  private final EventLog events;
  private final DiligenceRules rules;
  private final Clock clock;
  private final RandomIds ids;
  private final Runnable onChange;
  private final ObjectMapper json = new ObjectMapper();

  private DueDiligence(Builder b) {
    this.store = requireNonNull(b.store, "store");
    this.keys = requireNonNull(b.keys, "keys");
    this.events = requireNonNull(b.events, "events");
    this.rules = b.rules;
    this.clock = b.clock;
    this.ids = new RandomIds(b.random);
    this.onChange = b.onChange;
  }

  public static Builder builder() {
    return new Builder();
  }

  public DiligenceRules rules() {
    return rules;
  }

  // ---------------------------------------------------------------- organizations, people, tokens

  /**
   * Creates an organization (admin).
   *
   * @throws DiligenceException {@code ALREADY_EXISTS} if the id is taken
   */
  public Organization createOrganization(Person actor, String id, String name) {
    Person a = current(actor);
    requireRole(a, null, "creating an organization", Role.ADMIN);
    Organization candidate = invalidIfBad(() -> new Organization(id, name, now()));
    if (keys.organization(candidate.id()).isPresent()) {
      throw new DiligenceException(Code.ALREADY_EXISTS, "organization '" + id + "' already exists");
    }
    Organization created = keys.ensureOrganization(candidate.id(), candidate.name(), actorName(a));
    changed();
    return created;
  }

  /** Adds a person to an existing organization (admin). */
  public Person addPerson(Person actor, String orgId, String name, Set<Role> roles) {
    Person a = current(actor);
    requireRole(a, orgId, "adding a person", Role.ADMIN);
    Person p = invalidIfBad(() -> new Person(ids.next("per"), orgId, name, roles, now()));
    return write("adding a person", tx -> {
      requireOrganization(tx, orgId);
      tx.insert(p);
      tx.audit(event("person.created", p.orgId(), body(a)
          .put("person", p.id())
          .put("name", p.name())
          .set("roles", roles(p.roles()))));
      return p;
    });
  }

  /**
   * Issues an admin token to a person (admin). The admin can then act as that person, which is why
   * this is audited with both names.
   *
   * @param ttl how long it works, or null for no expiry
   */
  public AdminCredentials.Issued issueToken(
      Person actor, String personId, @Nullable Duration ttl, @Nullable String label) {
    Person a = current(actor);
    requireRole(a, null, "issuing an admin token", Role.ADMIN);
    return write("issuing an admin token", tx -> {
      Person holder = tx.person(personId).orElseThrow(() -> notFound("person", personId));
      return insertToken(tx, holder, ttl, label, actorName(a));
    });
  }

  /**
   * Creates the first people of a deployment from the command line, before any admin token exists:
   * the organization (created if absent), the person and a token. Audited with {@code actor}.
   */
  public AdminCredentials.Issued bootstrap(
      String orgId, String name, Set<Role> roles, @Nullable Duration ttl, String actor) {
    requireNonNull(actor, "actor");
    invalidIfBad(() -> new Organization(orgId, orgId, now()));
    Person p = invalidIfBad(() -> new Person(ids.next("per"), orgId, name, roles, now()));
    keys.ensureOrganization(orgId, orgId, actor);
    AdminCredentials.Issued issued = store.write("creating an admin", tx -> {
      tx.insert(p);
      tx.audit(event("person.created", p.orgId(), json.createObjectNode()
          .put("actor", actor)
          .put("person", p.id())
          .put("name", p.name())
          .set("roles", roles(p.roles()))));
      return insertToken(tx, p, ttl, "created by " + actor, actor);
    });
    changed();
    return issued;
  }

  /** Revokes an admin token at once (an admin, or the token's holder). */
  public AdminToken revokeToken(Person actor, String tokenId, String reason) {
    Person a = current(actor);
    String why = justification("reason", reason);
    return write("revoking an admin token", tx -> {
      AdminToken t = tx.adminToken(tokenId).orElseThrow(() -> notFound("admin token", tokenId));
      if (!a.has(Role.ADMIN) && !a.id().equals(t.personId())) {
        refuse(a, null, Code.ROLE_REQUIRED, "revoking another person's admin token needs the role admin");
      }
      Instant now = now();
      if (!t.usableAt(now)) {
        throw new DiligenceException(Code.TOKEN_INACTIVE, "admin token " + tokenId + " is already unusable");
      }
      AdminToken revoked = t.revoked(now);
      tx.updateRevocation(revoked);
      tx.audit(event("admin_token.revoked", null, body(a)
          .put("token", t.id())
          .put("person", t.personId())
          .put("reason", why)));
      return revoked;
    });
  }

  private AdminCredentials.Issued insertToken(
      DiligenceStore.Tx tx, Person holder, @Nullable Duration ttl, @Nullable String label, String actor) {
    if (ttl != null && (ttl.isNegative() || ttl.isZero())) {
      throw new DiligenceException(Code.INVALID_ARGUMENT, "expires_in: must be positive, was " + ttl);
    }
    Instant now = now();
    AdminCredentials.Minted minted = AdminCredentials.mint(ids);
    AdminToken record = invalidIfBad(() -> new AdminToken(
        minted.id(), holder.id(), minted.hash(), now, ttl == null ? null : now.plus(ttl), null, label));
    tx.insert(record);
    tx.audit(event("admin_token.issued", holder.orgId(), json.createObjectNode()
        .put("actor", actor)
        .put("token", record.id())
        .put("person", holder.id())
        .put("expires_at", record.expiresAt() == null ? null : record.expiresAt().toString())));
    return new AdminCredentials.Issued(minted.token(), record, holder);
  }

  // ---------------------------------------------------------------- the workflow

  /**
   * Submits a partner application (an admin for any organization, a partner contact for their own).
   *
   * @throws DiligenceException {@code DURATION_TOO_LONG} past the maximum grant, {@code
   *     JUSTIFICATION_REQUIRED} without a use case or beneficial-use statement, {@code NOT_FOUND} for
   *     an unknown organization, {@code INVALID_ARGUMENT} for an unknown tier or a category scope
   *     other than {@code *} (not enforceable yet)
   */
  public Application submit(Person actor, ApplicationRequest request) {
    requireNonNull(request, "request");
    Person a = current(actor);
    requireRole(a, request.orgId(), "submitting an application", Role.ADMIN, Role.PARTNER_CONTACT);
    if (!a.has(Role.ADMIN) && !a.orgId().equals(request.orgId())) {
      refuse(a, request.orgId(), Code.OTHER_ORGANIZATION,
          "a partner contact submits applications for their own organization only");
    }
    String useCase = justification("use_case", request.useCase());
    String benefit = justification("beneficial_use", request.beneficialUse());
    if (!request.scope().categories().contains(Scope.ALL)) {
      // Fail closed: an adjusted tier changes a policy as a whole, and no stage applies a policy
      // per category yet, so a grant "for cyber only" would adjust every category.
      throw new DiligenceException(Code.INVALID_ARGUMENT, "categories: per-category adjustments cannot"
          + " be enforced yet; ask for '*' (the adjusted tier then applies to every category) and say"
          + " which categories matter in the use case");
    }
    Duration d = request.duration();
    if (d.compareTo(rules.maxGrant()) > 0) {
      throw new DiligenceException(Code.DURATION_TOO_LONG, "duration: at most "
          + human(rules.maxGrant()) + " may be granted, asked for " + human(d));
    }
    Application app = invalidIfBad(() -> new Application(
        ids.next("app"), request.orgId(), a.id(), useCase, benefit, request.targetTier(),
        request.scope(), d.truncatedTo(ChronoUnit.SECONDS), ApplicationStatus.PENDING, now(), null, null));
    return write("submitting an application", tx -> {
      requireOrganization(tx, app.orgId());
      if (tx.tier(app.targetTier()).isEmpty()) {
        throw new DiligenceException(Code.INVALID_ARGUMENT,
            "target_tier: no tier '" + app.targetTier() + "' is configured");
      }
      tx.insert(app);
      tx.audit(event("application.submitted", app.orgId(), body(a)
          .put("application", app.id())
          .put("target_tier", app.targetTier())
          .put("duration_s", app.duration().getSeconds())
          .set("scope", scope(app.scope()))));
      return app;
    });
  }

  /**
   * Records a review; when it crosses the approval thresholds, approves the application and grants
   * its tier; when it denies, denies the application for good.
   */
  public ReviewOutcome review(Person actor, String applicationId, ReviewRequest request) {
    requireNonNull(applicationId, "applicationId");
    requireNonNull(request, "request");
    Person a = current(actor);
    Role role = actingRole(a, request.actingRole());
    String why = justification("justification", request.justification());
    return write("recording a review", tx -> {
      Application app = tx.application(applicationId)
          .orElseThrow(() -> notFound("application", applicationId));
      if (a.id().equals(app.submittedBy())) {
        refuse(a, app.orgId(), Code.SELF_REVIEW, "nobody reviews an application they submitted");
      }
      if (a.orgId().equals(app.orgId())) {
        refuse(a, app.orgId(), Code.SAME_ORGANIZATION,
            "nobody reviews an application of their own organization");
      }
      if (app.status() != ApplicationStatus.PENDING) {
        throw new DiligenceException(Code.APPLICATION_CLOSED, app.status() == ApplicationStatus.DENIED
            ? "application " + app.id() + " was denied; asking again takes a new application"
            : "application " + app.id() + " was already approved; a renewal is a new application");
      }
      Instant now = now();
      if (expired(app, now)) {
        throw new DiligenceException(Code.APPLICATION_EXPIRED, "application " + app.id()
            + " waited longer than " + human(rules.applicationTtl()) + "; submit a new one");
      }
      List<Review> reviews = new ArrayList<>(tx.reviews(app.id()));
      if (reviews.stream().anyMatch(r -> r.reviewerId().equals(a.id()))) {
        throw new DiligenceException(Code.ALREADY_REVIEWED,
            "you already reviewed application " + app.id() + "; each reviewer counts once");
      }
      if (request.decision() == ReviewDecision.APPROVE
          && (!request.trustworthiness().rating().atLeast(rules.minimumRating())
              || !request.beneficialUse().rating().atLeast(rules.minimumRating()))) {
        throw new DiligenceException(Code.RATING_TOO_LOW, "an approval needs both criteria rated at least "
            + rules.minimumRating().wireName() + "; deny instead, or rate them higher");
      }
      Review review = new Review(ids.next("rev"), app.id(), a.id(), role, request.trustworthiness(),
          request.beneficialUse(), request.decision(), why, now);
      tx.insert(review);
      tx.audit(event("review.recorded", app.orgId(), body(a)
          .put("application", app.id())
          .put("review", review.id())
          .put("acting_role", role.wireName())
          .put("trustworthiness", review.trustworthiness().rating().wireName())
          .put("beneficial_use", review.beneficialUse().rating().wireName())
          .put("decision", review.decision().wireName())
          .put("justification", why)));
      reviews.add(review);
      DiligenceRules.Tally tally = rules.tally(reviews);
      if (review.decision() == ReviewDecision.DENY) {
        Application denied = app.decided(ApplicationStatus.DENIED, now, "denied by " + a.id() + ": " + why);
        tx.updateDecision(denied);
        tx.audit(event("application.denied", app.orgId(), body(a)
            .put("application", app.id())
            .put("justification", why)));
        return new ReviewOutcome(review, denied, tally, null);
      }
      if (!tally.approved()) {
        return new ReviewOutcome(review, app, tally, null);
      }
      List<String> approvers = reviews.stream()
          .filter(r -> r.decision() == ReviewDecision.APPROVE).map(Review::reviewerId).toList();
      Application approved = app.decided(ApplicationStatus.APPROVED, now,
          "approved by " + String.join(", ", approvers));
      tx.updateDecision(approved);
      ArrayNode approverNodes = json.createArrayNode();
      approvers.forEach(approverNodes::add);
      tx.audit(event("application.approved", app.orgId(), body(a)
          .put("application", app.id())
          .set("approvers", approverNodes)));
      Grant grant = grant(tx, approved, now, a);
      return new ReviewOutcome(review, approved, tally, grant);
    });
  }

  private Grant grant(DiligenceStore.Tx tx, Application app, Instant now, Person actor) {
    Duration length = app.duration().compareTo(rules.maxGrant()) > 0 ? rules.maxGrant() : app.duration();
    Grant g = new Grant(ids.next("grt"), app.orgId(), app.id(), app.targetTier(), app.scope(), now,
        now.plus(length), null, null, null);
    for (Grant old : tx.grants(app.orgId())) {
      if (old.revokedAt() == null && old.expiresAt().isAfter(now)) {
        tx.updateRevocation(old.revoked(now, "system", "superseded by grant " + g.id()));
        tx.audit(event("grant.superseded", app.orgId(), json.createObjectNode()
            .put("actor", "system")
            .put("grant", old.id())
            .put("by", g.id())));
      }
    }
    tx.insert(g);
    // The window is logged here once; expiry needs no event because every reader checks it.
    tx.audit(event("grant.created", app.orgId(), body(actor)
        .put("grant", g.id())
        .put("application", app.id())
        .put("tier", g.tier())
        .put("starts_at", g.startsAt().toString())
        .put("expires_at", g.expiresAt().toString())
        .set("scope", scope(g.scope()))));
    return g;
  }

  /** Revokes a grant at once (admin or analyst); the organization reverts to its keys' tiers. */
  public Grant revoke(Person actor, String grantId, String reason) {
    Person a = current(actor);
    requireRole(a, null, "revoking a grant", Role.ADMIN, Role.ANALYST);
    String why = justification("reason", reason);
    return write("revoking a grant", tx -> {
      Grant g = tx.grant(grantId).orElseThrow(() -> notFound("grant", grantId));
      Instant now = now();
      if (!g.activeAt(now)) {
        throw new DiligenceException(Code.GRANT_INACTIVE, "grant " + g.id() + " is already "
            + (g.revokedAt() != null ? "revoked" : "expired"));
      }
      Grant revoked = g.revoked(now, actorName(a), why);
      tx.updateRevocation(revoked);
      tx.audit(event("grant.revoked", g.orgId(), body(a)
          .put("grant", g.id())
          .put("reason", why)));
      return revoked;
    });
  }

  /**
   * Steps an organization down to {@code tier} until an analyst restores it: the hook for the
   * monitor, which calls it with its own name as {@code actor}. Only the configured {@link
   * DiligenceRules#stepDownTiers()} are accepted. A step-down already in force is replaced.
   */
  public TierOverride stepDown(String actor, String orgId, String tier, String reason) {
    requireNonNull(actor, "actor");
    String why = justification("reason", reason);
    if (!rules.stepDownTiers().contains(tier)) {
      throw new DiligenceException(Code.INVALID_ARGUMENT, "tier: a step-down may only use "
          + String.join(", ", new java.util.TreeSet<>(rules.stepDownTiers())) + ", not '" + tier + "'");
    }
    TierOverride o = invalidIfBad(() -> new TierOverride(ids.next("ovr"), orgId, tier, why, actor, now(),
        null, null, null));
    TierOverride saved = store.write("stepping down an organization", tx -> {
      requireOrganization(tx, orgId);
      if (tx.tier(tier).isEmpty()) {
        throw new DiligenceException(Code.INVALID_ARGUMENT, "tier: no tier '" + tier + "' is configured");
      }
      Optional<TierOverride> open = tx.openOverride(orgId);
      if (open.isPresent()) {
        tx.updateClearing(open.get().cleared(o.setAt(), actor, "replaced by step-down " + o.id()));
      }
      tx.insert(o);
      tx.audit(event("tier.stepped_down", orgId, json.createObjectNode()
          .put("actor", actor)
          .put("step_down", o.id())
          .put("tier", tier)
          .put("replaces", open.map(TierOverride::id).orElse(null))
          .put("reason", why)));
      return o;
    });
    changed();
    return saved;
  }

  /** {@link #stepDown(String, String, String, String)} by a person (analyst or admin). */
  public TierOverride stepDown(Person actor, String orgId, String tier, String reason) {
    Person a = current(actor);
    requireRole(a, orgId, "stepping down an organization", Role.ANALYST, Role.ADMIN);
    return stepDown(actorName(a), orgId, tier, reason);
  }

  /** Ends an organization's step-down (analysts only: the monitor's verdict is theirs to lift). */
  public TierOverride restore(Person actor, String orgId, String reason) {
    Person a = current(actor);
    requireRole(a, orgId, "restoring an organization", Role.ANALYST);
    String why = justification("reason", reason);
    return write("restoring an organization", tx -> {
      TierOverride open = tx.openOverride(orgId).orElseThrow(() ->
          new DiligenceException(Code.NOT_STEPPED_DOWN, "organization '" + orgId + "' is not stepped down"));
      TierOverride cleared = open.cleared(now(), actorName(a), why);
      tx.updateClearing(cleared);
      tx.audit(event("tier.restored", orgId, body(a)
          .put("step_down", open.id())
          .put("reason", why)));
      return cleared;
    });
  }

  // ---------------------------------------------------------------- reads

  public List<Organization> organizations() {
    return keys.organizations();
  }

  public Optional<Organization> organization(String id) {
    return keys.organization(id);
  }

  public Optional<Person> person(String id) {
    return store.person(id);
  }

  public List<Person> people(@Nullable String orgId) {
    return store.people(orgId);
  }

  public List<AdminToken> tokens(String personId) {
    return store.adminTokens(personId);
  }

  public Optional<Application> application(String id) {
    return store.application(id);
  }

  public List<Application> applications(@Nullable String orgId) {
    return store.applications(orgId);
  }

  public List<Review> reviews(String applicationId) {
    return store.reviews(applicationId);
  }

  /** Where an application's votes stand. */
  public DiligenceRules.Tally tally(String applicationId) {
    return rules.tally(store.reviews(applicationId));
  }

  /** Whether a pending application waited too long to be reviewed now. */
  public boolean expired(Application application) {
    return expired(application, now());
  }

  public Optional<Grant> grant(String id) {
    return store.grant(id);
  }

  public List<Grant> grants(@Nullable String orgId) {
    return store.grants(orgId);
  }

  public List<TierOverride> stepDowns(@Nullable String orgId) {
    return store.overrides(orgId);
  }

  /** The clock's now, as the store keeps times. */
  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  // ---------------------------------------------------------------- helpers

  private boolean expired(Application app, Instant now) {
    return app.status() == ApplicationStatus.PENDING
        && !now.isBefore(app.submittedAt().plus(rules.applicationTtl()));
  }

  /** Runs {@code work} in a store transaction, then tells the listener about the change. */
  private <T> T write(String what, DiligenceStore.Work<T> work) {
    T result = store.write(what, work);
    changed();
    return result;
  }

  private void changed() {
    try {
      onChange.run();
    } catch (RuntimeException e) {
      // The change is committed; caches catch up on their next poll.
      log.warn("change listener failed; caches refresh on their next poll", e);
    }
  }

  /** The actor as stored now: roles are checked against the store, never against the caller's copy. */
  private Person current(Person actor) {
    requireNonNull(actor, "actor");
    return store.person(actor.id()).orElseThrow(() ->
        new DiligenceException(Code.ROLE_REQUIRED, "person '" + actor.id() + "' does not exist"));
  }

  private void requireRole(Person actor, @Nullable String orgId, String what, Role... allowed) {
    for (Role r : allowed) {
      if (actor.has(r)) {
        return;
      }
    }
    refuse(actor, orgId, Code.ROLE_REQUIRED, what + " needs the role "
        + Arrays.stream(allowed).map(Role::wireName).collect(Collectors.joining(" or ")));
  }

  private Role actingRole(Person actor, @Nullable Role asked) {
    if (asked != null) {
      if (asked == Role.PARTNER_CONTACT) {
        refuse(actor, null, Code.ROLE_REQUIRED, "partner contacts never review applications");
      }
      if (!actor.has(asked)) {
        refuse(actor, null, Code.ROLE_REQUIRED, "you do not hold the role " + asked.wireName());
      }
      return asked;
    }
    for (Role r : List.of(Role.REVIEWER, Role.ADMIN, Role.ANALYST)) {
      if (actor.has(r)) {
        return r;
      }
    }
    refuse(actor, null, Code.ROLE_REQUIRED, "reviewing needs the role reviewer, admin or analyst");
    throw new AssertionError("unreachable");
  }

  /**
   * Throws a permission refusal after queuing its {@code diligence.refused} event. The event goes
   * through the log's own writer, not the transaction that may be open (and is about to roll
   * back), so it is kept; it is not awaited, since inside a transaction the writer waits for this
   * transaction's lock.
   */
  private void refuse(Person actor, @Nullable String orgId, Code code, String message) {
    DiligenceException e = new DiligenceException(code, message);
    EventRecord refusal = event("diligence.refused", orgId, body(actor)
        .put("code", code.wireName())
        .put("message", message));
    events.append(refusal).whenComplete((seq, error) -> {
      if (error != null) {
        log.warn("could not record a refused due-diligence operation by {}", actor.id(), error);
      }
    });
    throw e;
  }

  private static String actorName(Person p) {
    return "person:" + p.id();
  }

  private ObjectNode body(Person actor) {
    return json.createObjectNode().put("actor", actorName(actor));
  }

  private ArrayNode roles(Set<Role> roles) {
    ArrayNode out = json.createArrayNode();
    roles.stream().map(Role::wireName).sorted().forEach(out::add);
    return out;
  }

  private ObjectNode scope(Scope s) {
    ObjectNode out = json.createObjectNode();
    s.models().forEach(out.putArray("models")::add);
    s.categories().forEach(out.putArray("categories")::add);
    return out;
  }

  private EventRecord event(String type, @Nullable String orgId, ObjectNode body) {
    try {
      return new EventRecord(type, null, null, orgId, now(), json.writeValueAsString(body), false);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an audit event body", e);
    }
  }

  private static void requireOrganization(DiligenceStore.Tx tx, String orgId) {
    if (tx.organization(orgId).isEmpty()) {
      throw notFound("organization", orgId);
    }
  }

  private static DiligenceException notFound(String what, String id) {
    return new DiligenceException(Code.NOT_FOUND, "no " + what + " has the id '" + id + "'");
  }

  private static String justification(String field, @Nullable String text) {
    if (text == null || text.isBlank()) {
      throw new DiligenceException(Code.JUSTIFICATION_REQUIRED, field + ": is required and must not be blank");
    }
    return text.strip();
  }

  /** Runs a record's constructor, turning its {@link IllegalArgumentException} into a typed refusal. */
  private static <T> T invalidIfBad(Supplier<T> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw new DiligenceException(Code.INVALID_ARGUMENT, String.valueOf(e.getMessage()));
    }
  }

  private static String human(Duration d) {
    if (d.toSeconds() % 86_400 == 0) {
      return d.toDays() + "d";
    }
    if (d.toSeconds() % 3_600 == 0) {
      return d.toHours() + "h";
    }
    if (d.toSeconds() % 60 == 0) {
      return d.toMinutes() + "m";
    }
    return d.toSeconds() + "s";
  }

  /** Builds a {@link DueDiligence}. */
  public static final class Builder {
    private @Nullable DiligenceStore store;
    private @Nullable KeyStore keys;
    private @Nullable EventLog events;
    private DiligenceRules rules = DiligenceRules.DEFAULTS;
    private Clock clock = Clock.systemUTC();
    private SecureRandom random = new SecureRandom();
    private Runnable onChange = () -> {};

    private Builder() {}

    /** The diligence store, key store and event log of one open store. */
    public Builder store(Store store) {
      requireNonNull(store, "store");
      this.store = store.diligence();
      this.keys = store.keys();
      this.events = store.events();
      return this;
    }

    public Builder rules(DiligenceRules rules) {
      this.rules = requireNonNull(rules, "rules");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    public Builder random(SecureRandom random) {
      this.random = requireNonNull(random, "random");
      return this;
    }

    /**
     * Runs after every committed change, on the caller's thread: a key directory's {@code refresh},
     * so that this process's own writes take effect at once rather than at the next poll.
     */
    public Builder onChange(Runnable onChange) {
      this.onChange = requireNonNull(onChange, "onChange");
      return this;
    }

    public DueDiligence build() {
      if (store == null) {
        throw new IllegalStateException("store is not set");
      }
      return new DueDiligence(this);
    }
  }
}

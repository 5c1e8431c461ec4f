package dev.bulwark.admin.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.access.diligence.DiligenceRules;
import dev.bulwark.core.policy.Policy;
import dev.bulwark.store.Organization;
import dev.bulwark.store.diligence.AdminToken;
import dev.bulwark.store.diligence.Application;
import dev.bulwark.store.diligence.Assessment;
import dev.bulwark.store.diligence.Grant;
import dev.bulwark.store.diligence.Person;
import dev.bulwark.store.diligence.Review;
import dev.bulwark.store.diligence.Role;
import dev.bulwark.store.diligence.Scope;
import dev.bulwark.store.diligence.TierOverride;
import java.time.Instant;
import java.util.Collection;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Records as the API writes them: snake_case fields, lower-case enum values, ISO-8601 instants. */
final class Render {
  static final ObjectMapper JSON = new ObjectMapper();

  private Render() {}

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  static <T> ArrayNode list(Collection<T> items, Function<T, ObjectNode> render) {
    ArrayNode out = JSON.createArrayNode();
    items.forEach(i -> out.add(render.apply(i)));
    return out;
  }

  static @Nullable String time(@Nullable Instant at) {
    return at == null ? null : at.toString();
  }

  static ObjectNode org(Organization o) {
    return object().put("id", o.id()).put("name", o.name()).put("created_at", time(o.createdAt()));
  }

  static ObjectNode person(Person p) {
    ObjectNode n = object().put("id", p.id()).put("org", p.orgId()).put("name", p.name());
    ArrayNode roles = n.putArray("roles");
    p.roles().stream().map(Role::wireName).sorted().forEach(roles::add);
    return n.put("created_at", time(p.createdAt()));
  }

  static ObjectNode token(AdminToken t) {
    return object()
        .put("id", t.id())
        .put("person", t.personId())
        .put("created_at", time(t.createdAt()))
        .put("expires_at", time(t.expiresAt()))
        .put("revoked_at", time(t.revokedAt()))
        .put("label", t.label());
  }

  static ObjectNode scope(Scope s) {
    ObjectNode n = object();
    s.models().forEach(n.putArray("models")::add);
    s.categories().forEach(n.putArray("categories")::add);
    return n;
  }

  static ObjectNode application(Application a, boolean expired) {
    ObjectNode n = object()
        .put("id", a.id())
        .put("org", a.orgId())
        .put("submitted_by", a.submittedBy())
        .put("use_case", a.useCase())
        .put("beneficial_use", a.beneficialUse())
        .put("target_tier", a.targetTier())
        .put("duration_s", a.duration().getSeconds())
        .put("status", a.status().wireName())
        .put("expired", expired)
        .put("submitted_at", time(a.submittedAt()))
        .put("decided_at", time(a.decidedAt()))
        .put("decision_reason", a.decisionReason());
    n.set("scope", scope(a.scope()));
    return n;
  }

  static ObjectNode assessment(Assessment a) {
    return object().put("rating", a.rating().wireName()).put("evidence", a.evidence());
  }

  static ObjectNode review(Review r) {
    ObjectNode n = object()
        .put("id", r.id())
        .put("application", r.applicationId())
        .put("reviewer", r.reviewerId())
        .put("acting_role", r.actingRole().wireName())
        .put("decision", r.decision().wireName())
        .put("justification", r.justification())
        .put("created_at", time(r.createdAt()));
    n.set("trustworthiness", assessment(r.trustworthiness()));
    n.set("beneficial_use", assessment(r.beneficialUse()));
    return n;
  }

  static ObjectNode tally(DiligenceRules.Tally t) {
    ObjectNode n = object()
        .put("approvals", t.approvals())
        .put("required", t.required())
        .put("denials", t.denials())
        .put("approved", t.approved())
        .put("missing", t.missing());
    ObjectNode byRole = n.putObject("approvals_by_role");
    t.approvalsByRole().forEach((role, count) -> byRole.put(role.wireName(), count));
    ObjectNode needed = n.putObject("required_by_role");
    t.requiredByRole().forEach((role, count) -> needed.put(role.wireName(), count));
    return n;
  }

  static ObjectNode grant(Grant g, Instant now) {
    ObjectNode n = object()
        .put("id", g.id())
        .put("org", g.orgId())
        .put("application", g.applicationId())
        .put("tier", g.tier())
        .put("starts_at", time(g.startsAt()))
        .put("expires_at", time(g.expiresAt()))
        .put("active", g.activeAt(now))
        .put("revoked_at", time(g.revokedAt()))
        .put("revoked_by", g.revokedBy())
        .put("revoke_reason", g.revokeReason());
    n.set("scope", scope(g.scope()));
    return n;
  }

  static ObjectNode stepDown(TierOverride o) {
    return object()
        .put("id", o.id())
        .put("org", o.orgId())
        .put("tier", o.tier())
        .put("reason", o.reason())
        .put("set_by", o.setBy())
        .put("set_at", time(o.setAt()))
        .put("cleared_at", time(o.clearedAt()))
        .put("cleared_by", o.clearedBy())
        .put("clear_reason", o.clearReason());
  }

  static ObjectNode policy(Policy p) {
    return object()
        .put("name", p.name())
        .put("version", p.version())
        .put("retention", p.retention().name().toLowerCase(java.util.Locale.ROOT))
        .put("requests_per_minute", p.limits().requestsPerMinute())
        .put("max_concurrent", p.limits().maxConcurrent());
  }
}

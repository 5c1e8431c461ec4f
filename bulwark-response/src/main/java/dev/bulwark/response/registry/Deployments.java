package dev.bulwark.response.registry;

import static java.util.Objects.requireNonNull;

import dev.bulwark.response.ResponseException;
import dev.bulwark.response.internal.Audit;
import dev.bulwark.response.internal.Jdbc;
import dev.bulwark.response.internal.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * The deployment history. Each change appends a row holding the complete desired state (stable
 * release, canary release and policies); running gateways apply the newest row ({@link
 * DeploymentWatcher}), so a change made by the CLI reaches every process without a restart. Each
 * change is audited before its row is written. Thread-safe; a change is one transaction that reads the
 * newest row and appends the next, so concurrent changes serialize.
 */
public final class Deployments {
  private final Jdbc db;
  private final Registry registry;
  private final Audit audit;

  public Deployments(Jdbc db, Registry registry, Audit audit) {
    this.db = requireNonNull(db, "db");
    this.registry = requireNonNull(registry, "registry");
    this.audit = requireNonNull(audit, "audit");
  }

  /** The newest state ({@link DeploymentState#INITIAL} before any deployment). */
  public DeploymentState current() {
    return db.queryOne("SELECT * FROM response_deployments ORDER BY seq DESC LIMIT 1", Deployments::state)
        .orElse(DeploymentState.INITIAL);
  }

  /** The newest row's seq (0 before any deployment): cheap enough to poll. */
  public long currentSeq() {
    return db.queryOne("SELECT MAX(seq) FROM response_deployments", rs -> rs.getLong(1)).orElse(0L);
  }

  /** The newest {@code limit} rows, newest first. */
  public List<DeploymentState> history(int limit) {
    return db.query("SELECT * FROM response_deployments ORDER BY seq DESC LIMIT " + Math.max(1, Math.min(limit, 10_000)),
        Deployments::state);
  }

  /** Makes {@code releaseId} ({@link Release#BASE} for the base) stable everywhere, ending any canary. */
  public DeploymentState deploy(String releaseId, String actor, String reason) {
    String id = resolve(releaseId);
    return append(DeploymentState.Kind.DEPLOY, actor, reason, cur -> new Next(id, null, Set.of(), cur.seq()));
  }

  /** Runs {@code releaseId} for {@code policies} only, the stable release everywhere else. */
  public DeploymentState canary(String releaseId, Set<String> policies, String actor, String reason) {
    String id = requireNonNull(resolve(releaseId), "the base cannot be a canary");
    if (policies.isEmpty()) {
      throw new ResponseException("a canary needs at least one policy");
    }
    return append(DeploymentState.Kind.CANARY, actor, reason, cur -> new Next(cur.releaseId(), id, policies, cur.seq()));
  }

  /** Makes the canary release stable everywhere. */
  public DeploymentState promote(String actor, String reason) {
    return append(DeploymentState.Kind.PROMOTE, actor, reason, cur -> {
      if (cur.canaryReleaseId() == null) {
        throw new ResponseException("there is no canary to promote");
      }
      return new Next(cur.canaryReleaseId(), null, Set.of(), cur.seq());
    });
  }

  /**
   * Restores the state before the newest change: the state of the row it was based on. Rolling back a
   * rollback goes one step further back.
   */
  public DeploymentState rollback(String actor, String reason) {
    return append(DeploymentState.Kind.ROLLBACK, actor, reason, cur -> {
      if (cur.seq() == 0 || cur.basedOn() < 0) {
        throw new ResponseException("nothing was deployed before the current state: there is nothing to roll back");
      }
      DeploymentState target = cur.basedOn() == 0 ? DeploymentState.INITIAL : row(cur.basedOn());
      // Restoring the initial state leaves nothing further back: -1 says so.
      return new Next(target.releaseId(), target.canaryReleaseId(), target.canaryPolicies(),
          target.seq() == 0 ? -1 : target.basedOn());
    });
  }

  private record Next(@Nullable String releaseId, @Nullable String canaryReleaseId, Set<String> canaryPolicies, long basedOn) {}

  @FunctionalInterface
  private interface Change {
    Next from(DeploymentState current);
  }

  private DeploymentState append(DeploymentState.Kind kind, String actor, String reason, Change change) {
    requireNonNull(actor, "actor");
    requireNonNull(reason, "reason");
    if (actor.isBlank() || reason.isBlank()) {
      throw new ResponseException("a deployment change needs an actor and a reason");
    }
    // Optimistic: decide and audit outside any transaction (on SQLite a transaction holds the write
    // lock the audit log's writer needs), then append only if no one else appended meanwhile.
    for (int attempt = 0; attempt < 5; attempt++) {
      Instant now = audit.clock().instant();
      DeploymentState cur = current();
      Next next = change.from(cur);
      long seq = cur.seq() + 1;
      String policies = next.canaryPolicies().isEmpty() ? null : String.join(",", new TreeSet<>(next.canaryPolicies()));
      audit.record("response.deployment." + kind.wireName(), Json.object().put("seq", seq)
          .put("release", next.releaseId() == null ? Release.BASE : next.releaseId())
          .put("previous_release", cur.stableName())
          .put("canary_release", next.canaryReleaseId()).put("canary_policies", policies)
          .put("based_on", next.basedOn()).put("actor", actor).put("reason", reason));
      boolean written = db.inTransaction("changing the deployment", tx -> {
        long head = tx.query("SELECT COALESCE(MAX(seq), 0) FROM response_deployments", rs -> rs.getLong(1)).get(0);
        if (head != cur.seq()) {
          return false;
        }
        tx.update("INSERT INTO response_deployments (seq, kind, release_id, canary_release_id, canary_policies, based_on,"
                + " deployed_at, actor, reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            seq, kind.wireName(), next.releaseId(), next.canaryReleaseId(), policies, next.basedOn(), Jdbc.micros(now),
            actor, reason);
        return true;
      });
      if (written) {
        return new DeploymentState(seq, kind, next.releaseId(), next.canaryReleaseId(), next.canaryPolicies(),
            next.basedOn(), now, actor, reason);
      }
    }
    throw new ResponseException("the deployment changed under five attempts in a row; try again");
  }

  private DeploymentState row(long seq) {
    return db.queryOne("SELECT * FROM response_deployments WHERE seq = ?", Deployments::state, seq)
        .orElseThrow(() -> new ResponseException("deployment row " + seq + " is missing"));
  }

  private @Nullable String resolve(String releaseId) {
    requireNonNull(releaseId, "releaseId");
    if (releaseId.equals(Release.BASE)) {
      return null;
    }
    Release r = registry.requireRelease(releaseId);
    if (r.status() == Release.Status.REFUSED) {
      throw new ResponseException("release " + releaseId + " was refused by the validation gate");
    }
    return r.id();
  }

  private static DeploymentState state(ResultSet rs) throws SQLException {
    String policies = rs.getString("canary_policies");
    return new DeploymentState(rs.getLong("seq"), DeploymentState.Kind.parse(rs.getString("kind")),
        rs.getString("release_id"), rs.getString("canary_release_id"),
        policies == null ? Set.of() : new TreeSet<>(Arrays.asList(policies.split(","))),
        rs.getLong("based_on"), Jdbc.instant(rs.getLong("deployed_at")), rs.getString("actor"), rs.getString("reason"));
  }
}

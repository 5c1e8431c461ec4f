package dev.bulwark.store.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.EventRecord;
import dev.bulwark.store.Organization;
import dev.bulwark.store.StoreException;
import dev.bulwark.store.TierRecord;
import dev.bulwark.store.diligence.AdminToken;
import dev.bulwark.store.diligence.Application;
import dev.bulwark.store.diligence.ApplicationStatus;
import dev.bulwark.store.diligence.Assessment;
import dev.bulwark.store.diligence.DiligenceStore;
import dev.bulwark.store.diligence.Grant;
import dev.bulwark.store.diligence.Person;
import dev.bulwark.store.diligence.Rating;
import dev.bulwark.store.diligence.Review;
import dev.bulwark.store.diligence.ReviewDecision;
import dev.bulwark.store.diligence.Role;
import dev.bulwark.store.diligence.Scope;
import dev.bulwark.store.diligence.TierOverride;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@link DiligenceStore} over JDBC. A write is one transaction on a pooled connection that takes the
 * chain's write lock first ({@link ChainAppender#begin}), exactly like {@link JdbcKeyStore}'s, and
 * bumps the shared {@code change_version} when it produced audit events.
 */
public final class JdbcDiligenceStore implements DiligenceStore {
  private static final String PERSON = "SELECT id, org_id, name, roles, created_at FROM people";
  private static final String TOKEN =
      "SELECT id, person_id, token_hash, created_at, expires_at, revoked_at, label FROM admin_tokens";
  private static final String APPLICATION =
      "SELECT id, org_id, submitted_by, use_case, beneficial_use, target_tier, models, categories,"
          + " duration_s, status, submitted_at, decided_at, decision_reason FROM partner_applications";
  private static final String REVIEW =
      "SELECT id, application_id, reviewer_id, acting_role, trust_rating, trust_evidence,"
          + " benefit_rating, benefit_evidence, decision, justification, created_at"
          + " FROM diligence_reviews";
  private static final String GRANT =
      "SELECT id, org_id, application_id, tier, models, categories, starts_at, expires_at,"
          + " revoked_at, revoked_by, revoke_reason FROM tier_grants";
  private static final String OVERRIDE =
      "SELECT id, org_id, tier, reason, set_by, set_at, cleared_at, cleared_by, clear_reason"
          + " FROM tier_overrides";

  private final DataSource pool;
  private final ChainAppender chain;

  public JdbcDiligenceStore(DataSource pool, ChainAppender chain) {
    this.pool = requireNonNull(pool, "pool");
    this.chain = requireNonNull(chain, "chain");
  }

  @Override
  public <T> T write(String what, Work<T> work) {
    requireNonNull(what, "what");
    requireNonNull(work, "work");
    try (Connection c = pool.getConnection()) {
      ChainHead head = chain.begin(c);
      JdbcTx tx = new JdbcTx(c, what);
      try {
        T result = work.apply(tx);
        tx.closed = true;
        if (!tx.audit.isEmpty()) {
          try (PreparedStatement ps = c.prepareStatement(
              "UPDATE store_meta SET value = value + 1 WHERE key = 'change_version'")) {
            ps.executeUpdate();
          }
          chain.append(c, head, tx.audit);
        }
        chain.commit(c);
        return result;
      } catch (Throwable t) {
        tx.closed = true;
        chain.rollback(c, t);
        throw t;
      }
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    }
  }

  @Override
  public Optional<Person> person(String id) {
    requireNonNull(id, "id");
    return read("reading person " + id, c -> first(c, PERSON + " WHERE id = ?", JdbcDiligenceStore::person, id));
  }

  @Override
  public List<Person> people(@Nullable String orgId) {
    return read("reading people", c -> orgId == null
        ? list(c, PERSON + " ORDER BY id", JdbcDiligenceStore::person)
        : list(c, PERSON + " WHERE org_id = ? ORDER BY id", JdbcDiligenceStore::person, orgId));
  }

  @Override
  public Optional<AdminToken> adminToken(String id) {
    requireNonNull(id, "id");
    return read("reading admin token " + id, c -> first(c, TOKEN + " WHERE id = ?", JdbcDiligenceStore::token, id));
  }

  @Override
  public List<AdminToken> adminTokens(String personId) {
    requireNonNull(personId, "personId");
    return read("reading admin tokens", c ->
        list(c, TOKEN + " WHERE person_id = ? ORDER BY id", JdbcDiligenceStore::token, personId));
  }

  @Override
  public Optional<Application> application(String id) {
    requireNonNull(id, "id");
    return read("reading application " + id, c -> first(c, APPLICATION + " WHERE id = ?", JdbcDiligenceStore::application, id));
  }

  @Override
  public List<Application> applications(@Nullable String orgId) {
    return read("reading applications", c -> orgId == null
        ? list(c, APPLICATION + " ORDER BY submitted_at DESC, id DESC", JdbcDiligenceStore::application)
        : list(c, APPLICATION + " WHERE org_id = ? ORDER BY submitted_at DESC, id DESC",
            JdbcDiligenceStore::application, orgId));
  }

  @Override
  public List<Review> reviews(String applicationId) {
    requireNonNull(applicationId, "applicationId");
    return read("reading reviews", c -> selectReviews(c, applicationId));
  }

  @Override
  public Optional<Grant> grant(String id) {
    requireNonNull(id, "id");
    return read("reading grant " + id, c -> first(c, GRANT + " WHERE id = ?", JdbcDiligenceStore::grant, id));
  }

  @Override
  public List<Grant> grants(@Nullable String orgId) {
    return read("reading grants", c -> orgId == null
        ? list(c, GRANT + " ORDER BY starts_at DESC, id DESC", JdbcDiligenceStore::grant)
        : selectGrants(c, orgId));
  }

  @Override
  public List<Grant> unexpiredGrants(Instant at) {
    long micros = Micros.of(Micros.truncate("at", requireNonNull(at, "at")));
    return read("reading unexpired grants", c -> list(c,
        GRANT + " WHERE revoked_at IS NULL AND expires_at > ? ORDER BY starts_at DESC, id DESC",
        JdbcDiligenceStore::grant, micros));
  }

  @Override
  public List<TierOverride> overrides(@Nullable String orgId) {
    return read("reading step-downs", c -> orgId == null
        ? list(c, OVERRIDE + " ORDER BY set_at DESC, id DESC", JdbcDiligenceStore::override)
        : list(c, OVERRIDE + " WHERE org_id = ? ORDER BY set_at DESC, id DESC",
            JdbcDiligenceStore::override, orgId));
  }

  @Override
  public List<TierOverride> openOverrides() {
    return read("reading step-downs", c -> list(c,
        OVERRIDE + " WHERE cleared_at IS NULL ORDER BY set_at DESC, id DESC", JdbcDiligenceStore::override));
  }

  /** One write transaction's view; checks it is used only while the transaction is open. */
  private static final class JdbcTx implements Tx {
    private final Connection c;
    private final String what;
    final List<EventRecord> audit = new ArrayList<>(2);
    boolean closed;

    JdbcTx(Connection c, String what) {
      this.c = c;
      this.what = what;
    }

    @Override
    public Optional<Organization> organization(String id) {
      return run(() -> first(c, "SELECT id, name, created_at FROM organizations WHERE id = ?",
          rs -> new Organization(rs.getString(1), rs.getString(2), Micros.toInstant(rs.getLong(3))), id));
    }

    @Override
    public Optional<TierRecord> tier(String name) {
      return run(() -> first(c, "SELECT name, policy, created_at, updated_at FROM tiers WHERE name = ?",
          rs -> new TierRecord(rs.getString(1), rs.getString(2), Micros.toInstant(rs.getLong(3)),
              Micros.toInstant(rs.getLong(4))), name));
    }

    @Override
    public Optional<Person> person(String id) {
      return run(() -> first(c, PERSON + " WHERE id = ?", JdbcDiligenceStore::person, id));
    }

    @Override
    public Optional<AdminToken> adminToken(String id) {
      return run(() -> first(c, TOKEN + " WHERE id = ?", JdbcDiligenceStore::token, id));
    }

    @Override
    public Optional<Application> application(String id) {
      return run(() -> first(c, APPLICATION + " WHERE id = ?", JdbcDiligenceStore::application, id));
    }

    @Override
    public List<Review> reviews(String applicationId) {
      return run(() -> selectReviews(c, applicationId));
    }

    @Override
    public List<Grant> grants(String orgId) {
      return run(() -> selectGrants(c, orgId));
    }

    @Override
    public Optional<Grant> grant(String id) {
      return run(() -> first(c, GRANT + " WHERE id = ?", JdbcDiligenceStore::grant, id));
    }

    @Override
    public Optional<TierOverride> openOverride(String orgId) {
      return run(() -> first(c, OVERRIDE + " WHERE org_id = ? AND cleared_at IS NULL ORDER BY set_at DESC, id DESC",
          JdbcDiligenceStore::override, orgId));
    }

    @Override
    public void insert(Person p) {
      update("INSERT INTO people (id, org_id, name, roles, created_at) VALUES (?, ?, ?, ?, ?)",
          p.id(), p.orgId(), p.name(), roles(p.roles()), Micros.of(p.createdAt()));
    }

    @Override
    public void insert(AdminToken t) {
      update("INSERT INTO admin_tokens (id, person_id, token_hash, created_at, expires_at, revoked_at,"
              + " label) VALUES (?, ?, ?, ?, ?, ?, ?)",
          t.id(), t.personId(), t.tokenHash(), Micros.of(t.createdAt()), micros(t.expiresAt()),
          micros(t.revokedAt()), t.label());
    }

    @Override
    public void insert(Application a) {
      update("INSERT INTO partner_applications (id, org_id, submitted_by, use_case, beneficial_use,"
              + " target_tier, models, categories, duration_s, status, submitted_at, decided_at,"
              + " decision_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          a.id(), a.orgId(), a.submittedBy(), a.useCase(), a.beneficialUse(), a.targetTier(),
          String.join(",", a.scope().models()), String.join(",", a.scope().categories()),
          a.duration().getSeconds(), a.status().wireName(), Micros.of(a.submittedAt()),
          micros(a.decidedAt()), a.decisionReason());
    }

    @Override
    public void insert(Review r) {
      update("INSERT INTO diligence_reviews (id, application_id, reviewer_id, acting_role,"
              + " trust_rating, trust_evidence, benefit_rating, benefit_evidence, decision,"
              + " justification, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          r.id(), r.applicationId(), r.reviewerId(), r.actingRole().wireName(),
          r.trustworthiness().rating().wireName(), r.trustworthiness().evidence(),
          r.beneficialUse().rating().wireName(), r.beneficialUse().evidence(),
          r.decision().wireName(), r.justification(), Micros.of(r.createdAt()));
    }

    @Override
    public void insert(Grant g) {
      update("INSERT INTO tier_grants (id, org_id, application_id, tier, models, categories,"
              + " starts_at, expires_at, revoked_at, revoked_by, revoke_reason)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          g.id(), g.orgId(), g.applicationId(), g.tier(), String.join(",", g.scope().models()),
          String.join(",", g.scope().categories()), Micros.of(g.startsAt()), Micros.of(g.expiresAt()),
          micros(g.revokedAt()), g.revokedBy(), g.revokeReason());
    }

    @Override
    public void insert(TierOverride o) {
      update("INSERT INTO tier_overrides (id, org_id, tier, reason, set_by, set_at, cleared_at,"
              + " cleared_by, clear_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          o.id(), o.orgId(), o.tier(), o.reason(), o.setBy(), Micros.of(o.setAt()),
          micros(o.clearedAt()), o.clearedBy(), o.clearReason());
    }

    @Override
    public void updateDecision(Application a) {
      one(update("UPDATE partner_applications SET status = ?, decided_at = ?, decision_reason = ?"
              + " WHERE id = ?",
          a.status().wireName(), micros(a.decidedAt()), a.decisionReason(), a.id()), "application " + a.id());
    }

    @Override
    public void updateRevocation(Grant g) {
      one(update("UPDATE tier_grants SET revoked_at = ?, revoked_by = ?, revoke_reason = ? WHERE id = ?",
          micros(g.revokedAt()), g.revokedBy(), g.revokeReason(), g.id()), "grant " + g.id());
    }

    @Override
    public void updateRevocation(AdminToken t) {
      one(update("UPDATE admin_tokens SET revoked_at = ? WHERE id = ?", micros(t.revokedAt()), t.id()),
          "admin token " + t.id());
    }

    @Override
    public void updateClearing(TierOverride o) {
      one(update("UPDATE tier_overrides SET cleared_at = ?, cleared_by = ?, clear_reason = ? WHERE id = ?",
          micros(o.clearedAt()), o.clearedBy(), o.clearReason(), o.id()), "step-down " + o.id());
    }

    @Override
    public void audit(EventRecord event) {
      check();
      audit.add(requireNonNull(event, "event"));
    }

    private int update(String sql, @Nullable Object... args) {
      return run(() -> {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          bind(ps, args);
          return ps.executeUpdate();
        }
      });
    }

    private void one(int rows, String row) {
      if (rows != 1) {
        throw new StoreException(what + " failed: " + row + " does not exist");
      }
    }

    private <T> T run(SqlCall<T> q) {
      check();
      try {
        return q.call();
      } catch (SQLException e) {
        throw new StoreException(what + " failed: " + e.getMessage(), e);
      }
    }

    private void check() {
      if (closed) {
        throw new IllegalStateException("the transaction this view belonged to has ended");
      }
    }

    @FunctionalInterface
    private interface SqlCall<T> {
      T call() throws SQLException;
    }
  }

  @FunctionalInterface
  private interface Read<T> {
    T run(Connection c) throws SQLException;
  }

  @FunctionalInterface
  private interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private <T> T read(String what, Read<T> query) {
    try (Connection c = pool.getConnection()) {
      return query.run(c);
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    }
  }

  private static List<Review> selectReviews(Connection c, String applicationId) throws SQLException {
    return list(c, REVIEW + " WHERE application_id = ? ORDER BY created_at, id", JdbcDiligenceStore::review,
        applicationId);
  }

  private static List<Grant> selectGrants(Connection c, String orgId) throws SQLException {
    return list(c, GRANT + " WHERE org_id = ? ORDER BY starts_at DESC, id DESC", JdbcDiligenceStore::grant,
        orgId);
  }

  private static <T> Optional<T> first(Connection c, String sql, Row<T> row, @Nullable Object... args)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(row.map(rs)) : Optional.empty();
      }
    }
  }

  private static <T> List<T> list(Connection c, String sql, Row<T> row, @Nullable Object... args)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bind(ps, args);
      List<T> out = new ArrayList<>();
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(row.map(rs));
        }
      }
      return out;
    }
  }

  private static void bind(PreparedStatement ps, @Nullable Object... args) throws SQLException {
    for (int i = 0; i < args.length; i++) {
      Object a = args[i];
      if (a == null) {
        // Untyped: PostgreSQL takes the type from the column the parameter is assigned to, and
        // SQLite has no column types to match.
        ps.setNull(i + 1, Types.NULL);
      } else if (a instanceof Long l) {
        ps.setLong(i + 1, l);
      } else if (a instanceof String s) {
        ps.setString(i + 1, s);
      } else {
        throw new IllegalArgumentException("unsupported parameter type " + a.getClass());
      }
    }
  }

  private static @Nullable Long micros(@Nullable Instant at) {
    return at == null ? null : Micros.of(at);
  }

  private static @Nullable Instant optionalMicros(ResultSet rs, int column) throws SQLException {
    long micros = rs.getLong(column);
    return rs.wasNull() ? null : Micros.toInstant(micros);
  }

  private static String roles(Set<Role> roles) {
    Set<String> names = new TreeSet<>();
    roles.forEach(r -> names.add(r.wireName()));
    return String.join(",", names);
  }

  private static Person person(ResultSet rs) throws SQLException {
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String r : rs.getString(4).split(",")) {
      roles.add(Role.require("person.roles", r));
    }
    return new Person(rs.getString(1), rs.getString(2), rs.getString(3), roles,
        Micros.toInstant(rs.getLong(5)));
  }

  private static AdminToken token(ResultSet rs) throws SQLException {
    return new AdminToken(rs.getString(1), rs.getString(2), rs.getString(3),
        Micros.toInstant(rs.getLong(4)), optionalMicros(rs, 5), optionalMicros(rs, 6), rs.getString(7));
  }

  private static Scope scope(String models, String categories) {
    return Scope.of(List.of(models.split(",")), List.of(categories.split(",")));
  }

  private static Application application(ResultSet rs) throws SQLException {
    return new Application(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), rs.getString(6), scope(rs.getString(7), rs.getString(8)),
        Duration.ofSeconds(rs.getLong(9)), ApplicationStatus.require("application.status", rs.getString(10)),
        Micros.toInstant(rs.getLong(11)), optionalMicros(rs, 12), rs.getString(13));
  }

  private static Review review(ResultSet rs) throws SQLException {
    return new Review(rs.getString(1), rs.getString(2), rs.getString(3),
        Role.require("review.acting_role", rs.getString(4)),
        new Assessment(Rating.require("review.trust_rating", rs.getString(5)), rs.getString(6)),
        new Assessment(Rating.require("review.benefit_rating", rs.getString(7)), rs.getString(8)),
        ReviewDecision.require("review.decision", rs.getString(9)), rs.getString(10),
        Micros.toInstant(rs.getLong(11)));
  }

  private static Grant grant(ResultSet rs) throws SQLException {
    return new Grant(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        scope(rs.getString(5), rs.getString(6)), Micros.toInstant(rs.getLong(7)),
        Micros.toInstant(rs.getLong(8)), optionalMicros(rs, 9), rs.getString(10), rs.getString(11));
  }

  private static TierOverride override(ResultSet rs) throws SQLException {
    return new TierOverride(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        rs.getString(5), Micros.toInstant(rs.getLong(6)), optionalMicros(rs, 7), rs.getString(8),
        rs.getString(9));
  }
}

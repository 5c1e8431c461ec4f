package dev.bulwark.store.internal;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.store.ApiKeyRecord;
import dev.bulwark.store.EventRecord;
import dev.bulwark.store.KeyStore;
import dev.bulwark.store.Organization;
import dev.bulwark.store.StoreException;
import dev.bulwark.store.TierRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.jspecify.annotations.Nullable;

/**
 * {@link KeyStore} over JDBC. Each write is one transaction on a pooled connection that takes the
 * chain's write lock first ({@link ChainAppender#begin}), so admin writes from this process, the
 * event writer and another process serialize, and the audit event and the change land together.
 */
public final class JdbcKeyStore implements KeyStore {
  private static final String KEY_COLUMNS =
      "id, org_id, tier, secret_hash, created_at, expires_at, revoked_at, label";

  private final DataSource pool;
  private final ChainAppender chain;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  public JdbcKeyStore(DataSource pool, ChainAppender chain, Clock clock) {
    this.pool = requireNonNull(pool, "pool");
    this.chain = requireNonNull(chain, "chain");
    this.clock = requireNonNull(clock, "clock");
  }

  @Override
  public Organization ensureOrganization(String id, String name, String actor) {
    Instant now = clock.instant();
    Organization candidate = new Organization(id, name, now);
    checkActor(actor);
    return write("creating organization " + id, (c, audit) -> {
      Optional<Organization> existing = selectOrganization(c, id);
      if (existing.isPresent()) {
        return existing.get();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)")) {
        ps.setString(1, candidate.id());
        ps.setString(2, candidate.name());
        ps.setLong(3, Micros.of(candidate.createdAt()));
        ps.executeUpdate();
      }
      ObjectNode body = json.createObjectNode()
          .put("org", candidate.id())
          .put("name", candidate.name())
          .put("actor", actor);
      audit.accept(event("org.created", null, candidate.id(), now, body));
      return candidate;
    });
  }

  @Override
  public Optional<Organization> organization(String id) {
    requireNonNull(id, "id");
    return read("reading organization " + id, c -> selectOrganization(c, id));
  }

  @Override
  public List<Organization> organizations() {
    return read("reading organizations", c -> {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT id, name, created_at FROM organizations ORDER BY id")) {
        return list(ps, JdbcKeyStore::organization);
      }
    });
  }

  @Override
  public TierRecord upsertTier(String name, String policy, String actor) {
    Instant now = clock.instant();
    TierRecord candidate = new TierRecord(name, policy, now, now);
    checkActor(actor);
    return write("saving tier " + name, (c, audit) -> {
      Optional<TierRecord> existing = selectTier(c, name);
      TierRecord saved;
      if (existing.isEmpty()) {
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO tiers (name, policy, created_at, updated_at) VALUES (?, ?, ?, ?)")) {
          ps.setString(1, name);
          ps.setString(2, policy);
          ps.setLong(3, Micros.of(candidate.createdAt()));
          ps.setLong(4, Micros.of(candidate.updatedAt()));
          ps.executeUpdate();
        }
        saved = candidate;
      } else if (existing.get().policy().equals(policy)) {
        return existing.get();
      } else {
        try (PreparedStatement ps = c.prepareStatement(
            "UPDATE tiers SET policy = ?, updated_at = ? WHERE name = ?")) {
          ps.setString(1, policy);
          ps.setLong(2, Micros.of(now));
          ps.setString(3, name);
          ps.executeUpdate();
        }
        saved = new TierRecord(name, policy, existing.get().createdAt(), now);
      }
      // The policy is configuration, not a secret; keeping it makes the log a full history.
      ObjectNode body = json.createObjectNode()
          .put("tier", name)
          .put("created", existing.isEmpty())
          .put("policy", policy)
          .put("actor", actor);
      audit.accept(event("tier.upserted", null, null, now, body));
      return saved;
    });
  }

  @Override
  public Optional<TierRecord> tier(String name) {
    requireNonNull(name, "name");
    return read("reading tier " + name, c -> selectTier(c, name));
  }

  @Override
  public List<TierRecord> tiers() {
    return read("reading tiers", c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT name, policy, created_at, updated_at FROM tiers ORDER BY name")) {
        return list(ps, JdbcKeyStore::tier);
      }
    });
  }

  @Override
  public void insertKey(ApiKeyRecord key, String actor) {
    requireNonNull(key, "key");
    checkActor(actor);
    Instant now = clock.instant();
    write("creating key " + key.id(), (c, audit) -> {
      // Checked here rather than left to the constraints, for messages that name the field.
      if (selectKey(c, key.id()).isPresent()) {
        throw new IllegalArgumentException(
            "apiKey.id: a key with id '" + key.id() + "' already exists");
      }
      if (selectOrganization(c, key.orgId()).isEmpty()) {
        throw new IllegalArgumentException(
            "apiKey.orgId: no organization '" + key.orgId() + "'");
      }
      if (selectTier(c, key.tier()).isEmpty()) {
        throw new IllegalArgumentException("apiKey.tier: no tier '" + key.tier() + "'");
      }
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO api_keys (" + KEY_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, key.id());
        ps.setString(2, key.orgId());
        ps.setString(3, key.tier());
        ps.setString(4, key.secretHash());
        ps.setLong(5, Micros.of(key.createdAt()));
        setMicros(ps, 6, key.expiresAt());
        setMicros(ps, 7, key.revokedAt());
        if (key.label() == null) {
          ps.setNull(8, Types.VARCHAR);
        } else {
          ps.setString(8, key.label());
        }
        ps.executeUpdate();
      }
      // Never the secret hash: the log is read by more people than the key table.
      ObjectNode body = json.createObjectNode()
          .put("key", key.id())
          .put("org", key.orgId())
          .put("tier", key.tier())
          .put("expires_at", key.expiresAt() == null ? null : key.expiresAt().toString())
          .put("label", key.label())
          .put("actor", actor);
      audit.accept(event("key.created", key.id(), key.orgId(), now, body));
      return key;
    });
  }

  @Override
  public Optional<ApiKeyRecord> key(String id) {
    requireNonNull(id, "id");
    return read("reading key " + id, c -> selectKey(c, id));
  }

  @Override
  public List<ApiKeyRecord> keys(@Nullable String orgId) {
    return read("reading keys", c -> {
      String sql = "SELECT " + KEY_COLUMNS + " FROM api_keys"
          + (orgId == null ? "" : " WHERE org_id = ?") + " ORDER BY id";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        if (orgId != null) {
          ps.setString(1, orgId);
        }
        return list(ps, JdbcKeyStore::key);
      }
    });
  }

  @Override
  public boolean revoke(String id, Instant at, String actor) {
    requireNonNull(id, "id");
    Instant revokedAt = Micros.truncate("revokedAt", requireNonNull(at, "at"));
    checkActor(actor);
    Instant now = clock.instant();
    Boolean revoked = write("revoking key " + id, (c, audit) -> {
      Optional<ApiKeyRecord> existing = selectKey(c, id);
      if (existing.isEmpty() || existing.get().revoked()) {
        return false;
      }
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE api_keys SET revoked_at = ? WHERE id = ?")) {
        ps.setLong(1, Micros.of(revokedAt));
        ps.setString(2, id);
        ps.executeUpdate();
      }
      ObjectNode body = json.createObjectNode()
          .put("key", id)
          .put("org", existing.get().orgId())
          .put("revoked_at", revokedAt.toString())
          .put("actor", actor);
      audit.accept(event("key.revoked", id, existing.get().orgId(), now, body));
      return true;
    });
    return Boolean.TRUE.equals(revoked);
  }

  @Override
  public long changeVersion() {
    return read("reading the change version", c -> {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT value FROM store_meta WHERE key = 'change_version'");
          ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new SQLException("store_meta has no change_version: the schema was damaged");
        }
        return rs.getLong(1);
      }
    });
  }

  /** A change and its audit events. */
  @FunctionalInterface
  private interface Change<T> {
    /** Makes the change on {@code c}; passes each audit event to {@code audit}. */
    T apply(Connection c, Consumer<EventRecord> audit) throws SQLException;
  }

  @FunctionalInterface
  private interface Query<T> {
    T run(Connection c) throws SQLException;
  }

  /**
   * Runs {@code change} in one write transaction. If it produced audit events, they are appended
   * to the chain and the change version increases, in the same transaction; a change that changed
   * nothing produces none.
   */
  private <T> T write(String what, Change<T> change) {
    try (Connection c = pool.getConnection()) {
      ChainHead head = chain.begin(c);
      try {
        List<EventRecord> audit = new ArrayList<>(1);
        T result = change.apply(c, audit::add);
        if (!audit.isEmpty()) {
          try (PreparedStatement ps = c.prepareStatement(
              "UPDATE store_meta SET value = value + 1 WHERE key = 'change_version'")) {
            ps.executeUpdate();
          }
          chain.append(c, head, audit);
        }
        chain.commit(c);
        return result;
      } catch (Throwable t) {
        chain.rollback(c, t);
        throw t;
      }
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    }
  }

  private <T> T read(String what, Query<T> query) {
    try (Connection c = pool.getConnection()) {
      return query.run(c);
    } catch (SQLException e) {
      throw new StoreException(what + " failed: " + e.getMessage(), e);
    }
  }

  private EventRecord event(
      String type, @Nullable String keyId, @Nullable String orgId, Instant at, ObjectNode body) {
    try {
      return new EventRecord(type, null, keyId, orgId, at, json.writeValueAsString(body), false);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write an audit event body", e);
    }
  }

  private static void checkActor(String actor) {
    requireNonNull(actor, "actor");
    Checks.text("actor", actor, 200);
  }

  private static Optional<Organization> selectOrganization(Connection c, String id)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT id, name, created_at FROM organizations WHERE id = ?")) {
      ps.setString(1, id);
      return first(ps, JdbcKeyStore::organization);
    }
  }

  private static Optional<TierRecord> selectTier(Connection c, String name) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT name, policy, created_at, updated_at FROM tiers WHERE name = ?")) {
      ps.setString(1, name);
      return first(ps, JdbcKeyStore::tier);
    }
  }

  private static Optional<ApiKeyRecord> selectKey(Connection c, String id) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT " + KEY_COLUMNS + " FROM api_keys WHERE id = ?")) {
      ps.setString(1, id);
      return first(ps, JdbcKeyStore::key);
    }
  }

  @FunctionalInterface
  private interface Row<T> {
    T map(ResultSet rs) throws SQLException;
  }

  private static <T> Optional<T> first(PreparedStatement ps, Row<T> row) throws SQLException {
    try (ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Optional.of(row.map(rs)) : Optional.empty();
    }
  }

  private static <T> List<T> list(PreparedStatement ps, Row<T> row) throws SQLException {
    List<T> out = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        out.add(row.map(rs));
      }
    }
    return out;
  }

  private static Organization organization(ResultSet rs) throws SQLException {
    return new Organization(rs.getString(1), rs.getString(2), Micros.toInstant(rs.getLong(3)));
  }

  private static TierRecord tier(ResultSet rs) throws SQLException {
    return new TierRecord(rs.getString(1), rs.getString(2),
        Micros.toInstant(rs.getLong(3)), Micros.toInstant(rs.getLong(4)));
  }

  private static ApiKeyRecord key(ResultSet rs) throws SQLException {
    return new ApiKeyRecord(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
        Micros.toInstant(rs.getLong(5)), optionalMicros(rs, 6), optionalMicros(rs, 7),
        rs.getString(8));
  }

  private static @Nullable Instant optionalMicros(ResultSet rs, int column) throws SQLException {
    long micros = rs.getLong(column);
    return rs.wasNull() ? null : Micros.toInstant(micros);
  }

  private static void setMicros(PreparedStatement ps, int index, @Nullable Instant at)
      throws SQLException {
    if (at == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, Micros.of(at));
    }
  }
}

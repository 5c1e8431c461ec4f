package dev.bulwark.store.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.AuditedWrites;
import dev.bulwark.store.EventRecord;
import dev.bulwark.store.StoreException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * {@link AuditedWrites} over JDBC: the same transaction shape as {@link JdbcDiligenceStore#write}
 * (the chain's write lock first, audit events appended last), with the connection handed to the
 * caller.
 */
public final class JdbcAuditedWrites implements AuditedWrites {
  private final DataSource pool;
  private final ChainAppender chain;

  public JdbcAuditedWrites(DataSource pool, ChainAppender chain) {
    this.pool = requireNonNull(pool, "pool");
    this.chain = requireNonNull(chain, "chain");
  }

  @Override
  public <T> T write(String what, Work<T> work) {
    requireNonNull(what, "what");
    requireNonNull(work, "work");
    try (Connection c = pool.getConnection()) {
      ChainHead head = chain.begin(c);
      TxImpl tx = new TxImpl(c);
      try {
        T result = work.apply(tx);
        tx.closed = true;
        if (tx.changed) {
          try (PreparedStatement ps = c.prepareStatement(
              "UPDATE store_meta SET value = value + 1 WHERE key = 'change_version'")) {
            ps.executeUpdate();
          }
        }
        chain.append(c, head, tx.audit);
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

  private static final class TxImpl implements Tx {
    private final Connection c;
    final List<EventRecord> audit = new ArrayList<>(2);
    boolean changed;
    boolean closed;

    TxImpl(Connection c) {
      this.c = c;
    }

    @Override
    public Connection connection() {
      check();
      return c;
    }

    @Override
    public void audit(EventRecord event) {
      check();
      audit.add(requireNonNull(event, "event"));
    }

    @Override
    public void changedAccess() {
      check();
      changed = true;
    }

    private void check() {
      if (closed) {
        throw new IllegalStateException("the transaction has ended");
      }
    }
  }
}

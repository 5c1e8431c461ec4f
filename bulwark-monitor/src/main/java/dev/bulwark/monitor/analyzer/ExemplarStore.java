package dev.bulwark.monitor.analyzer;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import dev.bulwark.classify.data.CategoryPolicy;
import dev.bulwark.classify.data.Constitution;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.Window;
import dev.bulwark.store.Store;
import dev.bulwark.store.StoreException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Exemplars kept in the store ({@code monitor_exemplars}), and the index built from them. The index
 * also holds the constitution's disallowed example requests, so similarity search works before anyone
 * has added an exemplar. Rapid response adds confirmed jailbreaks with {@link #add}, which stores the
 * exemplar and puts it in the live index at once.
 */
public final class ExemplarStore {
  private final Store store;
  private final Clock clock;

  public ExemplarStore(Store store, Clock clock) {
    this.store = requireNonNull(store, "store");
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * An index of the stored exemplars (re-embedded when they were stored by another encoder) and, when
   * {@code constitution} is given, of its disallowed example requests.
   */
  public InMemoryExemplarIndex load(Encoder encoder, Constitution constitution) {
    requireNonNull(encoder, "encoder");
    InMemoryExemplarIndex index = new InMemoryExemplarIndex(encoder.id(), Encoder.DIMENSIONS);
    for (CategoryPolicy policy : constitution.categories()) {
      int i = 0;
      for (String example : policy.disallowedExamples()) {
        Category c = policy.category();
        String kind = c == Category.JAILBREAK ? "jailbreak" : "harmful";
        index.add(new Exemplar("constitution:" + c.id() + ":" + i++, kind, c.id(), null, example,
            "constitution " + constitution.version()), embed(encoder, example));
      }
    }
    try (Connection c = store.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement(
            "SELECT id, kind, category, family, content, encoder, embedding, source FROM monitor_exemplars ORDER BY added_at, id");
        ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        Exemplar e = new Exemplar(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
            rs.getString(5), rs.getString(8));
        float[] v = encoder.id().equals(rs.getString(6)) ? decode(rs.getString(7)) : embed(encoder, e.text());
        index.add(e, v);
      }
    } catch (SQLException ex) {
      throw new StoreException("reading exemplars failed: " + ex.getMessage(), ex);
    }
    return index;
  }

  /** Stores {@code exemplar} (replacing one with its id) and adds it to {@code index}. */
  public void add(ExemplarIndex index, Encoder encoder, Exemplar exemplar) {
    requireNonNull(index, "index");
    requireNonNull(exemplar, "exemplar");
    if (!index.encoderId().equals(encoder.id())) {
      throw new IllegalArgumentException("the index holds " + index.encoderId() + " vectors, not " + encoder.id());
    }
    float[] v = embed(encoder, exemplar.text());
    try (Connection c = store.dataSource().getConnection()) {
      try (PreparedStatement del = c.prepareStatement("DELETE FROM monitor_exemplars WHERE id = ?")) {
        del.setString(1, exemplar.id());
        del.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO monitor_exemplars (id, kind, category, family,"
          + " content, encoder, embedding, source, added_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, exemplar.id());
        ps.setString(2, exemplar.kind());
        ps.setString(3, exemplar.category());
        if (exemplar.family() == null) {
          ps.setNull(4, Types.VARCHAR);
        } else {
          ps.setString(4, exemplar.family());
        }
        ps.setString(5, exemplar.text());
        ps.setString(6, encoder.id());
        ps.setString(7, encode(v));
        ps.setString(8, exemplar.source());
        java.time.Instant now = clock.instant();
        ps.setLong(9, now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000L);
        ps.executeUpdate();
      }
    } catch (SQLException ex) {
      throw new StoreException("storing exemplar " + exemplar.id() + " failed: " + ex.getMessage(), ex);
    }
    index.add(exemplar, v);
  }

  /** The embedding of a text of any length: its windows' embeddings averaged (at most 8), normalized. */
  public static float[] embed(Encoder encoder, String text) {
    List<Window> windows = encoder.windows(text);
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("nothing to embed: the text has no word pieces");
    }
    if (windows.size() == 1) {
      return encoder.embed(windows.get(0).text());
    }
    float[] sum = new float[Encoder.DIMENSIONS];
    List<Window> used = new ArrayList<>(windows.subList(0, Math.min(8, windows.size())));
    for (Window w : used) {
      float[] v = encoder.embed(w.text());
      for (int i = 0; i < sum.length; i++) {
        sum[i] += v[i];
      }
    }
    double norm = 0;
    for (float f : sum) {
      norm += f * f;
    }
    norm = Math.sqrt(norm);
    for (int i = 0; i < sum.length; i++) {
      sum[i] = (float) (sum[i] / norm);
    }
    return sum;
  }

  static String encode(float[] v) {
    ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return Base64.getEncoder().encodeToString(b.array());
  }

  static float[] decode(String s) {
    ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(s)).order(ByteOrder.LITTLE_ENDIAN);
    float[] v = new float[b.remaining() / 4];
    for (int i = 0; i < v.length; i++) {
      v[i] = b.getFloat();
    }
    return v;
  }
}

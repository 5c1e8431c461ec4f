package dev.bulwark.response.review;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bulwark.classify.Category;
import dev.bulwark.core.pipeline.Turn;
import dev.bulwark.response.Exchange;
import dev.bulwark.response.ResponseException;
import dev.bulwark.response.ResponseStore;
import dev.bulwark.response.internal.Audit;
import dev.bulwark.response.internal.Jdbc;
import dev.bulwark.response.internal.Json;
import java.io.IOException;
import java.io.Writer;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The review queue's workflow over the {@code review_queue} table (the monitor enqueues there too).
 *
 * <ul>
 *   <li>Items carry a priority; each priority has an SLA, and an item still open when its SLA runs
 *       out is escalated to a senior reviewer (round robin over the configured seniors) by {@link
 *       #escalateOverdue()}, which a timer on the injected scheduler runs and which reads the injected
 *       clock, so tests drive it exactly.
 *   <li>Reviewers claim or are assigned items, and close them with a label: {@code harmful}, {@code
 *       jailbreak} or {@code benign}, with a category. A harmful or jailbreak label on an item of a
 *       family adds its exchange to that family's regression corpus; a benign label adds it to the
 *       benign regression set; every label is exported as training data by {@link #exportLabels}.
 *   <li>What reviewers see ({@link #view}) and what is exported is redacted ({@link Redactor}); the
 *       stored exchange is not, so that a later fix of the redactor applies to old items too.
 * </ul>
 *
 * <p>Every change is audited before it is written. Thread-safe; changes are single conditional
 * updates, so two reviewers cannot both claim an item.
 */
public final class ReviewQueue {
  public static final String OPEN = "open";
  public static final String DONE = "done";
  public static final String CANCELLED = "cancelled";

  /** The labels a reviewer may give. */
  public static final Set<String> LABELS = Set.of("harmful", "jailbreak", "benign");

  private static final Logger log = LoggerFactory.getLogger(ReviewQueue.class);

  private final Jdbc db;
  private final ResponseStore store;
  private final Audit audit;
  private final Redactor redactor;
  private final Settings settings;
  // @GuardedBy("this")
  private int nextSenior;

  /**
   * @param sla the SLA of each priority (every priority needs one)
   * @param seniors who overdue items escalate to, in turn; empty: they escalate to the {@code seniors}
   *     pool, unassigned
   */
  public record Settings(Map<Priority, Duration> sla, List<String> seniors) {
    public Settings {
      Map<Priority, Duration> copy = new EnumMap<>(Priority.class);
      copy.putAll(sla);
      for (Priority p : Priority.values()) {
        Duration d = copy.get(p);
        if (d == null || d.isNegative() || d.isZero()) {
          throw new IllegalArgumentException("priority " + p.wireName() + " needs a positive SLA, has " + d);
        }
      }
      sla = java.util.Collections.unmodifiableMap(copy);
      seniors = List.copyOf(seniors);
    }

    /** Critical 1 h, high 4 h, normal 24 h, low 72 h; no named seniors. */
    public static Settings defaults() {
      return new Settings(Map.of(Priority.CRITICAL, Duration.ofHours(1), Priority.HIGH, Duration.ofHours(4),
          Priority.NORMAL, Duration.ofHours(24), Priority.LOW, Duration.ofHours(72)), List.of());
    }

    public Settings withSeniors(List<String> names) {
      return new Settings(sla, names);
    }
  }

  /**
   * An item to enqueue.
   *
   * @param source monitor, incident, appeal, gate or report
   * @param account the organization the exchange came from, or {@code -}
   * @param seq the audit-log event of the exchange, or 0
   */
  public record NewItem(String source, String reason, Priority priority, @Nullable String familyId,
      @Nullable Exchange content, String account, long seq) {
    public NewItem {
      requireNonNull(source, "source");
      requireNonNull(reason, "reason");
      requireNonNull(priority, "priority");
      requireNonNull(account, "account");
    }
  }

  /**
   * What a reviewer sees: the item without its raw content, and the content redacted.
   *
   * @param turns the prompt's turns as {@code role: text}, redacted
   * @param completion the completion, redacted, or null
   * @param overdue whether its SLA has run out
   */
  public record View(ReviewItem item, List<String> turns, @Nullable String completion, boolean overdue) {}

  public ReviewQueue(ResponseStore store, Audit audit, Redactor redactor, Settings settings) {
    this.store = requireNonNull(store, "store");
    this.db = store.jdbc();
    this.audit = requireNonNull(audit, "audit");
    this.redactor = requireNonNull(redactor, "redactor");
    this.settings = requireNonNull(settings, "settings");
  }

  public Settings settings() {
    return settings;
  }

  /** Adds an item; its SLA starts now. */
  public ReviewItem enqueue(NewItem n) {
    Instant now = audit.clock().instant();
    Instant due = now.plus(settings.sla().get(n.priority()));
    String id = String.format(Locale.ROOT, "rev-%04d", db.next("review"));
    audit.record("review.enqueued", Json.object().put("item", id).put("source", n.source()).put("priority", n.priority().wireName())
        .put("family", n.familyId()).put("due_at", due.toString()).put("reason", n.reason()));
    db.update("INSERT INTO review_queue (id, account, seq, reason, priority, status, created_at, source, due_at, family_id, content)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        id, n.account(), n.seq(), n.reason(), n.priority().wireName(), OPEN, Jdbc.micros(now), n.source(), Jdbc.micros(due),
        n.familyId(), n.content() == null ? null : Json.write(Json.exchange(n.content())));
    return item(id).orElseThrow();
  }

  public Optional<ReviewItem> item(String id) {
    return db.queryOne("SELECT * FROM review_queue WHERE id = ?", this::item, id);
  }

  private ReviewItem require(String id) {
    return item(id).orElseThrow(() -> new ResponseException("no review item " + id));
  }

  /**
   * Items, most urgent first (priority, then due time, then age).
   *
   * @param status open, done, cancelled, or null for all
   * @param assignee only this reviewer's, or null for everyone's
   */
  public List<ReviewItem> list(@Nullable String status, @Nullable String assignee) {
    List<ReviewItem> all = status == null
        ? db.query("SELECT * FROM review_queue", this::item)
        : db.query("SELECT * FROM review_queue WHERE status = ?", this::item, status);
    List<ReviewItem> out = new ArrayList<>();
    for (ReviewItem i : all) {
      if (assignee == null || assignee.equals(i.assignee())) {
        out.add(i);
      }
    }
    out.sort(Comparator.comparingInt((ReviewItem i) -> i.priority().rank())
        .thenComparing(i -> i.dueAt() == null ? Instant.MAX : i.dueAt())
        .thenComparing(ReviewItem::createdAt).thenComparing(ReviewItem::id));
    return out;
  }

  /** What a reviewer sees of an item: personal data and secrets masked. */
  public View view(String id) {
    ReviewItem i = require(id);
    List<String> turns = new ArrayList<>();
    String completion = null;
    if (i.content() != null) {
      for (Turn t : i.content().prompt()) {
        turns.add(t.role().name().toLowerCase(Locale.ROOT) + ": " + redactor.redact(t.text()));
      }
      completion = i.content().completion() == null ? null : redactor.redact(i.content().completion());
    }
    ReviewItem withoutContent = new ReviewItem(i.id(), i.source(), i.account(), i.seq(), redactor.redact(i.reason()),
        i.priority(), i.status(), i.createdAt(), i.dueAt(), i.assignee(), i.escalatedAt(), i.escalatedTo(), i.label(),
        i.labelCategory(), i.familyId(), null, i.closedAt(), i.closedBy());
    return new View(withoutContent, turns, completion, i.overdue(audit.clock().instant()));
  }

  /** Assigns an open item to a reviewer. */
  public ReviewItem assign(String id, String reviewer, String actor) {
    requireText(reviewer, "reviewer");
    requireText(actor, "actor");
    ReviewItem i = require(id);
    if (!i.open()) {
      throw new ResponseException("review item " + id + " is " + i.status() + ", not open");
    }
    audit.record("review.assigned", Json.object().put("item", id).put("assignee", reviewer).put("actor", actor)
        .put("previous", i.assignee()));
    db.update("UPDATE review_queue SET assignee = ? WHERE id = ? AND status = ?", reviewer, id, OPEN);
    return require(id);
  }

  /** Gives a reviewer the most urgent open unassigned item, if any. */
  public Optional<ReviewItem> claimNext(String reviewer) {
    requireText(reviewer, "reviewer");
    for (ReviewItem i : list(OPEN, null)) {
      if (i.assignee() != null) {
        continue;
      }
      // Conditional: a concurrent claimer that won leaves zero rows updated here.
      if (db.update("UPDATE review_queue SET assignee = ? WHERE id = ? AND status = ? AND assignee IS NULL",
          reviewer, i.id(), OPEN) == 1) {
        audit.record("review.assigned", Json.object().put("item", i.id()).put("assignee", reviewer).put("actor", reviewer)
            .put("claimed", true));
        return item(i.id());
      }
    }
    return Optional.empty();
  }

  /**
   * Closes an item with a label. Only its assignee (or, for an unassigned item, anyone) may label it.
   *
   * @param label harmful, jailbreak or benign
   * @param category a category id ({@code cbrn.chemical}...) or null
   * @param familyId the attack family it belongs to (overrides the item's), or null
   */
  public ReviewItem label(String id, String reviewer, String label, @Nullable String category, @Nullable String familyId) {
    requireText(reviewer, "reviewer");
    if (!LABELS.contains(label)) {
      throw new ResponseException("label must be one of " + new java.util.TreeSet<>(LABELS) + ", was " + label);
    }
    if (category != null && Category.byId(category).isEmpty()) {
      throw new ResponseException("unknown category " + category);
    }
    if (label.equals("benign") && category != null) {
      throw new ResponseException("a benign label takes no category");
    }
    ReviewItem i = require(id);
    if (!i.open()) {
      throw new ResponseException("review item " + id + " is " + i.status() + ", not open");
    }
    if (i.assignee() != null && !i.assignee().equals(reviewer)) {
      throw new ResponseException("review item " + id + " is assigned to " + i.assignee() + ", not " + reviewer);
    }
    String family = familyId != null ? familyId : i.familyId();
    if (family != null && store.family(family).isEmpty()) {
      throw new ResponseException("no family " + family);
    }
    Instant now = audit.clock().instant();
    audit.record("review.labelled", Json.object().put("item", id).put("reviewer", reviewer).put("label", label)
        .put("category", category).put("family", family));
    if (db.update("UPDATE review_queue SET status = ?, label = ?, label_category = ?, family_id = ?, closed_at = ?, closed_by = ?"
        + " WHERE id = ? AND status = ?", DONE, label, category, family, Jdbc.micros(now), reviewer, id, OPEN) == 0) {
      throw new ResponseException("review item " + id + " was closed meanwhile");
    }
    if (i.content() != null) {
      if (label.equals("benign")) {
        store.addBenign("review:" + id, i.content(), "review", now);
      } else if (family != null) {
        store.addRegression(family, List.of(i.content()), "review:" + id, now);
      }
    }
    return require(id);
  }

  /** Cancels an open item. */
  public ReviewItem cancel(String id, String actor, String reason) {
    requireText(actor, "actor");
    requireText(reason, "reason");
    audit.record("review.cancelled", Json.object().put("item", id).put("actor", actor).put("reason", reason));
    if (db.update("UPDATE review_queue SET status = ?, closed_at = ?, closed_by = ? WHERE id = ? AND status = ?",
        CANCELLED, Jdbc.micros(audit.clock().instant()), actor, id, OPEN) == 0) {
      throw new ResponseException("review item " + id + " is not open");
    }
    return require(id);
  }

  /**
   * Escalates every open item whose SLA has run out and that was not escalated yet: it is assigned to
   * the next senior reviewer, and the escalation is audited.
   *
   * @return the items escalated
   */
  public synchronized List<ReviewItem> escalateOverdue() {
    return escalate(settings.seniors(), null);
  }

  /**
   * Escalates every overdue open item not escalated yet, as {@link #escalateOverdue()} does, to the
   * seniors named here (in turn, from the first) rather than the configured ones: a person's request
   * ({@code bulwark review escalate --seniors}, the admin API), audited with who asked.
   *
   * @param seniors who overdue items go to, in turn; empty: the {@code seniors} pool, unassigned
   * @param actor who asked, for the audit log
   * @return the items escalated
   */
  public synchronized List<ReviewItem> escalateOverdue(List<String> seniors, String actor) {
    requireText(actor, "actor");
    for (String s : seniors) {
      requireText(s, "senior");
    }
    return escalate(List.copyOf(seniors), actor);
  }

  private List<ReviewItem> escalate(List<String> seniors, @Nullable String actor) {
    Instant now = audit.clock().instant();
    List<ReviewItem> out = new ArrayList<>();
    // The timer keeps its turn between runs; a person's request starts from the first senior named.
    int turn = actor == null ? nextSenior : 0;
    for (ReviewItem i : list(OPEN, null)) {
      if (i.escalatedAt() != null || !i.overdue(now)) {
        continue;
      }
      String senior = seniors.isEmpty() ? "seniors" : seniors.get(turn++ % seniors.size());
      ObjectNode event = Json.object().put("item", i.id()).put("to", senior).put("from", i.assignee())
          .put("due_at", String.valueOf(i.dueAt())).put("priority", i.priority().wireName());
      if (actor != null) {
        event.put("actor", actor);
      }
      audit.record("review.escalated", event);
      if (db.update("UPDATE review_queue SET escalated_at = ?, escalated_to = ?, assignee = ? WHERE id = ? AND status = ?"
          + " AND escalated_at IS NULL", Jdbc.micros(now), senior, seniors.isEmpty() ? null : senior, i.id(), OPEN) == 1) {
        out.add(require(i.id()));
      }
    }
    if (actor == null) {
      nextSenior = turn;
    }
    return out;
  }

  /** Runs {@link #escalateOverdue()} every {@code every} on {@code scheduler}. */
  public ScheduledFuture<?> startSlaTimer(ScheduledExecutorService scheduler, Duration every) {
    long ms = Math.max(1, every.toMillis());
    return scheduler.scheduleWithFixedDelay(() -> {
      try {
        List<ReviewItem> escalated = escalateOverdue();
        if (!escalated.isEmpty()) {
          log.info("review queue: escalated {} overdue items", escalated.size());
        }
      } catch (RuntimeException e) {
        log.warn("review queue: escalation failed: {}", e.toString());
      }
    }, ms, ms, TimeUnit.MILLISECONDS);
  }

  /**
   * Writes every labelled item with content as a line of training data in the shared format
   * ({@code messages}, {@code completion}, {@code label}, {@code category}), redacted.
   *
   * @return the lines written
   */
  public int exportLabels(Writer out) throws IOException {
    return exportLabels(out, null);
  }

  /**
   * Writes the labelled items as {@link #exportLabels(Writer)} does and audits the export
   * ({@code review.exported}: who, how many lines) when {@code actor} is given.
   *
   * @param actor who exported, or null for no audit record
   * @return the lines written
   */
  public int exportLabels(Writer out, @Nullable String actor) throws IOException {
    int n = writeLabels(out);
    if (actor != null) {
      audit.record("review.exported", Json.object().put("actor", actor).put("items", n));
    }
    return n;
  }

  private int writeLabels(Writer out) throws IOException {
    int n = 0;
    for (ReviewItem i : list(DONE, null)) {
      if (i.label() == null || i.content() == null) {
        continue;
      }
      ObjectNode line = Json.object().put("id", i.id()).put("source", "review:" + i.source());
      ArrayNode messages = line.putArray("messages");
      for (Turn t : i.content().prompt()) {
        messages.addObject().put("role", t.role().name().toLowerCase(Locale.ROOT)).put("content", redactor.redact(t.text()));
      }
      if (i.content().completion() != null) {
        line.put("completion", redactor.redact(i.content().completion()));
      }
      line.put("label", i.label());
      line.put("category", i.labelCategory() == null ? "" : i.labelCategory());
      if (i.labelCategory() != null) {
        ArrayNode targets = line.putArray("targets").add(i.labelCategory());
        if (i.label().equals("jailbreak") && !i.labelCategory().equals(Category.JAILBREAK.id())) {
          targets.add(Category.JAILBREAK.id());
        }
      }
      out.write(Json.write(line));
      out.write('\n');
      n++;
    }
    return n;
  }

  private ReviewItem item(ResultSet rs) throws SQLException {
    String content = rs.getString("content");
    Long due = Jdbc.nullableLong(rs, "due_at");
    Long esc = Jdbc.nullableLong(rs, "escalated_at");
    Long closed = Jdbc.nullableLong(rs, "closed_at");
    Priority p = Priority.parse(rs.getString("priority"));
    Instant created = Jdbc.instant(rs.getLong("created_at"));
    return new ReviewItem(rs.getString("id"), rs.getString("source"), rs.getString("account"), rs.getLong("seq"),
        rs.getString("reason"), p, rs.getString("status"), created,
        // An item the monitor enqueued has no due time of its own: its SLA runs from its creation.
        due != null ? Jdbc.instant(due) : created.plus(settings.sla().get(p)),
        rs.getString("assignee"), esc == null ? null : Jdbc.instant(esc), rs.getString("escalated_to"),
        rs.getString("label"), rs.getString("label_category"), rs.getString("family_id"),
        content == null ? null : Json.exchange(Json.read(content)), closed == null ? null : Jdbc.instant(closed),
        rs.getString("closed_by"));
  }

  private static void requireText(String s, String what) {
    if (s == null || s.isBlank()) {
      throw new ResponseException(what + " must not be blank");
    }
  }
}

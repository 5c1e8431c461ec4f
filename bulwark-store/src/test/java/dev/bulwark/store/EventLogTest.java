package dev.bulwark.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.store.internal.ChainHash;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The event log's contract, on each dialect. */
@ParameterizedClass
@EnumSource(Dialect.class)
class EventLogTest {
  static final Instant T0 = Instant.parse("2026-01-02T03:04:05.123456Z");
  static final Instant NOW = Instant.parse("2026-01-02T03:05:00Z");

  @Parameter Dialect dialect;
  @TempDir Path dir;
  TestDatabase db;
  Store store;
  EventLog log;

  @BeforeEach
  void open() {
    db = TestDatabase.create(dialect, dir);
    store = db.open(EventLogTest::daemon, Clock.fixed(NOW, ZoneOffset.UTC));
    log = store.events();
  }

  @AfterEach
  void close() {
    db.close();
  }

  static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "test-writer");
    t.setDaemon(true);
    return t;
  }

  static EventRecord event(String type, @Nullable String requestId) {
    return new EventRecord(type, requestId, "key-1", "org-1", T0, "{\"n\":1}", false);
  }

  static EventRecord outboxEvent(String type, String requestId) {
    return new EventRecord(type, requestId, "key-1", "org-1", T0, "{\"n\":2}", true);
  }

  private List<Long> appendEach(int n) {
    List<CompletableFuture<Long>> futures = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      futures.add(log.append(event("request.started", "r" + i)));
    }
    return futures.stream().map(CompletableFuture::join).collect(Collectors.toList());
  }

  @Test
  void append_singleEvent_completesWithSeqAndReadsBackUnchanged() {
    EventRecord e = new EventRecord("request.started", "r1", null, "org-1", T0, "{\"a\":[1,2]}",
        false);

    long seq = log.append(e).join();

    assertThat(seq).isEqualTo(1);
    assertThat(log.headSeq()).isEqualTo(1);
    StoredEvent stored = log.read(0, 10).get(0);
    assertThat(stored.seq()).isEqualTo(1);
    assertThat(stored.type()).isEqualTo(e.type());
    assertThat(stored.requestId()).isEqualTo("r1");
    assertThat(stored.keyId()).isNull();
    assertThat(stored.orgId()).isEqualTo("org-1");
    assertThat(stored.occurredAt()).isEqualTo(T0);
    assertThat(stored.body()).isEqualTo(e.body());
    assertThat(stored.prevHash()).isEqualTo(ChainHash.GENESIS);
    assertThat(stored.hash()).hasSize(64).isNotEqualTo(ChainHash.GENESIS);
  }

  @Test
  void append_sequential_assignsIncreasingSeqsLinkedByHash() {
    List<Long> seqs = appendEach(20);

    assertThat(seqs).containsExactlyElementsOf(LongStream.rangeClosed(1, 20).boxed().toList());
    List<StoredEvent> events = log.read(0, 100);
    assertThat(events).hasSize(20);
    for (int i = 1; i < events.size(); i++) {
      assertThat(events.get(i).prevHash()).isEqualTo(events.get(i - 1).hash());
    }
    assertThat(log.headSeq()).isEqualTo(20);
  }

  @Test
  void read_afterSeqWithLimit_returnsThatPageInOrder() {
    appendEach(10);

    List<StoredEvent> page = log.read(3, 4);

    assertThat(page).extracting(StoredEvent::seq).containsExactly(4L, 5L, 6L, 7L);
    assertThat(log.read(10, 5)).isEmpty();
  }

  @Test
  void read_badArguments_throwNamingTheArgument() {
    assertThatThrownBy(() -> log.read(0, 0)).hasMessageContaining("limit");
    assertThatThrownBy(() -> log.read(0, 10_001)).hasMessageContaining("limit");
    assertThatThrownBy(() -> log.read(-1, 1)).hasMessageContaining("afterSeq");
  }

  @Test
  void appendAll_amongOtherAppends_getsConsecutiveSeqs() {
    CountDownLatch gate = new CountDownLatch(1);
    EventLog gated = db.openGated(gate).events();
    List<CompletableFuture<Long>> singles = new ArrayList<>();
    singles.add(gated.append(event("a", "x1")));
    CompletableFuture<List<Long>> group = gated.appendAll(List.of(
        event("b", "g"), event("c", "g"), event("d", "g"), event("e", "g")));
    singles.add(gated.append(event("f", "x2")));
    gate.countDown();

    assertThat(group.join()).containsExactly(2L, 3L, 4L, 5L);
    assertThat(singles).extracting(CompletableFuture::join).containsExactly(1L, 6L);
    assertThat(log.forRequest("g")).extracting(StoredEvent::type)
        .containsExactly("b", "c", "d", "e");
  }

  @Test
  void appendAll_empty_completesWithNoSeqs() {
    assertThat(log.appendAll(List.of()).join()).isEmpty();
    assertThat(log.headSeq()).isZero();
  }

  @Test
  void appendAll_oneEventRejected_commitsNoneOfThem() {
    // A constraint the store does not have, standing for any event the database refuses.
    db.execute("CREATE UNIQUE INDEX test_one_event_per_request ON events (request_id)");
    log.append(event("request.started", "taken")).join();

    CompletableFuture<List<Long>> group = log.appendAll(List.of(
        event("a", "fresh-1"), event("b", "taken"), event("c", "fresh-2")));

    assertThatThrownBy(group::join)
        .isInstanceOf(CompletionException.class)
        .hasCauseInstanceOf(StoreException.class);
    assertThat(log.headSeq()).isEqualTo(1);
    assertThat(log.forRequest("fresh-1")).isEmpty();
    assertThat(log.forRequest("fresh-2")).isEmpty();
    assertThat(log.append(event("d", "fresh-3")).join()).isEqualTo(2);
    assertThat(log.verify().intact()).isTrue();
  }

  @Test
  void append_toOutbox_writesAnOutboxRowOnlyForThoseEvents() {
    log.append(outboxEvent("request.decided", "r1")).join();
    log.append(event("request.started", "r2")).join();
    log.appendAll(List.of(event("x", "r3"), outboxEvent("request.decided", "r3"))).join();

    List<List<@Nullable String>> rows = db.rows(
        "SELECT seq, request_id, enqueued_at, status, attempts, lease_owner, lease_expires_at,"
            + " last_error FROM monitor_outbox ORDER BY seq");

    String enqueuedAt = Long.toString(NOW.getEpochSecond() * 1_000_000L);
    assertThat(rows).containsExactly(
        java.util.Arrays.asList("1", "r1", enqueuedAt, "pending", "0", null, null, null),
        java.util.Arrays.asList("4", "r3", enqueuedAt, "pending", "0", null, null, null));
  }

  @Test
  void append_outboxRowRejected_eventIsNotCommittedEither() {
    log.append(event("request.started", "r1")).join();
    // The next event will get seq 2; an outbox row already holding seq 2 makes its insert fail.
    db.execute("INSERT INTO monitor_outbox (seq, request_id, enqueued_at) VALUES (2, 'x', 0)");

    CompletableFuture<Long> f = log.append(outboxEvent("request.decided", "r1"));

    assertThatThrownBy(f::join).hasCauseInstanceOf(StoreException.class);
    assertThat(log.headSeq()).isEqualTo(1);
    assertThat(log.forRequest("r1")).extracting(StoredEvent::type)
        .containsExactly("request.started");
    assertThat(log.append(event("request.finished", "r1")).join()).isEqualTo(2);
    assertThat(log.verify().intact()).isTrue();
  }

  @Test
  void append_poisonEventInABatch_failsOnlyItsOwnFuture() {
    db.execute("CREATE UNIQUE INDEX test_one_event_per_request ON events (request_id)");
    log.append(event("request.started", "taken")).join();
    CountDownLatch gate = new CountDownLatch(1);
    Store gatedStore = db.openGated(gate);
    List<CompletableFuture<Long>> good = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      good.add(gatedStore.events().append(event("request.started", "ok-" + i)));
    }
    CompletableFuture<Long> poison = gatedStore.events().append(event("request.started", "taken"));
    CompletableFuture<List<Long>> goodGroup = gatedStore.events().appendAll(
        List.of(event("a", "group-1"), event("b", "group-2")));
    for (int i = 25; i < 50; i++) {
      good.add(gatedStore.events().append(event("request.started", "ok-" + i)));
    }

    gate.countDown();

    assertThatThrownBy(poison::join).hasCauseInstanceOf(StoreException.class)
        .message().containsIgnoringCase("unique")
        .doesNotContain("key-1");
    List<Long> seqs = new ArrayList<>(good.stream().map(CompletableFuture::join).toList());
    seqs.addAll(goodGroup.join());
    assertThat(seqs).containsExactlyInAnyOrderElementsOf(
        LongStream.rangeClosed(2, 53).boxed().toList());
    assertThat(goodGroup.join().get(1)).isEqualTo(goodGroup.join().get(0) + 1);
    assertThat(gatedStore.events().stats().eventsFailed()).isEqualTo(1);
    assertThat(log.verify()).isEqualTo(ChainReport.intact(53));
  }

  @Test
  void append_concurrentThreads_seqsAreContiguousAndChainIntact() throws Exception {
    int threads = 8;
    int perThread = 2_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<List<CompletableFuture<Long>>>> submitted = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        submitted.add(pool.submit(() -> IntStream.range(0, perThread)
            .mapToObj(i -> log.append(event("request.started", "t" + thread + "-" + i)))
            .toList()));
      }
      List<Long> seqs = new ArrayList<>();
      for (Future<List<CompletableFuture<Long>>> f : submitted) {
        f.get().forEach(c -> seqs.add(c.join()));
      }

      long total = (long) threads * perThread;
      assertThat(seqs).doesNotHaveDuplicates().hasSize((int) total);
      assertThat(seqs.stream().mapToLong(Long::longValue).min().orElseThrow()).isEqualTo(1);
      assertThat(seqs.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(total);
      assertThat(log.verify()).isEqualTo(ChainReport.intact(total));
      EventLogStats stats = log.stats();
      assertThat(stats.eventsCommitted()).isEqualTo(total);
      assertThat(stats.batchesCommitted()).isBetween(1L, total);
      assertThat(stats.eventsFailed()).isZero();
      assertThat(stats.queueDepth()).isZero();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void append_twoStoresOnOneDatabase_keepOneIntactChain() throws Exception {
    // The CLI writing keys while the gateway serves: two processes, one chain.
    Store other = db.open();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<Long>>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        EventLog target = t % 2 == 0 ? log : other.events();
        int thread = t;
        runs.add(pool.submit(() -> {
          List<CompletableFuture<Long>> futures = new ArrayList<>();
          for (int i = 0; i < 1_000; i++) {
            futures.add(target.append(event("request.started", "s" + thread + "-" + i)));
          }
          return futures.stream().map(CompletableFuture::join).toList();
        }));
      }
      List<Long> seqs = new ArrayList<>();
      for (Future<List<Long>> run : runs) {
        seqs.addAll(run.get());
      }

      assertThat(seqs).containsExactlyInAnyOrderElementsOf(
          LongStream.rangeClosed(1, 4_000).boxed().toList());
      assertThat(log.verify()).isEqualTo(ChainReport.intact(4_000));
      assertThat(other.events().verify()).isEqualTo(ChainReport.intact(4_000));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void close_withAppendsQueued_commitsThemAllBeforeReturning() {
    CountDownLatch gate = new CountDownLatch(1);
    Store gatedStore = db.openGated(gate);
    List<CompletableFuture<Long>> futures = new ArrayList<>();
    for (int i = 0; i < 1_000; i++) {
      futures.add(gatedStore.events().append(event("request.started", "c" + i)));
    }

    CompletableFuture<Void> closing = CompletableFuture.runAsync(gatedStore::close);
    gate.countDown();
    closing.join();

    assertThat(futures).allSatisfy(f -> assertThat(f).isCompleted());
    assertThat(futures.stream().map(CompletableFuture::join))
        .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 1_000).boxed().toList());
    assertThat(log.headSeq()).isEqualTo(1_000);
  }

  @Test
  void append_afterClose_failsWithStoreException() {
    store.close();

    assertThatThrownBy(() -> log.append(event("late", null)).join())
        .hasCauseInstanceOf(StoreException.class)
        .hasMessageContaining("closed");
    assertThatThrownBy(() -> log.appendAll(List.of(event("late", null))).join())
        .hasCauseInstanceOf(StoreException.class);
  }

  @Test
  void close_fromTheWriterThread_isRefusedInsteadOfDeadlocking() {
    CountDownLatch gate = new CountDownLatch(1);
    Store gatedStore = db.openGated(gate);
    // Attached before the writer runs, so the callback runs on the writer thread.
    CompletableFuture<Throwable> refused =
        gatedStore.events().append(event("a", null)).handle((seq, error) -> {
          try {
            gatedStore.close();
            return new AssertionError("close() returned on the writer thread");
          } catch (IllegalStateException expected) {
            return expected;
          }
        });
    gate.countDown();

    assertThat(refused.join()).isInstanceOf(IllegalStateException.class);
    assertThat(gatedStore.events().append(event("b", null)).join()).isEqualTo(2);
  }

  @Test
  void forRequest_mixedRequests_returnsOnlyThatRequestInSeqOrder() {
    log.append(event("request.started", "a")).join();
    log.append(event("request.started", "b")).join();
    log.append(event("request.completed", "a")).join();
    log.append(event("other", null)).join();

    assertThat(log.forRequest("a")).extracting(StoredEvent::seq, StoredEvent::type)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(1L, "request.started"),
            org.assertj.core.groups.Tuple.tuple(3L, "request.completed"));
    assertThat(log.forRequest("none")).isEmpty();
  }

  @Test
  void unfinishedRequests_startedWithoutEnd_returnsThemInStartOrder() {
    log.append(event("request.started", "done")).join();
    log.append(event("request.started", "open-1")).join();
    log.append(event("request.started", "failed")).join();
    log.append(event("request.completed", "done")).join();
    log.append(event("request.failed", "failed")).join();
    log.append(event("request.completed", "never-started")).join();
    log.append(event("request.started", "open-2")).join();
    log.append(event("request.started", null)).join();

    assertThat(log.unfinishedRequests("request.started",
        Set.of("request.completed", "request.failed")))
        .containsExactly("open-1", "open-2");
    assertThat(log.unfinishedRequests("request.started", Set.of()))
        .containsExactly("done", "open-1", "failed", "open-2");
    assertThat(log.unfinishedRequests("request.none", Set.of("request.completed"))).isEmpty();
  }

  @Test
  void verify_emptyLog_isIntactWithNothingChecked() {
    assertThat(log.verify()).isEqualTo(ChainReport.intact(0));
  }

  @Test
  void verify_intactLogAcrossPages_isIntactWithItsCount() {
    log.appendAll(IntStream.range(0, 2_345).mapToObj(i -> event("e", "r" + i)).toList()).join();

    ChainReport report = log.verify();

    assertThat(report.intact()).isTrue();
    assertThat(report.checked()).isEqualTo(2_345);
    assertThat(report.firstBadSeq()).isNull();
    assertThat(report.problem()).isNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "type = 'forged'",
      "request_id = 'forged'",
      "request_id = NULL",
      "request_id = ''",
      "key_id = key_id || 'x'",
      "key_id = NULL",
      "org_id = ''",
      "occurred_at = occurred_at + 1",
      "body = body || ' '",
      "body = '{\"n\":9}'",
      "prev_hash = '" + "1111111111111111111111111111111111111111111111111111111111111111" + "'",
      "hash = '" + "2222222222222222222222222222222222222222222222222222222222222222" + "'",
  })
  void verify_editedColumn_reportsEditedAtItsSeq(String assignment) {
    appendEach(10);
    assertThat(db.execute("UPDATE events SET " + assignment + " WHERE seq = 6")).isEqualTo(1);

    ChainReport report = log.verify();

    assertThat(report.intact()).isFalse();
    assertThat(report.problem()).isEqualTo(ChainReport.Problem.EDITED);
    assertThat(report.firstBadSeq()).isEqualTo(6);
    assertThat(report.checked()).isEqualTo(5);
    assertThat(report.detail()).contains("event 6");
  }

  @Test
  void verify_lastEventRehashedToMatch_reportsEditedByChainHead() {
    appendEach(3);
    List<StoredEvent> events = log.read(0, 10);
    StoredEvent last = events.get(2);
    // A forger who recomputes the hash of the event they changed still disagrees with chain_head.
    String forged = new ChainHash().hash(3, "forged", last.requestId(), last.keyId(),
        last.orgId(), dev.bulwark.store.internal.Micros.of(last.occurredAt()), last.body(),
        last.prevHash());
    db.execute("UPDATE events SET type = 'forged', hash = ? WHERE seq = 3", forged);

    ChainReport report = log.verify();

    assertThat(report.problem()).isEqualTo(ChainReport.Problem.EDITED);
    assertThat(report.firstBadSeq()).isEqualTo(3);
  }

  @Test
  void verify_deletedMiddleEvent_reportsDeletedAtItsSeq() {
    appendEach(10);
    db.execute("DELETE FROM events WHERE seq = 5");

    ChainReport report = log.verify();

    assertThat(report.problem()).isEqualTo(ChainReport.Problem.DELETED);
    assertThat(report.firstBadSeq()).isEqualTo(5);
    assertThat(report.checked()).isEqualTo(4);
    assertThat(report.detail()).contains("event 5");
  }

  @Test
  void verify_deletedFirstEvent_reportsDeletedAtOne() {
    appendEach(3);
    db.execute("DELETE FROM events WHERE seq = 1");

    assertThat(log.verify()).extracting(ChainReport::problem, ChainReport::firstBadSeq)
        .containsExactly(ChainReport.Problem.DELETED, 1L);
  }

  @Test
  void verify_deletedNewestEventButNotChainHead_reportsDeleted() {
    appendEach(10);
    db.execute("DELETE FROM events WHERE seq = 10");

    assertThat(log.verify()).extracting(ChainReport::problem, ChainReport::firstBadSeq)
        .containsExactly(ChainReport.Problem.DELETED, 10L);
  }

  @Test
  void verify_newestEventsDeletedAndChainHeadMovedBack_isNotDetectable() {
    // The documented limit of a bare chain: a consistent shorter chain looks intact. Signed
    // checkpoints of the head, kept outside the database, are what will catch this.
    appendEach(10);
    StoredEvent eighth = log.read(7, 1).get(0);
    db.execute("DELETE FROM events WHERE seq > 8");
    db.execute("UPDATE chain_head SET seq = 8, hash = ? WHERE id = 1", eighth.hash());

    assertThat(log.verify()).isEqualTo(ChainReport.intact(8));
  }

  @Test
  void verify_chainHeadMovedBackOverRemainingEvents_reportsEventsPastTheHead() {
    appendEach(10);
    StoredEvent eighth = log.read(7, 1).get(0);
    db.execute("UPDATE chain_head SET seq = 8, hash = ? WHERE id = 1", eighth.hash());

    assertThat(log.verify()).extracting(ChainReport::problem, ChainReport::firstBadSeq)
        .containsExactly(ChainReport.Problem.EDITED, 9L);
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 3, 9})
  void verify_swappedSeqs_reportsReorderedAtTheFirst(long distance) {
    appendEach(15);
    long a = 4;
    long b = a + distance;
    // In three steps: both databases check the primary key row by row.
    db.execute("UPDATE events SET seq = -1 WHERE seq = ?", a);
    db.execute("UPDATE events SET seq = ? WHERE seq = ?", a, b);
    db.execute("UPDATE events SET seq = ? WHERE seq = -1", b);

    ChainReport report = log.verify();

    assertThat(report.problem()).isEqualTo(ChainReport.Problem.REORDERED);
    assertThat(report.firstBadSeq()).isEqualTo(a);
    assertThat(report.checked()).isEqualTo(a - 1);
    assertThat(report.detail()).contains("event " + a);
  }

  @Test
  void verify_whileAppending_checksAConsistentSnapshot() {
    appendEach(500);
    List<CompletableFuture<Long>> more = new ArrayList<>();
    for (int i = 0; i < 2_000; i++) {
      more.add(log.append(event("later", "l" + i)));
    }

    ChainReport report = log.verify();
    more.forEach(CompletableFuture::join);

    assertThat(report.intact()).as(report.detail()).isTrue();
    assertThat(report.checked()).isBetween(500L, 2_500L);
    assertThat(log.verify()).isEqualTo(ChainReport.intact(2_500));
  }

  @Test
  void appendedEvents_areReadableFromAFreshStore() {
    appendEach(5);
    store.close();

    try (Store reopened = Store.open(db.config().build())) {
      assertThat(reopened.events().headSeq()).isEqualTo(5);
      assertThat(reopened.events().append(event("after", null)).join()).isEqualTo(6);
      assertThat(reopened.events().verify()).isEqualTo(ChainReport.intact(6));
    }
  }
}

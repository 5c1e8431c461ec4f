package dev.bulwark.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bulwark.monitor.analyzer.Severity;
import dev.bulwark.monitor.flow.Flowchart;
import dev.bulwark.monitor.flow.FlowchartParser;
import dev.bulwark.monitor.flow.FlowchartSource;
import dev.bulwark.monitor.incident.Effect;
import dev.bulwark.monitor.incident.Effects;
import dev.bulwark.monitor.incident.Incident;
import dev.bulwark.monitor.incident.IncidentStatus;
import dev.bulwark.monitor.incident.IncidentUpdate;
import dev.bulwark.monitor.incident.Incidents;
import dev.bulwark.monitor.incident.RunRecord;
import dev.bulwark.monitor.incident.Runs;
import dev.bulwark.store.Dialect;
import dev.bulwark.store.Store;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The whole path on both databases: outbox to runs, findings, risk, actions, and their reversal. */
class MonitorPipelineTest {
  static final String FLOWCHART = """
      version: test-1
      start: [rules]
      nodes:
        rules:
          analyzer: rules
          next:
            - to: marker
        marker:
          analyzer: marker
          next:
            - when: "marker.finding"
              do: [review]
      actions:
        review: {type: review}
        flag: {type: flag}
        incident: {type: incident}
      risk:
        half_life: 1h
        thresholds:
          - {at: 7, do: [flag]}
          - {at: 15, do: [incident]}
      """;
  static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  @TempDir Path dir;

  static Monitor monitor(Store store, String flowchart, String worker) {
    Flowchart fc = new FlowchartParser(TestAnalyzers.registry(), Set.of("standard")).parse(flowchart, "test");
    return Monitor.builder()
        .store(store)
        .flowcharts(new FlowchartSource(fc))
        .settings(MonitorSettings.builder().workerId(worker).lease(Duration.ofSeconds(2))
            .pollInterval(Duration.ofMillis(20)).backoff(Duration.ofMillis(50), Duration.ofMillis(200)).build())
        .build();
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void drain_markedExchanges_recordsRunsTakesEachActionOnceAndAuditsIt(Dialect dialect) throws Exception {
    try (TestDb db = TestDb.create(dialect, dir)) {
      Store store = db.open();
      List<Long> seqs = Traffic.append(store, List.of(
          new Traffic.Ex("acme", "k1", T0, "please FLAG-ME one", "ok"),
          new Traffic.Ex("beta", "k2", T0.plusSeconds(1), "what is the capital of France?", "Paris"),
          new Traffic.Ex("acme", "k1", T0.plusSeconds(2), "FLAG-ME again", "ok"),
          new Traffic.Ex("acme", "k1", T0.plusSeconds(3), "and FLAG-ME a third time", "ok"),
          new Traffic.Ex("beta", "k2", T0.plusSeconds(4), "thanks", "you're welcome")));
      try (Monitor m = monitor(store, FLOWCHART, "w1")) {
        assertThat(m.drain(Duration.ofSeconds(30))).isEqualTo(5);

        assertThat(db.count("SELECT COUNT(*) FROM monitor_runs")).isEqualTo(5);
        assertThat(db.count("SELECT COUNT(*) FROM monitor_outbox")).as("processed entries leave the queue").isZero();
        assertThat(db.count("SELECT COUNT(*) FROM review_queue")).isEqualTo(3);
        assertThat(db.rows("SELECT type, seq FROM monitor_effects ORDER BY seq, type")).containsExactly(
            List.of("flag", seqs.get(0).toString()),
            List.of("review", seqs.get(0).toString()),
            List.of("incident", seqs.get(2).toString()),
            List.of("review", seqs.get(2).toString()),
            List.of("review", seqs.get(3).toString()));
        assertThat(db.count("SELECT COUNT(*) FROM events WHERE type = 'monitor.action'")).isEqualTo(5);
        assertThat(db.count("SELECT COUNT(*) FROM monitor_account_risk WHERE account = 'acme' AND flagged_at IS NOT NULL"))
            .isOne();
        assertThat(store.events().verify().intact()).isTrue();

        // The exchange's text is analysed, never kept: not in runs, features, findings or effects.
        for (String table : List.of("monitor_runs", "monitor_findings", "monitor_effects", "monitor_account_risk")) {
          assertThat(db.rows("SELECT * FROM " + table).toString()).doesNotContain("capital of France", "third time");
        }

        Incidents incidents = new Incidents(store, Clock.systemUTC());
        List<Incident> open = incidents.list(IncidentStatus.OPEN, "acme", 10);
        assertThat(open).hasSize(1);
        Incident inc = incidents.get(open.get(0).id()).orElseThrow();
        assertThat(inc.evidence()).extracting(Incident.Evidence::seq).containsExactly(seqs.get(2));
        assertThat(inc.severity()).isEqualTo(Severity.HIGH);

        RunRecord run = new Runs(store).get(seqs.get(2)).orElseThrow();
        assertThat(run.nodes()).containsExactly("rules", "marker");
        assertThat(run.flowchartVersion()).startsWith("test-1@");
        String explained = Runs.explain(run, new Effects(store, Clock.systemUTC()).forEvent(seqs.get(2)));
        assertThat(explained).contains("marker", "finding: high test.marker", "incident (risk>=15)", "review (marker#1)");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void drain_redeliveredAfterLostAcknowledgement_changesNothing(Dialect dialect) throws Exception {
    try (TestDb db = TestDb.create(dialect, dir)) {
      Store store = db.open();
      List<Long> seqs = Traffic.append(store, List.of(
          new Traffic.Ex("acme", "k1", T0, "FLAG-ME", "ok"),
          new Traffic.Ex("acme", "k1", T0.plusSeconds(1), "FLAG-ME", "ok")));
      try (Monitor m = monitor(store, FLOWCHART, "w1")) {
        m.drain(Duration.ofSeconds(30));
        List<List<String>> effects = List.copyOf(db.rows("SELECT id, status FROM monitor_effects ORDER BY id"))
            .stream().map(r -> List.of(String.valueOf(r.get(0)), String.valueOf(r.get(1)))).toList();
        String risk = db.rows("SELECT score FROM monitor_account_risk").toString();
        // As if the worker died between committing the results and acknowledging them.
        for (Long seq : seqs) {
          db.execute("INSERT INTO monitor_outbox (seq, request_id, enqueued_at, account, part) VALUES (?, ?, ?, ?, ?)",
              seq, "r", 0L, "acme", dev.bulwark.store.Outbox.partition("acme"));
        }
        assertThat(m.drain(Duration.ofSeconds(30))).isEqualTo(2);

        assertThat(db.count("SELECT COUNT(*) FROM monitor_outbox")).isZero();
        assertThat(db.count("SELECT COUNT(*) FROM monitor_runs")).isEqualTo(2);
        assertThat(db.rows("SELECT id, status FROM monitor_effects ORDER BY id").stream()
            .map(r -> List.of(String.valueOf(r.get(0)), String.valueOf(r.get(1)))).toList()).isEqualTo(effects);
        assertThat(db.rows("SELECT score FROM monitor_account_risk").toString()).isEqualTo(risk);
        assertThat(db.count("SELECT COUNT(*) FROM review_queue")).isEqualTo(2);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void reverse_eachActionType_undoesItOnceAndAuditsIt(Dialect dialect) throws Exception {
    try (TestDb db = TestDb.create(dialect, dir)) {
      Store store = db.open();
      store.keys().ensureOrganization("acme", "Acme", "test");
      store.keys().upsertTier("standard", "standard", "test");
      store.keys().upsertTier("restricted", "restricted", "test");
      store.keys().insertKey(new dev.bulwark.store.ApiKeyRecord("k1", "acme", "standard", "0".repeat(64), T0, null,
          null, null), "test");
      String flowchart = """
          version: test-actions
          start: [marker]
          nodes:
            marker:
              analyzer: marker
              next:
                - when: "marker.finding"
                  do: [review, flag, incident, step_down, suspend]
          actions:
            review: {type: review}
            flag: {type: flag}
            incident: {type: incident, severity: critical}
            step_down: {type: step_down, tier: restricted}
            suspend: {type: suspend_keys}
          """;
      long seq = Traffic.append(store, new Traffic.Ex("acme", "k1", T0, "FLAG-ME", "ok"));
      Flowchart fc = new FlowchartParser(TestAnalyzers.registry(), Set.of("restricted")).parse(flowchart, "test");
      try (Monitor m = Monitor.builder().store(store).flowcharts(new FlowchartSource(fc))
          .settings(MonitorSettings.builder().workerId("w1").build()).build()) {
        m.drain(Duration.ofSeconds(30));
      }
      long versionAfterActions = store.keys().changeVersion();
      assertThat(store.keys().key("k1").orElseThrow().revokedAt()).as("suspended").isNotNull();
      assertThat(store.diligence().openOverrides()).extracting(o -> o.tier()).containsExactly("restricted");

      Effects effects = new Effects(store, Clock.systemUTC());
      for (Effect e : effects.forEvent(seq)) {
        Effect reversed = effects.reverse(e.id(), "analyst@acme", "false positive in a test");
        assertThat(reversed.status()).isEqualTo("reversed");
        assertThatThrownBy(() -> effects.reverse(e.id(), "analyst@acme", "again"))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reversed already");
      }
      assertThat(store.keys().key("k1").orElseThrow().revokedAt()).as("restored").isNull();
      assertThat(store.diligence().openOverrides()).isEmpty();
      assertThat(store.keys().changeVersion()).as("gateways reload").isGreaterThan(versionAfterActions);
      assertThat(db.count("SELECT COUNT(*) FROM review_queue WHERE status = 'cancelled'")).isOne();
      assertThat(db.count("SELECT COUNT(*) FROM monitor_account_risk WHERE flagged_at IS NOT NULL")).isZero();
      assertThat(db.count("SELECT COUNT(*) FROM incidents WHERE status = 'false_positive'")).isOne();
      assertThat(db.count("SELECT COUNT(*) FROM events WHERE type = 'monitor.action.reversed'")).isEqualTo(5);
      assertThat(store.events().verify().intact()).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void update_incident_recordsHistoryAndAuditEvent(Dialect dialect) throws Exception {
    try (TestDb db = TestDb.create(dialect, dir)) {
      Store store = db.open();
      Traffic.append(store, List.of(
          new Traffic.Ex("acme", "k1", T0, "FLAG-ME", "ok"),
          new Traffic.Ex("acme", "k1", T0.plusSeconds(1), "FLAG-ME", "ok")));
      try (Monitor m = monitor(store, FLOWCHART, "w1")) {
        m.drain(Duration.ofSeconds(30));
      }
      Incidents incidents = new Incidents(store, Clock.systemUTC());
      Incident inc = incidents.list(null, null, 10).get(0);
      Incident updated = incidents.update(inc.id(), "analyst@acme",
          new IncidentUpdate(IncidentStatus.CONTAINED, Severity.CRITICAL, "roleplay-wrapper", "confirmed by hand"));
      assertThat(updated.status()).isEqualTo(IncidentStatus.CONTAINED);
      assertThat(updated.family()).isEqualTo("roleplay-wrapper");
      assertThat(updated.history()).hasSizeGreaterThanOrEqualTo(2);
      assertThat(updated.history().get(updated.history().size() - 1).change())
          .contains("\"status\":\"contained\"", "\"family\":\"roleplay-wrapper\"", "confirmed by hand");
      assertThat(db.count("SELECT COUNT(*) FROM events WHERE type = 'incident.updated'")).isOne();
      assertThatThrownBy(() -> incidents.update("inc_missing", "a", new IncidentUpdate(null, null, null, "x")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no incident inc_missing");
      assertThatThrownBy(() -> new IncidentUpdate(null, null, null, " "))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

}

package dev.bulwark.response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bulwark.classify.phrase.PhraseRule;
import dev.bulwark.core.Action;
import dev.bulwark.response.internal.Json;
import dev.bulwark.response.patch.Signatures;
import dev.bulwark.response.registry.ArtifactKind;
import dev.bulwark.response.registry.DeploymentState;
import dev.bulwark.response.registry.Release;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Releases swapped into a running gateway: rollback, canaries, and swaps under concurrent streams. */
class DeploymentTest {
  private GatewayFixture f;

  @BeforeEach
  void start() throws Exception {
    f = new GatewayFixture(Clock.systemUTC());
  }

  @AfterEach
  void stop() {
    f.close();
  }

  /** A release whose only addition is a rule set: cheap to make, and its stage version names its rules. */
  private Release rules(String... phrases) {
    List<PhraseRule> rules = new ArrayList<>();
    for (String p : phrases) {
      rules.add(PhraseRule.phrase("t." + p.replace(' ', '-'), "jailbreak", Action.BLOCK, p, PhraseRule.Scope.BOTH));
    }
    String art = f.rr.registry().put(ArtifactKind.SIGNATURES, null,
        Signatures.toArchive("rules-" + String.join("-", phrases).replace(' ', '_'), rules, Json.object()).toBytes()).id();
    return f.rr.registry().createRelease(null, null, Release.Spec.EMPTY.withSignatures(art), "test rules");
  }

  @Test
  void rollback_afterDeploy_restoresEarlierVerdicts() throws Exception {
    String prompt = "I like the purple elephant painting in the hallway.";
    assertThat(GatewayFixture.refused(f.chat(prompt, false))).isFalse();
    Release r = rules("purple elephant painting");
    f.rr.deployments().deploy(r.id(), "alice", "block the marker");
    f.watcher.refresh();
    assertThat(GatewayFixture.refused(f.chat(prompt, false))).isTrue();

    DeploymentState back = f.rr.deployments().rollback("alice", "false alarm");
    assertThat(back.kind()).isEqualTo(DeploymentState.Kind.ROLLBACK);
    assertThat(back.releaseId()).isNull();
    f.watcher.refresh();
    assertThat(GatewayFixture.refused(f.chat(prompt, false))).isFalse();
    assertThat(f.store.events().read(0, 1000)).extracting(e -> e.type())
        .contains("response.deployment.deploy", "response.deployment.rollback");
    assertThatThrownBy(() -> f.rr.deployments().rollback("alice", "again")).hasMessageContaining("nothing");
  }

  @Test
  void rollback_twice_goesBackTwoSteps() {
    Release a = rules("marker one");
    Release b = rules("marker two");
    f.rr.deployments().deploy(a.id(), "alice", "a");
    f.rr.deployments().deploy(b.id(), "alice", "b");
    assertThat(f.rr.deployments().rollback("alice", "undo b").releaseId()).isEqualTo(a.id());
    assertThat(f.rr.deployments().rollback("alice", "undo a").releaseId()).isNull();
  }

  @Test
  void canary_onePolicy_othersKeepStable() throws Exception {
    Release r = rules("canary marker phrase");
    f.rr.deployments().canary(r.id(), Set.of("other-tier"), "alice", "try it");
    f.watcher.refresh();
    assertThat(GatewayFixture.refused(f.chat("the canary marker phrase", false))).as("standard is not in the canary").isFalse();
    f.rr.deployments().canary(r.id(), Set.of("standard"), "alice", "now standard");
    f.watcher.refresh();
    assertThat(GatewayFixture.refused(f.chat("the canary marker phrase", false))).isTrue();
    f.rr.deployments().promote("alice", "looks good");
    assertThat(f.rr.deployments().current().releaseId()).isEqualTo(r.id());
    assertThat(f.rr.deployments().current().canaryReleaseId()).isNull();
    assertThatThrownBy(() -> f.rr.deployments().promote("alice", "again")).hasMessageContaining("no canary");
  }

  @Test
  void swap_duringConcurrentStreams_eachRequestSeesOneVersion() throws Exception {
    Release one = rules("zebra marker");
    Release two = rules("zebra marker", "yak marker");
    f.rr.deployments().deploy(one.id(), "t", "start");
    f.watcher.refresh();
    AtomicBoolean swapping = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      CompletableFuture<Integer> swapper = CompletableFuture.supplyAsync(() -> {
        int swaps = 0;
        while (swapping.get()) {
          f.rr.deployments().deploy((swaps % 2 == 0 ? two : one).id(), "t", "flip");
          f.watcher.refresh();
          swaps++;
        }
        return swaps;
      }, pool);
      List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
      for (int i = 0; i < 30; i++) {
        calls.add(CompletableFuture.supplyAsync(() -> {
          try {
            return f.chat("slow please", true);
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }, pool));
      }
      List<HttpResponse<String>> responses = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> c : calls) {
        responses.add(c.join());
      }
      swapping.set(false);
      assertThat(swapper.join()).isGreaterThan(1);
      Set<String> versionsSeen = new HashSet<>();
      for (HttpResponse<String> r : responses) {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).endsWith("data: [DONE]\n\n").doesNotContain("content_filter");
        JsonNode verdicts = Json.read(f.finalBody(r)).path("verdicts");
        String prompt = version(verdicts.path("prompt"));
        String stream = version(verdicts.path("stream"));
        assertThat(prompt).isNotNull();
        assertThat(stream).as("the stream's version is the prompt's").isEqualTo(prompt);
        versionsSeen.add(prompt);
      }
      assertThat(versionsSeen).isNotEmpty();
    } finally {
      swapping.set(false);
      pool.shutdownNow();
    }
  }

  private static String version(JsonNode verdicts) {
    for (JsonNode v : verdicts) {
      if (v.path("stage").asText().equals("rapid-response-signatures")) {
        return v.path("version").asText();
      }
    }
    return null;
  }

  @Test
  void promptPatch_deployed_upstreamGetsSystemAddendumForItsPolicyOnly() throws Exception {
    String art = f.rr.registry().put(ArtifactKind.PROMPT_PATCHES, "fam-x", dev.bulwark.response.patch.PromptPatch.toArchive("pp-1",
        List.of(new dev.bulwark.response.patch.PromptPatch("fam-x", List.of("standard"), "Safety notice: decline decoded harm.")),
        Json.object()).toBytes()).id();
    Release r = f.rr.registry().createRelease(null, "fam-x", Release.Spec.EMPTY.withPromptPatches(art), "stopgap");
    f.rr.deployments().deploy(r.id(), "t", "stopgap");
    f.watcher.refresh();
    f.simulator.reset();
    assertThat(f.chat("hello there", false).statusCode()).isEqualTo(200);
    assertThat(f.simulator.requests()).singleElement().satisfies(req ->
        assertThat(req.body()).contains("Safety notice: decline decoded harm."));
    String other = f.rr.registry().put(ArtifactKind.PROMPT_PATCHES, "fam-x", dev.bulwark.response.patch.PromptPatch.toArchive("pp-2",
        List.of(new dev.bulwark.response.patch.PromptPatch("fam-x", List.of("gold"), "Gold only.")), Json.object()).toBytes()).id();
    f.rr.deployments().deploy(f.rr.registry().createRelease(r.id(), "fam-x", Release.Spec.EMPTY.withPromptPatches(other), "gold").id(),
        "t", "gold only");
    f.watcher.refresh();
    f.simulator.reset();
    f.chat("hello again", false);
    assertThat(f.simulator.requests()).singleElement().satisfies(req -> assertThat(req.body()).doesNotContain("Gold only."));
  }

  @Test
  void deploy_refusedRelease_isRefused() {
    Release r = rules("some phrase here");
    f.rr.registry().setStatus(r.id(), Release.Status.REFUSED);
    assertThatThrownBy(() -> f.rr.deployments().deploy(r.id(), "t", "x")).hasMessageContaining("refused");
    assertThatThrownBy(() -> f.rr.deployments().deploy("rel-9999", "t", "x")).hasMessageContaining("no release");
    Release ok = rules("another phrase here");
    assertThatThrownBy(() -> f.rr.deployments().deploy(ok.id(), " ", "x")).hasMessageContaining("actor");
  }
}

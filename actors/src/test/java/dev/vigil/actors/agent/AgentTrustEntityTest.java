package dev.vigil.actors.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;

import dev.vigil.actors.policy.PolicyRequests;
import dev.vigil.policy.Decision;
import dev.vigil.policy.PolicyCompiler;
import dev.vigil.policy.PolicySet;
import dev.vigil.protocol.AgentProtocol;
import dev.vigil.protocol.AgentProtocol.Command;
import dev.vigil.protocol.AgentProtocol.Event;
import dev.vigil.protocol.AgentProtocol.TrustView;
import dev.vigil.protocol.PolicyProtocol.DecisionView;
import dev.vigil.protocol.PolicyProtocol.EvaluationInput;
import dev.vigil.receipt.Receipt;
import dev.vigil.sentinel.SentinelSettings;
import dev.vigil.trust.DemotionPolicy;
import dev.vigil.trust.PhaseTable;
import dev.vigil.trust.PromotionCriteria;
import dev.vigil.trust.TrustSettings;

/**
 * The Agent entity's graduated trust and monitoring, event-sourced with Pekko's testkit (every command, event and
 * snapshot also goes through the stable-name serializer). Decisions come from the real policy engine.
 */
@ExtendWith(LogCapturingExtension.class)
class AgentTrustEntityTest {

  static final ActorTestKit testKit = ActorTestKit.create("agent-trust",
      EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.load()));
  static final ObjectMapper JSON = new ObjectMapper();
  /**
   * Commands and events go through the serializer; the live state is mutable and never serialized as such (snapshots
   * go through {@link AgentSnapshot}, whose round trip SerializationCompatibilityTest checks).
   */
  static final EventSourcedBehaviorTestKit.SerializationSettings SERIALIZATION =
      EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyState(false);
  static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");

  static final PolicySet POLICY = PolicySet.of(PolicyCompiler.compile("""
      schema: vigil/v1
      id: trust-test
      version: 1.0.0
      default: deny
      rules:
        - id: no-critical-content
          action: "**"
          effect: deny
          reason: critical finding in the payload
          when:
            scan: {min_severity: critical}
        - id: reads
          action: ["file.read", "db.query", "search.*", "ticket.*"]
          effect: allow
          reason: reads are fine
      """));

  /** The real policy engine in place of the pool (same code the workers run). */
  static final AgentEntity.Evaluator ENGINE = (input, usage) -> {
    // the test policy has no quotas, so a fresh ledger per decision is exact
    Decision decision = POLICY.evaluate(PolicyRequests.toEngine(input), new dev.vigil.policy.InMemoryQuotaLedger());
    return CompletableFuture.completedFuture(PolicyRequests.toView(decision, List.of(), false));
  };

  /** Shadow promotes after 1 investigation, 6 decisions, at most 50% denied, 50% agreement, 1 quiet hour. */
  static final TrustSettings TRUST = new TrustSettings(new PhaseTable(List.of(
      entry(PhaseTable.defaults().entries().get(0), new PromotionCriteria(1, 0, 6, 0.5, 0.5, Duration.ofHours(1), false)),
      PhaseTable.defaults().entries().get(1), PhaseTable.defaults().entries().get(2),
      PhaseTable.defaults().entries().get(3))), DemotionPolicy.DEFAULT);

  static PhaseTable.Entry entry(PhaseTable.Entry base, PromotionCriteria promotion) {
    return new PhaseTable.Entry(base.phase(), base.serviceAccount(), base.credentialDomains(), base.regime(), promotion);
  }

  /** A clock the test moves. */
  static final class TestClock extends Clock {
    volatile Instant now = T0;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }

    void advance(Duration by) {
      now = now.plus(by);
    }
  }

  TestClock clock;

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @BeforeEach
  void newClock() {
    clock = new TestClock();
  }

  EventSourcedBehaviorTestKit<Command, Event, AgentEntity.State> agent(String id, AgentSettings settings) {
    EventSourcedBehaviorTestKit<Command, Event, AgentEntity.State> kit = EventSourcedBehaviorTestKit.create(
        testKit.system(), AgentEntity.create(id, clock, ENGINE, settings, AgentPublisher.NONE), SERIALIZATION);
    kit.<StatusReply<AgentProtocol.AgentView>>runCommand(reply -> new AgentProtocol.Register(id, Map.of("team", "sre"),
        reply));
    return kit;
  }

  static AgentSettings settings() {
    return AgentSettings.DEFAULT.withTrust(TRUST);
  }

  static DecisionView decide(EventSourcedBehaviorTestKit<Command, Event, AgentEntity.State> kit, String action,
      String scanSeverity, List<String> types) {
    EvaluationInput input = new EvaluationInput(null, null, action, "res/1", Map.of("q", "x"), null, null, Map.of(),
        null, scanSeverity, types);
    StatusReply<DecisionView> reply = kit.<StatusReply<DecisionView>>runCommand(
        r -> new AgentProtocol.Decide(input, true, r)).reply();
    assertTrue(reply.isSuccess(), () -> "decided: " + reply);
    return reply.getValue();
  }

  static TrustView trust(EventSourcedBehaviorTestKit<Command, Event, AgentEntity.State> kit) {
    return kit.<StatusReply<TrustView>>runCommand(AgentProtocol.GetTrust::new).reply().getValue();
  }

  static List<JsonNode> chain(EventSourcedBehaviorTestKit<Command, Event, AgentEntity.State> kit) throws Exception {
    List<JsonNode> receipts = new ArrayList<>();
    for (Object event : events(kit)) {
      String json = event instanceof AgentProtocol.Decided d ? d.receipt()
          : event instanceof AgentProtocol.PhaseChanged p ? p.receipt() : null;
      if (json != null) {
        receipts.add(JSON.readTree(json));
      }
    }
    return receipts;
  }

  /**
   * An evaluation made in place (PolicyClient on a node of role policy) arrives as a completed future and is taken
   * at once; one from the pool arrives later as a message to the entity. Both, and both kinds of refusal, must end
   * the same way: one answer, one recorded decision for a success, none for a refusal.
   */
  @Test
  void evaluationsAnsweredAtOnceOrLaterAndRefusalsOfBothKindsEndTheSameWay() {
    java.util.concurrent.Executor later = CompletableFuture.delayedExecutor(50, java.util.concurrent.TimeUnit.MILLISECONDS);
    AgentEntity.Evaluator fromThePool = (input, usage) -> CompletableFuture.supplyAsync(
        () -> ENGINE.apply(input, usage).toCompletableFuture().join(), later);
    AgentEntity.Evaluator refusedAtOnce = (input, usage) ->
        CompletableFuture.failedFuture(new IllegalArgumentException("cannot evaluate: unknown phase"));
    AgentEntity.Evaluator refusedLater = (input, usage) -> CompletableFuture.supplyAsync(() -> {
      throw new IllegalArgumentException("cannot evaluate: unknown phase");
    }, later);
    EvaluationInput input = new EvaluationInput(null, null, "db.query", "res/1", Map.of("q", "x"), null, null,
        Map.of(), null, "none", List.of());

    DecisionView inPlace = null;
    for (AgentEntity.Evaluator evaluator : List.of(ENGINE, fromThePool)) {
      var kit = agentDecidingWith("paths-" + System.identityHashCode(evaluator), evaluator);
      StatusReply<DecisionView> reply = decideOnce(kit, input, "req-1");
      assertTrue(reply.isSuccess(), () -> "decided: " + reply);
      assertEquals(1, events(kit).stream().filter(AgentProtocol.Decided.class::isInstance).count());
      if (inPlace == null) {
        inPlace = reply.getValue();
      } else {
        assertEquals(inPlace.effect(), reply.getValue().effect());
        assertEquals(inPlace.ruleId(), reply.getValue().ruleId());
      }
      // the entity is free for the next decision either way
      assertTrue(decideOnce(kit, input, "req-2").isSuccess());
    }
    for (AgentEntity.Evaluator evaluator : List.of(refusedAtOnce, refusedLater)) {
      var kit = agentDecidingWith("refused-" + System.identityHashCode(evaluator), evaluator);
      StatusReply<DecisionView> reply = decideOnce(kit, input, "req-1");
      assertTrue(reply.isError(), () -> "refused: " + reply);
      assertEquals("the policy pool did not decide: cannot evaluate: unknown phase", reply.getError().getMessage());
      assertEquals(0, events(kit).stream().filter(AgentProtocol.Decided.class::isInstance).count());
      // a refusal leaves the entity able to take the next command
      assertTrue(decideOnce(kit, input, "req-2").isError());
    }
  }

  EventSourcedBehaviorTestKit<Command, Event, AgentEntity.State> agentDecidingWith(String id,
      AgentEntity.Evaluator evaluator) {
    return EventSourcedBehaviorTestKit.create(testKit.system(),
        AgentEntity.create(id, clock, evaluator, settings(), AgentPublisher.NONE), SERIALIZATION);
  }

  static StatusReply<DecisionView> decideOnce(EventSourcedBehaviorTestKit<Command, Event, AgentEntity.State> kit,
      EvaluationInput input, String requestId) {
    return kit.<StatusReply<DecisionView>>runCommand(r -> new AgentProtocol.Decide(input, true, r, requestId)).reply();
  }

  @Test
  void aDecisionAskedAgainWithItsRequestIdIsAnsweredOnceAndCountedOnce() {
    var kit = agent("retried-1", settings());
    EvaluationInput input = new EvaluationInput(null, null, "db.query", "res/1", Map.of("q", "x"), null, null, Map.of(),
        null, "none", List.of());
    long before = events(kit).stream().filter(AgentProtocol.Decided.class::isInstance).count();
    StatusReply<DecisionView> first = kit.<StatusReply<DecisionView>>runCommand(
        r -> new AgentProtocol.Decide(input, true, r, "req-1")).reply();
    StatusReply<DecisionView> again = kit.<StatusReply<DecisionView>>runCommand(
        r -> new AgentProtocol.Decide(input, true, r, "req-1")).reply();
    assertTrue(first.isSuccess() && again.isSuccess());
    assertEquals(first.getValue(), again.getValue(), "the retry gets the first answer, receipt included");
    assertEquals(before + 1, events(kit).stream().filter(AgentProtocol.Decided.class::isInstance).count(),
        "one decision recorded for both asks");
    kit.<StatusReply<DecisionView>>runCommand(r -> new AgentProtocol.Decide(input, true, r, "req-2"));
    kit.<StatusReply<DecisionView>>runCommand(r -> new AgentProtocol.Decide(input, true, r));
    assertEquals(before + 3, events(kit).stream().filter(AgentProtocol.Decided.class::isInstance).count(),
        "another request id, or none, is another decision");
    // no caller retries for longer than the window: the answer is forgotten then, so it takes no memory
    clock.advance(AgentEntity.RETRY_WINDOW.plusSeconds(1));
    kit.<StatusReply<DecisionView>>runCommand(r -> new AgentProtocol.Decide(input, true, r, "req-1"));
    assertEquals(before + 4, events(kit).stream().filter(AgentProtocol.Decided.class::isInstance).count(),
        "a request id past the retry window is a new decision");
  }

  @Test
  void aShadowAgentBecomesEligibleFromWhatItDidAndAnOperatorPromotesItWithAReceipt() throws Exception {
    var kit = agent("eligible-1", settings());
    TrustView fresh = trust(kit);
    assertEquals("shadow", fresh.phase());
    assertFalse(fresh.eligible());
    assertEquals("read-only", fresh.promotesTo());

    // 5 reads (allowed: agreement) and 1 write (denied: disagreement)
    for (int i = 0; i < 5; i++) {
      assertEquals("allow", decide(kit, "db.query", "none", List.of()).effect());
    }
    assertEquals("deny", decide(kit, "file.write", "none", List.of()).effect());
    TrustView afterDecisions = trust(kit);
    assertEquals(6, afterDecisions.evidence().decisionsTotal());
    assertEquals(6, afterDecisions.evidence().shadowProposals());
    assertEquals(5, afterDecisions.evidence().shadowAgreements());
    assertFalse(afterDecisions.eligible(), "no investigation yet");
    var investigations = afterDecisions.criteria().stream().filter(c -> c.name().equals("investigations")).findFirst()
        .orElseThrow();
    assertEquals("1 more successful investigation", investigations.shortfall());

    StatusReply<TrustView> refused = kit.<StatusReply<TrustView>>runCommand(
        r -> new AgentProtocol.Promote("ops", false, r)).reply();
    assertTrue(refused.isError());
    assertTrue(refused.getError().getMessage().startsWith(AgentProtocol.NOT_ELIGIBLE), refused.getError().getMessage());
    assertTrue(refused.getError().getMessage().contains("1 more successful investigation"));

    var concluded = kit.<StatusReply<org.apache.pekko.Done>>runCommand(
        r -> new AgentProtocol.InvestigationConcluded("inv-1", "succeeded", clock.instant(), r));
    assertTrue(concluded.reply().isSuccess());
    assertEquals(List.of(new AgentProtocol.InvestigationEnded("inv-1", "succeeded", clock.instant())),
        concluded.events());
    var repeated = kit.<StatusReply<org.apache.pekko.Done>>runCommand(
        r -> new AgentProtocol.InvestigationConcluded("inv-1", "succeeded", clock.instant(), r));
    assertTrue(repeated.reply().isSuccess());
    assertTrue(repeated.events().isEmpty(), "a repeated conclusion is acknowledged and changes nothing");
    assertTrue(trust(kit).eligible());

    clock.advance(Duration.ofMinutes(5));
    var promoted = kit.<StatusReply<TrustView>>runCommand(r -> new AgentProtocol.Promote("ops", false, r));
    assertTrue(promoted.reply().isSuccess());
    TrustView view = promoted.reply().getValue();
    assertEquals("read-only", view.phase());
    assertEquals(0, view.evidence().decisionsTotal(), "counters restart in the new phase");
    AgentProtocol.PhaseChanged change = (AgentProtocol.PhaseChanged) promoted.events().get(0);
    assertEquals("promoted-by-operator", change.cause());
    assertEquals("ops", change.actor());

    Receipt receipt = Receipt.fromJson(JSON.readTree(change.receipt()));
    assertEquals(AgentEntity.PHASE_CHANGE_KIND, receipt.kind());
    assertEquals(view.lastChangeReceiptId(), receipt.id());
    assertEquals(7, receipt.sequence(), "after the 6 decision receipts");
    assertTrue(receipt.isSealedCorrectly());
    JsonNode body = receipt.body();
    assertEquals("promotion", body.get("type").asText());
    assertEquals("shadow", body.get("from").asText());
    assertEquals("read-only", body.get("to").asText());
    assertEquals(6, body.get("evidence").get("decisionsTotal").asInt());
    assertEquals(5, body.get("evidence").get("shadowAgreements").asInt());
    assertEquals(1, body.get("evidence").get("investigationsSucceeded").asInt());
    assertTrue(body.get("reason").asText().startsWith("promoted by ops: investigations 1 >= 1"), body.toString());

    // the chain is one unbroken line: decisions and the phase change
    List<JsonNode> receipts = chain(kit);
    assertEquals(7, receipts.size());
    for (int i = 1; i < receipts.size(); i++) {
      assertEquals(receipts.get(i - 1).get("hash").asText(), receipts.get(i).get("prevHash").asText());
    }
    // decisions in read-only are no longer shadow proposals
    decide(kit, "db.query", "none", List.of());
    assertEquals(0, trust(kit).evidence().shadowProposals());
  }

  @Test
  void aCriticalFindingDemotesToShadowAutomaticallyWithTheFindingAsEvidence() throws Exception {
    var kit = agent("critical-1", settings());
    var forced = kit.<StatusReply<TrustView>>runCommand(r -> new AgentProtocol.Promote("ops", true, r)).reply();
    assertTrue(forced.isSuccess());
    assertEquals("read-only", forced.getValue().phase());
    var again = kit.<StatusReply<TrustView>>runCommand(r -> new AgentProtocol.Promote("ops", true, r)).reply();
    assertEquals("limited-write", again.getValue().phase());

    clock.advance(Duration.ofMinutes(1));
    var result = kit.<StatusReply<DecisionView>>runCommand(r -> new AgentProtocol.Decide(new EvaluationInput(null,
        null, "ticket.comment", "t/1", Map.of(), null, null, Map.of(), null, "critical", List.of("secret")), true, r));
    assertEquals("deny", result.reply().getValue().effect(), "the policy used the scan summary");
    assertEquals("no-critical-content", result.reply().getValue().ruleId());
    List<Event> events = result.events();
    assertEquals(2, events.size(), events::toString);
    AgentProtocol.Decided decided = (AgentProtocol.Decided) events.get(0);
    assertEquals("critical", decided.scanMaxSeverity());
    AgentProtocol.PhaseChanged demoted = (AgentProtocol.PhaseChanged) events.get(1);
    assertEquals("limited-write", demoted.from());
    assertEquals("shadow", demoted.to());
    assertEquals("critical-finding", demoted.cause());
    assertEquals("vigil", demoted.actor());
    JsonNode body = Receipt.fromJson(JSON.readTree(demoted.receipt())).body();
    assertEquals("demotion", body.get("type").asText());
    assertTrue(body.get("reason").asText().contains("critical scanner finding (secret in ticket.comment)"),
        body.get("reason").asText());
    assertEquals(1, body.get("evidence").get("criticalFindings").asInt());

    TrustView now = trust(kit);
    assertEquals("shadow", now.phase());
    assertEquals(clock.instant(), now.evidence().lastCriticalFindingAt());
    var quiet = now.criteria().stream().filter(c -> c.name().equals("quiet-window")).findFirst().orElseThrow();
    assertFalse(quiet.met(), "the incident holds the next promotion back");

    // an operator can demote too, to any lower phase
    kit.<StatusReply<TrustView>>runCommand(r -> new AgentProtocol.Promote("ops", true, r));
    var manual = kit.<StatusReply<TrustView>>runCommand(
        r -> new AgentProtocol.Demote("sec", "shadow", "reviewing its tickets", r));
    assertEquals("shadow", manual.reply().getValue().phase());
    assertEquals("demoted-by-operator", ((AgentProtocol.PhaseChanged) manual.events().get(0)).cause());
    var lowest = kit.<StatusReply<TrustView>>runCommand(r -> new AgentProtocol.Demote("sec", null, "again", r));
    assertTrue(lowest.reply().isError(), "nothing is lower than shadow");
  }

  @Test
  void aLoopingAgentRaisesAnActionRateAlertAndANormalOneRaisesNone() {
    SentinelSettings sentinel = SentinelSettings.DEFAULT.withBaseline(40, Duration.ofMinutes(10));
    var looping = agent("looping-1", settings().withSentinel(sentinel));
    // baseline: 4 decisions a minute for 15 minutes, a mix of reads
    String[] actions = {"db.query", "file.read", "search.docs", "ticket.get"};
    for (int minute = 0; minute < 15; minute++) {
      for (int i = 0; i < 4; i++) {
        clock.advance(Duration.ofSeconds(15));
        decide(looping, actions[(minute + i) % 4], "none", List.of());
      }
    }
    assertTrue(alerts(looping).isEmpty(), "a normal agent raises nothing");
    // the loop: one query every second
    int loopDecisions = 0;
    while (alerts(looping).isEmpty() && loopDecisions < 60) {
      clock.advance(Duration.ofSeconds(1));
      decide(looping, "db.query", "none", List.of());
      loopDecisions++;
    }
    List<AgentProtocol.AlertRaised> raised = alerts(looping);
    assertEquals(1, raised.size(), raised::toString);
    AgentProtocol.AlertRaised alert = raised.get(0);
    assertEquals("action-rate", alert.metric());
    assertEquals("ewma", alert.method());
    assertEquals("high", alert.severity());
    assertTrue(alert.observed() > alert.threshold());
    assertTrue(loopDecisions <= 25, "caught within the loop's first minute, after " + loopDecisions);
    TrustView view = trust(looping);
    assertEquals(1, view.evidence().alerts());
    assertEquals("shadow", view.phase(), "already in the lowest phase: nothing to demote");
  }

  @Test
  void recoveryFromASnapshotRestoresTrustMonitorQuotaAndTheChainHead() throws Exception {
    var kit = agent("snap-1", settings().withSnapshotEvery(3));
    for (int i = 0; i < 7; i++) {
      clock.advance(Duration.ofSeconds(10));
      decide(kit, i % 3 == 0 ? "file.write" : "db.query", "none", List.of());
    }
    kit.<StatusReply<TrustView>>runCommand(r -> new AgentProtocol.Promote("ops", true, r));
    TrustView before = trust(kit);
    var snapshots = kit.snapshotTestKit().orElseThrow().persistedInStorage("Agent|snap-1");
    assertFalse(snapshots.isEmpty(), "snapshots were taken");
    assertTrue(snapshots.get(snapshots.size() - 1).second() instanceof AgentSnapshot, "as the snapshot record");
    var restarted = kit.restart();
    assertTrue(restarted.state() instanceof AgentEntity.Active);
    TrustView after = trust(kit);
    assertEquals(before, after);
    // the chain continues from the recovered head
    decide(kit, "db.query", "none", List.of());
    List<JsonNode> receipts = chain(kit);
    for (int i = 1; i < receipts.size(); i++) {
      assertEquals(receipts.get(i - 1).get("hash").asText(), receipts.get(i).get("prevHash").asText());
      assertEquals(i + 1, receipts.get(i).get("sequence").asInt());
    }
  }

  @Test
  void unknownAgentsAreRefused() {
    EventSourcedBehaviorTestKit<Command, Event, AgentEntity.State> kit = EventSourcedBehaviorTestKit.create(
        testKit.system(), AgentEntity.create("nobody", clock, ENGINE, settings(), AgentPublisher.NONE), SERIALIZATION);
    var reply = kit.<StatusReply<TrustView>>runCommand(AgentProtocol.GetTrust::new).reply();
    assertTrue(reply.isError());
    assertNull(kit.getState() instanceof AgentEntity.Active ? "registered" : null);
  }

  static List<Object> events(EventSourcedBehaviorTestKit<Command, Event, AgentEntity.State> kit) {
    AgentEntity.State state = kit.getState();
    String id = state instanceof AgentEntity.Active active ? active.agentId : "none";
    return kit.persistenceTestKit().persistedInStorage("Agent|" + id);
  }

  static List<AgentProtocol.AlertRaised> alerts(EventSourcedBehaviorTestKit<Command, Event, AgentEntity.State> kit) {
    return events(kit).stream().filter(AgentProtocol.AlertRaised.class::isInstance)
        .map(AgentProtocol.AlertRaised.class::cast).toList();
  }
}

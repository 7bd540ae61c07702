package dev.vigil.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.policy.Effect;
import dev.vigil.receipt.CanonicalJson;
import dev.vigil.scan.Severity;
import dev.vigil.trust.TrustObservation.DecisionMade;
import dev.vigil.trust.TrustObservation.Incident;
import dev.vigil.trust.TrustObservation.InvestigationEnded;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Promotion by operators and automatically, demotion by incidents and operators, and event-sourcing replay. */
class AgentTrustTest {

  private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
  private static final PromotionCriteria EASY = new PromotionCriteria(2, 1, 10, 0.2, 0.8, Duration.ofDays(1), false);

  @Test
  void anOperatorPromotesAnEligibleAgentAndIsRefusedOtherwise() {
    TrustSettings settings = settings(EASY, DemotionPolicy.DEFAULT);
    AgentTrust agent = AgentTrust.start(T0);
    assertEquals(TrustPhase.SHADOW, agent.phase());

    AgentTrust.PromotionDecision refused = agent.promote("alice", false, settings, T0.plus(Duration.ofDays(2)));
    assertFalse(refused.accepted());
    assertTrue(refused.progress().shortfallSummary().contains("2 more successful investigations"),
        refused.progress().shortfallSummary());

    agent = earnShadow(agent, settings);
    Instant now = T0.plus(Duration.ofDays(2));
    AgentTrust.PromotionDecision accepted = agent.promote("alice", false, settings, now);
    assertTrue(accepted.accepted());
    PhaseChange change = accepted.change();
    assertEquals(TrustPhase.SHADOW, change.from());
    assertEquals(TrustPhase.READ_ONLY, change.to());
    assertEquals(PhaseChange.Cause.PROMOTED_BY_OPERATOR, change.cause());
    assertEquals("alice", change.actor());
    assertTrue(change.reason().startsWith("promoted by alice: investigations 2 >= 2, days-in-phase 2 >= 1, "
        + "decisions 10 >= 10, denial-rate 0.1 <= 0.2"), change.reason());
    assertEquals(10, change.evidence().decisionsTotal(), "the receipt carries the evidence of the phase left");

    AgentTrust promoted = agent.applied(change);
    assertEquals(TrustPhase.READ_ONLY, promoted.phase());
    assertEquals(0, promoted.evidence().decisionsTotal());
    assertEquals(now, promoted.evidence().phaseEnteredAt());
  }

  @Test
  void aForcedPromotionRecordsTheUnmetCriteria() {
    AgentTrust.PromotionDecision forced = AgentTrust.start(T0).promote("bob", true,
        settings(EASY, DemotionPolicy.DEFAULT), T0.plus(Duration.ofHours(1)));
    assertTrue(forced.accepted());
    assertTrue(forced.change().reason().startsWith("promoted by bob despite unmet criteria: 2 more successful"),
        forced.change().reason());
  }

  @Test
  void automaticCriteriaPromoteOnTheObservationThatCompletesThem() {
    PromotionCriteria automatic = new PromotionCriteria(1, 0, 0, 1, 0, Duration.ZERO, true);
    TrustSettings settings = settings(automatic, DemotionPolicy.DEFAULT);
    AgentTrust.Step step = AgentTrust.start(T0)
        .observe(new InvestigationEnded("inv-1", InvestigationOutcome.SUCCEEDED, T0.plusSeconds(5)), settings);
    assertEquals(1, step.changes().size());
    assertEquals(PhaseChange.Cause.PROMOTED_AUTOMATICALLY, step.changes().get(0).cause());
    assertEquals(PhaseChange.VIGIL, step.changes().get(0).actor());
    assertEquals(TrustPhase.READ_ONLY, step.state().phase());
  }

  @Test
  void incidentsDemoteAsTheDemotionPolicySays() {
    TrustSettings settings = settings(EASY, DemotionPolicy.DEFAULT);
    AgentTrust limited = new AgentTrust(Evidence.start(TrustPhase.LIMITED_WRITE, T0));
    Instant at = T0.plus(Duration.ofHours(3));

    AgentTrust.Step alert = limited.observe(new Incident(new DemotionTrigger.MonitoringAlert("action-rate", "ewma",
        Severity.HIGH, "87 decisions in one minute, expected 4.1", at)), settings);
    assertEquals(TrustPhase.READ_ONLY, alert.state().phase(), "a high alert: one step down");
    PhaseChange change = alert.changes().get(0);
    assertEquals(PhaseChange.Cause.MONITORING_ALERT, change.cause());
    assertEquals("demoted from limited-write to read-only (one-step) on high ewma alert on action-rate "
        + "(87 decisions in one minute, expected 4.1) at 2026-03-02T12:00:00Z", change.reason());
    assertEquals(1, change.evidence().alerts(), "the evidence names the incident");
    assertEquals(at, alert.state().evidence().lastAlertAt());

    AgentTrust.Step medium = limited.observe(new Incident(new DemotionTrigger.MonitoringAlert("denial-rate", "cusum",
        Severity.MEDIUM, "denials up", at)), settings);
    assertEquals(List.of(), medium.changes(), "below the policy's alert severity: recorded only");
    assertEquals(1, medium.state().evidence().alerts());

    AgentTrust.Step finding = limited.observe(new Incident(new DemotionTrigger.CriticalFinding(
        "secret/aws-access-key in file.write", at)), settings);
    assertEquals(TrustPhase.SHADOW, finding.state().phase(), "a critical finding: back to shadow");

    AgentTrust.Step violation = new AgentTrust(Evidence.start(TrustPhase.SHADOW, T0))
        .observe(new Incident(new DemotionTrigger.PolicyViolation("no-prod-writes", "executed a denied write", at)),
            settings);
    assertEquals(List.of(), violation.changes(), "nothing is below shadow");
    assertEquals(1, violation.state().evidence().violations());
  }

  @Test
  void theDemotionPolicyIsConfigurable() {
    DemotionPolicy lenient = new DemotionPolicy(DemotionPolicy.Target.ONE_STEP, DemotionPolicy.Target.NONE,
        DemotionPolicy.Target.TO_SHADOW, Severity.LOW);
    Evidence autonomous = Evidence.start(TrustPhase.AUTONOMOUS, T0);
    assertEquals(TrustPhase.LIMITED_WRITE,
        lenient.decide(autonomous, new DemotionTrigger.CriticalFinding("x", T0)).orElseThrow().to());
    assertTrue(lenient.decide(autonomous,
        new DemotionTrigger.MonitoringAlert("m", "ewma", Severity.CRITICAL, "x", T0)).isEmpty());
    assertEquals(TrustPhase.SHADOW,
        lenient.decide(autonomous, new DemotionTrigger.PolicyViolation(null, "x", T0)).orElseThrow().to());
  }

  @Test
  void anOperatorDemotesOnlyDownwards() {
    AgentTrust agent = new AgentTrust(Evidence.start(TrustPhase.LIMITED_WRITE, T0));
    PhaseChange change = agent.demote("carol", TrustPhase.SHADOW, "odd tickets", T0.plusSeconds(60));
    assertEquals(PhaseChange.Cause.DEMOTED_BY_OPERATOR, change.cause());
    assertEquals("demoted by carol: odd tickets", change.reason());
    assertThrows(IllegalArgumentException.class, () -> agent.demote("carol", TrustPhase.AUTONOMOUS, "", T0));
    assertThrows(IllegalArgumentException.class, () -> agent.demote("carol", TrustPhase.LIMITED_WRITE, "", T0));
  }

  @Test
  void replayingRecordedObservationsAndChangesReachesTheSameStateAsTheCommandSide() {
    TrustSettings settings = settings(new PromotionCriteria(1, 0, 2, 0.5, 0, Duration.ofHours(1), true),
        DemotionPolicy.DEFAULT);
    List<TrustObservation> observations = List.of(
        new DecisionMade(Effect.ALLOW, true, T0.plusSeconds(1)),
        new DecisionMade(Effect.DENY, true, T0.plusSeconds(2)),
        new InvestigationEnded("i1", InvestigationOutcome.SUCCEEDED, T0.plusSeconds(3)),
        new Incident(new DemotionTrigger.CriticalFinding("secret", T0.plusSeconds(4))),
        new DecisionMade(Effect.ALLOW, null, T0.plus(Duration.ofHours(2))),
        new DecisionMade(Effect.ALLOW, null, T0.plus(Duration.ofHours(2)).plusSeconds(1)),
        new InvestigationEnded("i2", InvestigationOutcome.SUCCEEDED, T0.plus(Duration.ofHours(3))));

    AgentTrust commandSide = AgentTrust.start(T0);
    List<Object> journal = new ArrayList<>();
    for (TrustObservation observation : observations) {
      AgentTrust.Step step = commandSide.observe(observation, settings);
      journal.add(observation);
      journal.addAll(step.changes());
      commandSide = step.state();
    }
    AgentTrust replayed = AgentTrust.start(T0);
    for (Object event : journal) {
      replayed = event instanceof PhaseChange change ? replayed.applied(change)
          : replayed.recorded((TrustObservation) event);
    }
    assertEquals(commandSide, replayed);
    List<PhaseChange.Cause> causes = journal.stream().filter(PhaseChange.class::isInstance)
        .map(e -> ((PhaseChange) e).cause()).toList();
    // promoted after the first investigation, sent back to shadow by the finding, promoted again
    // once the quiet hour had passed
    assertEquals(List.of(PhaseChange.Cause.PROMOTED_AUTOMATICALLY, PhaseChange.Cause.CRITICAL_FINDING,
        PhaseChange.Cause.PROMOTED_AUTOMATICALLY), causes);
    assertEquals(TrustPhase.READ_ONLY, replayed.phase());
  }

  @Test
  void aPhaseChangeHasACanonicalReceiptPayloadNamingTheEvidence() {
    Evidence evidence = Evidence.start(TrustPhase.READ_ONLY, T0).decisionRecorded(Effect.DENY, null, T0)
        .criticalFinding(T0.plusSeconds(30));
    PhaseChange change = new DemotionPolicy(DemotionPolicy.Target.TO_SHADOW, DemotionPolicy.Target.NONE,
        DemotionPolicy.Target.NONE, Severity.HIGH)
        .decide(evidence, new DemotionTrigger.CriticalFinding("secret/aws-access-key", T0.plusSeconds(30)))
        .orElseThrow();
    Map<String, Object> fields = change.receiptFields();
    assertEquals("demotion", fields.get("type"));
    assertEquals("{\"actor\":\"vigil\",\"at\":\"2026-03-02T09:00:30Z\",\"cause\":\"critical-finding\","
        + "\"evidence\":{\"alerts\":0,\"criticalFindings\":1,\"decisionsDenied\":1,\"decisionsTotal\":1,"
        + "\"investigationsFailed\":0,\"investigationsSucceeded\":0,\"lastCriticalFindingAt\":\"2026-03-02T09:00:30Z\","
        + "\"phaseEnteredAt\":\"2026-03-02T09:00:00Z\",\"shadowAgreements\":0,\"shadowProposals\":0,\"violations\":0},"
        + "\"from\":\"read-only\",\"reason\":\"demoted from read-only to shadow (to-shadow) on critical scanner finding "
        + "(secret/aws-access-key) at 2026-03-02T09:00:30Z\",\"to\":\"shadow\",\"type\":\"demotion\"}",
        CanonicalJson.serialize(fields));
  }

  private static AgentTrust earnShadow(AgentTrust agent, TrustSettings settings) {
    AgentTrust state = agent;
    for (int i = 0; i < 10; i++) {
      state = state.observe(new DecisionMade(i == 0 ? Effect.DENY : Effect.ALLOW, i != 1, T0.plusSeconds(i)), settings)
          .state();
    }
    for (int i = 0; i < 2; i++) {
      state = state.observe(new InvestigationEnded("i" + i, InvestigationOutcome.SUCCEEDED, T0.plusSeconds(100 + i)),
          settings).state();
    }
    return state;
  }

  private static TrustSettings settings(PromotionCriteria shadowCriteria, DemotionPolicy demotion) {
    PhaseTable defaults = PhaseTable.defaults();
    List<PhaseTable.Entry> entries = new ArrayList<>(defaults.entries());
    PhaseTable.Entry shadow = entries.get(0);
    entries.set(0, new PhaseTable.Entry(TrustPhase.SHADOW, shadow.serviceAccount(), shadow.credentialDomains(),
        shadow.regime(), shadowCriteria));
    PhaseTable.Entry readOnly = entries.get(1);
    entries.set(1, new PhaseTable.Entry(TrustPhase.READ_ONLY, readOnly.serviceAccount(), readOnly.credentialDomains(),
        readOnly.regime(), new PromotionCriteria(1000, 1000, 0, 1, 0, Duration.ZERO, false)));
    return new TrustSettings(new PhaseTable(entries), demotion);
  }
}

package dev.vigil.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.policy.Effect;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Evidence counts what happened in a phase; criteria say how far each bound is from holding. */
class PromotionCriteriaTest {

  private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
  private static final PromotionCriteria SHADOW =
      new PromotionCriteria(5, 3, 100, 0.10, 0.90, Duration.ofDays(2), false);

  @Test
  void aNewAgentIsFarFromEveryCriterionAndEachShortfallSaysHowFar() {
    Evidence evidence = Evidence.start(TrustPhase.SHADOW, T0)
        .investigationConcluded(InvestigationOutcome.SUCCEEDED, T0)
        .investigationConcluded(InvestigationOutcome.SUCCEEDED, T0)
        .investigationConcluded(InvestigationOutcome.FAILED, T0)
        .investigationConcluded(InvestigationOutcome.CANCELLED, T0);
    for (int i = 0; i < 40; i++) {
      evidence = evidence.decisionRecorded(i < 8 ? Effect.DENY : Effect.ALLOW, i >= 6, T0);
    }

    Progress progress = SHADOW.assess(evidence, T0.plus(Duration.ofHours(12)));
    Map<String, Progress.Criterion> by = byName(progress);

    assertFalse(progress.eligible());
    assertEquals(TrustPhase.READ_ONLY, progress.promotesTo());
    assertEquals(2, evidence.investigationsSucceeded());
    assertEquals(1, evidence.investigationsFailed(), "cancelled counts neither way");
    assertEquals("3 more successful investigations", by.get("investigations").shortfall());
    assertEquals(0.5, by.get("days-in-phase").observed());
    assertEquals("2.5 more days in shadow", by.get("days-in-phase").shortfall());
    assertEquals("60 more decisions", by.get("decisions").shortfall());
    // 8 of 40 denied = 20%; 8 / (40 + n) <= 10% needs n = 40
    assertEquals(0.2, by.get("denial-rate").observed());
    assertEquals("denial rate 20.0% is above 10.0%: 40 more decisions without a denial would bring it down",
        by.get("denial-rate").shortfall());
    // 34 of 40 agreed = 85%; (34 + n) / (40 + n) >= 90% needs n = 20
    assertEquals(0.85, by.get("shadow-agreement").observed());
    assertEquals("agreement with policy 85.0% is below 90.0%: 20 more agreeing proposals",
        by.get("shadow-agreement").shortfall());
    assertTrue(by.get("quiet-window").met(), "nothing bad ever happened");
    assertEquals(6, progress.criteria().size());
  }

  @Test
  void whenEveryCriterionHoldsTheAgentIsEligible() {
    Evidence evidence = Evidence.start(TrustPhase.SHADOW, T0);
    for (int i = 0; i < 5; i++) {
      evidence = evidence.investigationConcluded(InvestigationOutcome.SUCCEEDED, T0.plusSeconds(i));
    }
    for (int i = 0; i < 100; i++) {
      evidence = evidence.decisionRecorded(i < 10 ? Effect.DENY : Effect.ALLOW, i >= 10, T0.plusSeconds(i));
    }
    Instant now = T0.plus(Duration.ofDays(3));

    Progress progress = SHADOW.assess(evidence, now);

    assertTrue(progress.eligible(), progress.shortfallSummary());
    assertTrue(progress.criteria().stream().allMatch(c -> c.shortfall().isEmpty()));
    assertFalse(SHADOW.assess(evidence, now.minusSeconds(1)).eligible(), "one second short of three days");
    assertFalse(SHADOW.assess(evidence.decisionRecorded(Effect.DENY, true, now), now).eligible(),
        "11 of 101 denied is above 10%");
  }

  @Test
  void aRecentIncidentHoldsPromotionForTheQuietWindowEvenAcrossPhases() {
    Evidence evidence = Evidence.start(TrustPhase.READ_ONLY, T0).alertRaised(T0.plus(Duration.ofHours(6)));
    evidence = evidence.phaseChanged(TrustPhase.SHADOW, T0.plus(Duration.ofHours(6)));
    assertEquals(0, evidence.alerts(), "per-phase counters restart");
    assertEquals(T0.plus(Duration.ofHours(6)), evidence.lastAlertAt(), "incident times survive the change");

    Progress.Criterion quiet = byName(SHADOW.assess(evidence, T0.plus(Duration.ofDays(1)))).get("quiet-window");
    assertFalse(quiet.met());
    assertEquals(0.75, quiet.observed());
    assertEquals("1.3 more days without a critical finding, alert or violation (last: monitoring alert at "
        + "2026-03-02T15:00:00Z)", quiet.shortfall());
    assertTrue(byName(SHADOW.assess(evidence, T0.plus(Duration.ofHours(54)))).get("quiet-window").met());
  }

  @Test
  void shadowAgreementIsOnlyAskedInShadowAndTheTopPhaseHasNoPromotion() {
    Evidence readOnly = Evidence.start(TrustPhase.READ_ONLY, T0);
    assertFalse(byName(SHADOW.assess(readOnly, T0)).containsKey("shadow-agreement"));

    Progress top = SHADOW.assess(Evidence.start(TrustPhase.AUTONOMOUS, T0), T0.plus(Duration.ofDays(99)));
    assertNull(top.promotesTo());
    assertFalse(top.eligible());
    assertEquals("autonomous is the highest phase", top.shortfallSummary());
  }

  @Test
  void impossibleRatesSayWhyInsteadOfCountingForever() {
    PromotionCriteria strict = new PromotionCriteria(0, 0, 0, 0, 1, Duration.ZERO, false);
    Evidence evidence = Evidence.start(TrustPhase.SHADOW, T0).decisionRecorded(Effect.DENY, false, T0)
        .decisionRecorded(Effect.ALLOW, true, T0);
    Map<String, Progress.Criterion> by = byName(strict.assess(evidence, T0));
    assertEquals("no denial is allowed in shadow; 1 denied (the count restarts in the next phase)",
        by.get("denial-rate").shortfall());
    assertEquals("every proposal must agree with policy; 1 disagreed in shadow (the count restarts when the phase "
        + "is entered again)", by.get("shadow-agreement").shortfall());
  }

  private static Map<String, Progress.Criterion> byName(Progress progress) {
    return progress.criteria().stream().collect(Collectors.toMap(Progress.Criterion::name, Function.identity()));
  }
}

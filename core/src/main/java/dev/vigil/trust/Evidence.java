package dev.vigil.trust;

import dev.vigil.policy.Effect;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What Vigil observed of one agent in its current trust phase: the facts promotion criteria read.
 * Immutable; each observation returns a new value, so the {@code Agent} entity can apply it in its
 * event handler and keep it in snapshots as is.
 *
 * <p>Counters are per phase and reset by {@link #phaseChanged}. The times of the last critical
 * finding, alert and policy violation survive a phase change on purpose: the quiet window of the
 * next promotion must still see the incident that caused a demotion. A {@code null} time means
 * "never".
 *
 * @param phase the phase these counters belong to
 * @param phaseEnteredAt when the agent entered it
 * @param investigationsSucceeded investigations concluded successfully in this phase
 * @param investigationsFailed investigations that failed or timed out in this phase
 * @param decisionsTotal decisions made for the agent in this phase
 * @param decisionsDenied of those, denied
 * @param shadowProposals shadow decisions that were compared with policy
 * @param shadowAgreements of those, where the agent's proposal agreed with what policy allowed
 * @param criticalFindings critical scanner findings in this phase
 * @param alerts monitoring alerts in this phase
 * @param violations policy violations in this phase
 * @param lastCriticalFindingAt last critical scanner finding, any phase
 * @param lastAlertAt last monitoring alert, any phase
 * @param lastViolationAt last policy violation, any phase
 */
public record Evidence(
    TrustPhase phase,
    Instant phaseEnteredAt,
    int investigationsSucceeded,
    int investigationsFailed,
    long decisionsTotal,
    long decisionsDenied,
    long shadowProposals,
    long shadowAgreements,
    int criticalFindings,
    int alerts,
    int violations,
    Instant lastCriticalFindingAt,
    Instant lastAlertAt,
    Instant lastViolationAt) {

  public Evidence {
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(phaseEnteredAt, "phaseEnteredAt");
    if (investigationsSucceeded < 0 || investigationsFailed < 0 || decisionsTotal < 0 || decisionsDenied < 0
        || shadowProposals < 0 || shadowAgreements < 0 || criticalFindings < 0 || alerts < 0 || violations < 0) {
      throw new IllegalArgumentException("evidence counters must not be negative");
    }
    if (decisionsDenied > decisionsTotal || shadowAgreements > shadowProposals) {
      throw new IllegalArgumentException("a part exceeds its total: denied " + decisionsDenied + " of "
          + decisionsTotal + ", agreements " + shadowAgreements + " of " + shadowProposals);
    }
  }

  /** A new agent's evidence: nothing observed yet. */
  public static Evidence start(TrustPhase phase, Instant at) {
    return new Evidence(phase, at, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, null);
  }

  /**
   * One decision made for the agent. {@code agreedWithPolicy} is whether, in shadow, what the
   * agent proposed matched what policy allowed; {@code null} when no comparison was made.
   */
  public Evidence decisionRecorded(Effect effect, Boolean agreedWithPolicy, Instant at) {
    Objects.requireNonNull(effect, "effect");
    long proposals = shadowProposals + (agreedWithPolicy == null ? 0 : 1);
    long agreements = shadowAgreements + (Boolean.TRUE.equals(agreedWithPolicy) ? 1 : 0);
    return new Evidence(phase, phaseEnteredAt, investigationsSucceeded, investigationsFailed, decisionsTotal + 1,
        decisionsDenied + (effect == Effect.DENY ? 1 : 0), proposals, agreements, criticalFindings, alerts,
        violations, lastCriticalFindingAt, lastAlertAt, lastViolationAt);
  }

  public Evidence investigationConcluded(InvestigationOutcome outcome, Instant at) {
    Objects.requireNonNull(outcome, "outcome");
    return new Evidence(phase, phaseEnteredAt,
        investigationsSucceeded + (outcome == InvestigationOutcome.SUCCEEDED ? 1 : 0),
        investigationsFailed + (outcome.failure() ? 1 : 0), decisionsTotal, decisionsDenied, shadowProposals,
        shadowAgreements, criticalFindings, alerts, violations, lastCriticalFindingAt, lastAlertAt, lastViolationAt);
  }

  public Evidence criticalFinding(Instant at) {
    return new Evidence(phase, phaseEnteredAt, investigationsSucceeded, investigationsFailed, decisionsTotal,
        decisionsDenied, shadowProposals, shadowAgreements, criticalFindings + 1, alerts, violations,
        latest(lastCriticalFindingAt, at), lastAlertAt, lastViolationAt);
  }

  public Evidence alertRaised(Instant at) {
    return new Evidence(phase, phaseEnteredAt, investigationsSucceeded, investigationsFailed, decisionsTotal,
        decisionsDenied, shadowProposals, shadowAgreements, criticalFindings, alerts + 1, violations,
        lastCriticalFindingAt, latest(lastAlertAt, at), lastViolationAt);
  }

  public Evidence violationRecorded(Instant at) {
    return new Evidence(phase, phaseEnteredAt, investigationsSucceeded, investigationsFailed, decisionsTotal,
        decisionsDenied, shadowProposals, shadowAgreements, criticalFindings, alerts, violations + 1,
        lastCriticalFindingAt, lastAlertAt, latest(lastViolationAt, at));
  }

  /** The agent moved to {@code newPhase}: per-phase counters start again, incident times stay. */
  public Evidence phaseChanged(TrustPhase newPhase, Instant at) {
    return new Evidence(newPhase, at, 0, 0, 0, 0, 0, 0, 0, 0, 0, lastCriticalFindingAt, lastAlertAt,
        lastViolationAt);
  }

  /** Denied decisions over all decisions in this phase; 0 when there were none. */
  public double denialRate() {
    return decisionsTotal == 0 ? 0.0 : (double) decisionsDenied / decisionsTotal;
  }

  /** Shadow proposals that agreed with policy over all compared; 0 when none were compared. */
  public double shadowAgreementRate() {
    return shadowProposals == 0 ? 0.0 : (double) shadowAgreements / shadowProposals;
  }

  /** Days (fractional) spent in this phase at {@code now}; never negative. */
  public double daysInPhase(Instant now) {
    return Math.max(0, Duration.between(phaseEnteredAt, now).toMillis()) / 86_400_000.0;
  }

  /** The most recent of the last critical finding, alert and violation; null when none ever happened. */
  public Instant lastIncidentAt() {
    return latest(latest(lastCriticalFindingAt, lastAlertAt), lastViolationAt);
  }

  private static Instant latest(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }
}

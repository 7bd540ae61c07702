package dev.vigil.trust;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One agent's graduated trust: its phase and the evidence gathered in it. Immutable and pure,
 * shaped for an event-sourced entity: the command side calls {@link #observe}, {@link #promote}
 * or {@link #demote} to learn which {@link PhaseChange}s follow, persists them as events, and the
 * event handler replays the same facts with {@link #recorded} and {@link #applied}; both paths
 * reach the same state.
 *
 * <p>A change of phase affects only what starts afterwards: an investigation fixes its phase when
 * it starts, so a demoted agent's running investigations keep theirs.
 */
public record AgentTrust(Evidence evidence) {

  public AgentTrust {
    Objects.requireNonNull(evidence, "evidence");
  }

  /** A new agent: shadow, nothing observed. */
  public static AgentTrust start(Instant at) {
    return new AgentTrust(Evidence.start(TrustPhase.SHADOW, at));
  }

  public TrustPhase phase() {
    return evidence.phase();
  }

  /** The result of an observation: the new state and the phase changes it caused, in order. */
  public record Step(AgentTrust state, List<PhaseChange> changes) {
    public Step {
      Objects.requireNonNull(state, "state");
      changes = List.copyOf(changes);
    }
  }

  /** The result of an operator's promotion request: {@code change} is null when it was refused. */
  public record PromotionDecision(Progress progress, PhaseChange change) {
    public boolean accepted() {
      return change != null;
    }
  }

  /** The evidence with the observation recorded; no phase change (the event handler's half). */
  public AgentTrust recorded(TrustObservation observation) {
    Evidence next;
    if (observation instanceof TrustObservation.DecisionMade decision) {
      next = evidence.decisionRecorded(decision.effect(), decision.agreedWithPolicy(), decision.at());
    } else if (observation instanceof TrustObservation.InvestigationEnded ended) {
      next = evidence.investigationConcluded(ended.outcome(), ended.at());
    } else {
      DemotionTrigger trigger = ((TrustObservation.Incident) observation).trigger();
      if (trigger instanceof DemotionTrigger.CriticalFinding) {
        next = evidence.criticalFinding(trigger.at());
      } else if (trigger instanceof DemotionTrigger.MonitoringAlert) {
        next = evidence.alertRaised(trigger.at());
      } else {
        next = evidence.violationRecorded(trigger.at());
      }
    }
    return new AgentTrust(next);
  }

  /** The state after a persisted phase change (the event handler's half). */
  public AgentTrust applied(PhaseChange change) {
    if (change.from() != phase()) {
      throw new IllegalStateException("phase change from " + change.from().wireName() + " applied in "
          + phase().wireName());
    }
    return new AgentTrust(evidence.phaseChanged(change.to(), change.at()));
  }

  /**
   * Records the observation and decides what follows: an automatic demotion for an incident the
   * demotion policy acts on, or else an automatic promotion when the phase's criteria are automatic
   * and now all hold.
   */
  public Step observe(TrustObservation observation, TrustSettings settings) {
    AgentTrust state = recorded(observation);
    Optional<PhaseChange> change = observation instanceof TrustObservation.Incident incident
        ? settings.demotion().decide(state.evidence, incident.trigger())
        : state.automaticPromotion(settings, observation.at());
    return change.map(c -> new Step(state.applied(c), List.of(c))).orElseGet(() -> new Step(state, List.of()));
  }

  /** Promotion progress at {@code now} by the current phase's criteria. */
  public Progress progress(TrustSettings settings, Instant now) {
    return settings.phases().assess(evidence, now);
  }

  /**
   * The promotion due without an operator: when the phase's criteria are automatic and all hold at
   * {@code now}. The entity also asks this on a timer, since days in phase and quiet windows pass
   * without any observation.
   */
  public Optional<PhaseChange> automaticPromotion(TrustSettings settings, Instant now) {
    if (!settings.phases().promotion(phase()).automatic()) {
      return Optional.empty(); // asked after every decision: skip assessing (and wording) criteria nobody applies
    }
    Progress progress = progress(settings, now);
    if (!progress.automatic() || !progress.eligible()) {
      return Optional.empty();
    }
    return Optional.of(new PhaseChange(phase(), progress.promotesTo(), PhaseChange.Cause.PROMOTED_AUTOMATICALLY,
        PhaseChange.VIGIL, "promoted automatically: " + metSummary(progress), evidence, now));
  }

  /**
   * An operator's promotion request: accepted when the agent is eligible, or when {@code force}d
   * (the reason then names the unmet criteria); refused in the top phase or when not eligible.
   */
  public PromotionDecision promote(String operator, boolean force, TrustSettings settings, Instant now) {
    Objects.requireNonNull(operator, "operator");
    Progress progress = progress(settings, now);
    if (progress.promotesTo() == null || !(progress.eligible() || force)) {
      return new PromotionDecision(progress, null);
    }
    String reason = progress.eligible()
        ? "promoted by " + operator + ": " + metSummary(progress)
        : "promoted by " + operator + " despite unmet criteria: " + progress.shortfallSummary();
    return new PromotionDecision(progress, new PhaseChange(phase(), progress.promotesTo(),
        PhaseChange.Cause.PROMOTED_BY_OPERATOR, operator, reason, evidence, now));
  }

  /** An operator's demotion to a lower phase; {@code reason} is theirs, recorded as given. */
  public PhaseChange demote(String operator, TrustPhase target, String reason, Instant at) {
    Objects.requireNonNull(operator, "operator");
    Objects.requireNonNull(target, "target");
    if (target.compareTo(phase()) >= 0) {
      throw new IllegalArgumentException("cannot demote from " + phase().wireName() + " to " + target.wireName()
          + ": the target must be a lower phase");
    }
    String why = reason == null || reason.isBlank() ? "no reason given" : reason.trim();
    return new PhaseChange(phase(), target, PhaseChange.Cause.DEMOTED_BY_OPERATOR, operator,
        "demoted by " + operator + ": " + why, evidence, at);
  }

  private static String metSummary(Progress progress) {
    StringBuilder text = new StringBuilder();
    for (Progress.Criterion criterion : progress.criteria()) {
      if (text.length() > 0) {
        text.append(", ");
      }
      text.append(criterion.name()).append(' ').append(format(criterion.observed()))
          .append(criterion.name().equals("denial-rate") ? " <= " : " >= ").append(format(criterion.required()));
    }
    return text.toString();
  }

  private static String format(double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : Double.toString(value);
  }
}

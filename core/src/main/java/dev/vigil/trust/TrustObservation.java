package dev.vigil.trust;

import dev.vigil.policy.Effect;
import java.time.Instant;
import java.util.Objects;

/** Something Vigil observed of an agent that its trust evidence records. */
public sealed interface TrustObservation {

  Instant at();

  /**
   * A decision made for the agent; {@code agreedWithPolicy} is set in shadow when the agent's
   * proposal was compared with what policy allowed, else null.
   */
  record DecisionMade(Effect effect, Boolean agreedWithPolicy, Instant at) implements TrustObservation {
    public DecisionMade {
      Objects.requireNonNull(effect, "effect");
      Objects.requireNonNull(at, "at");
    }
  }

  /** One of the agent's investigations ended. */
  record InvestigationEnded(String investigationId, InvestigationOutcome outcome, Instant at)
      implements TrustObservation {
    public InvestigationEnded {
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(at, "at");
    }
  }

  /** A critical finding, monitoring alert or policy violation: recorded, and it may demote the agent. */
  record Incident(DemotionTrigger trigger) implements TrustObservation {
    public Incident {
      Objects.requireNonNull(trigger, "trigger");
    }

    @Override
    public Instant at() {
      return trigger.at();
    }
  }
}

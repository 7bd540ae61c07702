package dev.vigil.policy;

import java.util.Objects;

/**
 * The outcome of evaluating one request: the effect, the reason shown to the agent, the deciding
 * rule (null when a default decided), the exact policy used, how the policy classifies the action,
 * the approval settings when the effect is {@link Effect#ESCALATE} (else null), and an explanation
 * whose detailed trace is built only when asked for.
 */
public record Decision(
    Effect effect,
    String reason,
    String ruleId,
    PolicyRef policy,
    ActionKind actionKind,
    ApprovalConfig approval,
    Explanation explanation) {

  public Decision {
    Objects.requireNonNull(effect, "effect");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(actionKind, "actionKind");
  }

  public boolean allowed() {
    return effect == Effect.ALLOW;
  }

  /** Whether two decisions agree on what matters to the agent: effect, deciding rule and policy. */
  public boolean sameOutcome(Decision other) {
    return effect == other.effect && Objects.equals(ruleId, other.ruleId) && policy.equals(other.policy)
        && reason.equals(other.reason);
  }
}

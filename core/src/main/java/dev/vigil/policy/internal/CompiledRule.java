package dev.vigil.policy.internal;

import dev.vigil.policy.ActionKind;
import dev.vigil.policy.ApprovalConfig;
import dev.vigil.policy.Effect;
import dev.vigil.trust.TrustPhase;

/**
 * One rule, ready to evaluate. {@code actions} is null when the rule applies to every action (as
 * Authensor rules do, their policy's scope having filtered already); {@code phaseMask} has bit
 * {@code phase.ordinal()} set for each phase the rule applies to; {@code kind} is null unless
 * the rule classifies its action; {@code approval} is resolved for escalating rules.
 */
public record CompiledRule(
    String id,
    String name,
    Effect effect,
    String reason,
    Glob[] actions,
    int phaseMask,
    String phasesText,
    Condition condition,
    Quota[] quotas,
    ApprovalConfig approval,
    ActionKind kind,
    boolean enabled) {

  public static final int ALL_PHASES = (1 << TrustPhase.values().length) - 1;

  public boolean matchesAction(String action) {
    if (actions == null) {
      return true;
    }
    for (Glob glob : actions) {
      if (glob.matches(action)) {
        return true;
      }
    }
    return false;
  }

  public boolean appliesIn(TrustPhase phase) {
    return (phaseMask & (1 << phase.ordinal())) != 0;
  }
}

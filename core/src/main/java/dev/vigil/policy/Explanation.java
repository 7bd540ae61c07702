package dev.vigil.policy;

import java.util.List;
import java.util.Optional;

/**
 * Why a decision came out as it did. Evaluation only records where it stopped (which policy,
 * which rule, whether a limit refused); {@link #rulesConsidered()} re-runs the same, immutable
 * policy set on the same request in tracing mode to list every rule looked at and every
 * condition's outcome. Quota ledgers are not consulted again: the recorded outcome is kept.
 */
public final class Explanation {

  /** One condition's outcome; {@code depth} indents sub-conditions of all/any/not. */
  public record ConditionTrace(int depth, String condition, boolean matched) {}

  /** One rule looked at (or a policy skipped, with a null ruleId and a note). */
  public record RuleTrace(String policyId, String ruleId, Effect effect, boolean matched, String note,
      List<ConditionTrace> conditions) {}

  private final PolicySet policies;
  private final EvaluationRequest request;
  private final int policyPosition;
  private final int ruleIndex;
  private final String limitExceeded;
  private volatile List<RuleTrace> trace;

  Explanation(PolicySet policies, EvaluationRequest request, int policyPosition, int ruleIndex, String limitExceeded) {
    this.policies = policies;
    this.request = request;
    this.policyPosition = policyPosition;
    this.ruleIndex = ruleIndex;
    this.limitExceeded = limitExceeded;
  }

  /** The request this decision was made for. */
  public EvaluationRequest request() {
    return request;
  }

  /** The deciding rule's id, empty when a default decided. */
  public Optional<String> decidingRule() {
    CompiledPolicy policy = decidingPolicy();
    return policy == null || ruleIndex < 0 ? Optional.empty() : Optional.of(policy.rule(ruleIndex).id());
  }

  /** The policy that decided, or null when no policy did and the set's fail-closed default applied. */
  public CompiledPolicy decidingPolicy() {
    return policies.positioned(policyPosition);
  }

  /** The rate limit or budget that turned the decision into a deny, if one did. */
  public Optional<String> limitExceeded() {
    return Optional.ofNullable(limitExceeded);
  }

  int policyPosition() {
    return policyPosition;
  }

  int ruleIndex() {
    return ruleIndex;
  }

  /** Every rule evaluated, in evaluation order, up to and including the deciding one. */
  public List<RuleTrace> rulesConsidered() {
    List<RuleTrace> result = trace;
    if (result == null) {
      result = List.copyOf(policies.trace(request, policyPosition, ruleIndex));
      trace = result;
    }
    return result;
  }

  /** A multi-line, human-readable account (for the CLI, logs and the API's explain view). */
  public String render() {
    StringBuilder text = new StringBuilder();
    for (RuleTrace rule : rulesConsidered()) {
      text.append(rule.policyId());
      if (rule.ruleId() != null) {
        text.append(" / rule ").append(rule.ruleId()).append(" (").append(rule.effect().wireName()).append(')')
            .append(rule.matched() ? " MATCHED" : " no match");
      }
      if (rule.note() != null) {
        text.append(" - ").append(rule.note());
      }
      text.append('\n');
      for (ConditionTrace condition : rule.conditions()) {
        text.append("    ".repeat(condition.depth() + 1)).append(condition.matched() ? "[x] " : "[ ] ")
            .append(condition.condition()).append('\n');
      }
    }
    if (limitExceeded != null) {
      text.append("limit exceeded: ").append(limitExceeded).append('\n');
    }
    return text.toString();
  }
}

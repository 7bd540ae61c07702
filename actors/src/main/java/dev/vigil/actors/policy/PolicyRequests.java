package dev.vigil.actors.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.vigil.policy.Decision;
import dev.vigil.policy.EvaluationRequest;
import dev.vigil.policy.Explanation;
import dev.vigil.policy.Principal;
import dev.vigil.policy.ScanSummary;
import dev.vigil.protocol.PolicyProtocol.ApprovalRequirement;
import dev.vigil.protocol.PolicyProtocol.DecisionView;
import dev.vigil.protocol.PolicyProtocol.EvaluationInput;
import dev.vigil.protocol.PolicyProtocol.QuotaConsumption;
import dev.vigil.scan.Severity;
import dev.vigil.trust.TrustPhase;

/** Translates between the message API and the engine's request and decision types. */
public final class PolicyRequests {
  private PolicyRequests() {}

  public static EvaluationRequest toEngine(EvaluationInput input) {
    ScanSummary scan = input.scanMaxSeverity() == null || input.scanMaxSeverity().isEmpty()
        ? ScanSummary.NONE
        : new ScanSummary(Severity.valueOf(input.scanMaxSeverity().toUpperCase(Locale.ROOT)),
            input.scanFindingTypes() == null ? Set.of() : Set.copyOf(input.scanFindingTypes()));
    return new EvaluationRequest(
        input.action(),
        input.resource(),
        input.parameters(),
        new Principal(input.agentId(), input.principalType() == null ? "agent" : input.principalType(),
            input.principalLabels() == null ? Map.of() : input.principalLabels()),
        TrustPhase.parse(input.phase()),
        input.context(),
        input.time(),
        scan);
  }

  public static DecisionView toView(Decision decision, List<QuotaConsumption> consumed, boolean explain) {
    ApprovalRequirement approval = decision.approval() == null ? null : new ApprovalRequirement(
        decision.approval().approvers(), decision.approval().requiredApprovals(),
        decision.approval().expiresIn().toMillis());
    return new DecisionView(
        decision.effect().wireName(),
        decision.reason(),
        decision.ruleId(),
        decision.policy().id(),
        decision.policy().version(),
        decision.policy().sha256(),
        decision.actionKind().name().toLowerCase(Locale.ROOT),
        approval,
        consumed,
        explain ? explanation(decision.explanation()) : Map.of(),
        null);
  }

  /** The decision's trace as JSON-friendly maps: every rule looked at and every condition's outcome. */
  static Map<String, Object> explanation(Explanation explanation) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (explanation == null) {
      return out;
    }
    explanation.decidingRule().ifPresent(rule -> out.put("decidingRule", rule));
    explanation.limitExceeded().ifPresent(limit -> out.put("limitExceeded", limit));
    List<Map<String, Object>> rules = new ArrayList<>();
    for (Explanation.RuleTrace trace : explanation.rulesConsidered()) {
      Map<String, Object> rule = new LinkedHashMap<>();
      rule.put("policy", trace.policyId());
      if (trace.ruleId() != null) {
        rule.put("rule", trace.ruleId());
        rule.put("effect", trace.effect().wireName());
        rule.put("matched", trace.matched());
      }
      if (trace.note() != null) {
        rule.put("note", trace.note());
      }
      List<Map<String, Object>> conditions = new ArrayList<>();
      for (Explanation.ConditionTrace condition : trace.conditions()) {
        conditions.add(Map.of("condition", condition.condition(), "matched", condition.matched(), "depth", condition.depth()));
      }
      if (!conditions.isEmpty()) {
        rule.put("conditions", conditions);
      }
      rules.add(rule);
    }
    out.put("rulesConsidered", rules);
    return out;
  }
}

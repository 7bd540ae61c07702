package dev.vigil.policy;

import dev.vigil.policy.Explanation.ConditionTrace;
import dev.vigil.policy.Explanation.RuleTrace;
import dev.vigil.policy.internal.CompiledRule;
import dev.vigil.policy.internal.Glob;
import dev.vigil.policy.internal.Quota;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One policy compiled from source by {@link PolicyCompiler}: immutable and safe to evaluate from
 * many threads. For each action name it memoizes (up to {@value #DISPATCH_LIMIT} names) the rules
 * whose action globs match, in evaluation order, plus the action's scope and kind, so a request
 * only tests the conditions of rules that can apply.
 */
public final class CompiledPolicy {

  static final int DISPATCH_LIMIT = 4096;

  /** Rules that apply to one action name, in evaluation order; plus whether the policy's scope admits it. */
  private record ActionEntry(int[] order, boolean inScope, ActionKind kind) {}

  private final PolicyRef ref;
  private final String name;
  private final PolicyFormat format;
  private final boolean enabled;
  private final long priority;
  private final Glob[] scopeActions;
  private final Set<String> scopePrincipalTypes;
  private final Set<String> scopeEnvironments;
  private final Effect defaultEffect;
  private final String defaultReason;
  private final ApprovalConfig defaultApproval;
  private final CompiledRule[] rules;
  private final Glob[] readActions;
  private final Glob[] writeActions;
  private final String source;
  private final Map<String, ActionEntry> dispatch = new ConcurrentHashMap<>();
  private final PolicySet alone;

  CompiledPolicy(PolicyRef ref, String name, PolicyFormat format, boolean enabled, long priority,
      Glob[] scopeActions, Set<String> scopePrincipalTypes, Set<String> scopeEnvironments,
      Effect defaultEffect, String defaultReason, ApprovalConfig defaultApproval, List<CompiledRule> rules,
      Glob[] readActions, Glob[] writeActions, String source) {
    this.ref = ref;
    this.name = name;
    this.format = format;
    this.enabled = enabled;
    this.priority = priority;
    this.scopeActions = scopeActions;
    this.scopePrincipalTypes = scopePrincipalTypes;
    this.scopeEnvironments = scopeEnvironments;
    this.defaultEffect = defaultEffect;
    this.defaultReason = defaultReason;
    this.defaultApproval = defaultApproval;
    this.rules = rules.toArray(new CompiledRule[0]);
    this.readActions = readActions;
    this.writeActions = writeActions;
    this.source = source;
    this.alone = PolicySet.of(List.of(this));
  }

  public PolicyRef ref() {
    return ref;
  }

  public String id() {
    return ref.id();
  }

  public String version() {
    return ref.version();
  }

  public String sha256() {
    return ref.sha256();
  }

  public String name() {
    return name;
  }

  public PolicyFormat format() {
    return format;
  }

  public boolean enabled() {
    return enabled;
  }

  public long priority() {
    return priority;
  }

  /** The canonical source text (BOM removed, line ends normalized) whose SHA-256 is {@link #sha256()}. */
  public String source() {
    return source;
  }

  /** The default effect when no rule matches; null when the policy passes to the next one (Authensor without defaultEffect). */
  public Effect defaultEffect() {
    return defaultEffect;
  }

  public List<String> ruleIds() {
    List<String> ids = new ArrayList<>(rules.length);
    for (CompiledRule rule : rules) {
      ids.add(rule.id());
    }
    return ids;
  }

  CompiledRule rule(int index) {
    return rules[index];
  }

  /** Evaluates this policy alone, consuming rate limits and budgets from {@code ledger}. */
  public Decision evaluate(EvaluationRequest request, QuotaLedger ledger) {
    return alone.evaluate(request, ledger);
  }

  /** Evaluates this policy alone without consuming quota. */
  public Decision dryRun(EvaluationRequest request, QuotaLedger ledger) {
    return alone.dryRun(request, ledger);
  }

  /** How this policy classifies an action by its {@code action_kinds}. */
  public ActionKind kindOf(String action) {
    return entry(action).kind();
  }

  private ActionEntry entry(String action) {
    ActionEntry entry = dispatch.get(action);
    if (entry == null) {
      entry = buildEntry(action);
      // Bounded so that agents inventing action names cannot grow memory without limit.
      if (dispatch.size() < DISPATCH_LIMIT) {
        dispatch.putIfAbsent(action, entry);
      }
    }
    return entry;
  }

  private ActionEntry buildEntry(String action) {
    boolean inScope = scopeActions == null || anyMatch(scopeActions, action);
    List<Integer> order = new ArrayList<>();
    if (format == PolicyFormat.VIGIL) {
      // Deny overrides, then escalate, then the first allow: test rules in that order and stop at the first match.
      for (Effect effect : new Effect[] {Effect.DENY, Effect.ESCALATE, Effect.ALLOW}) {
        for (int i = 0; i < rules.length; i++) {
          if (rules[i].enabled() && rules[i].effect() == effect && rules[i].matchesAction(action)) {
            order.add(i);
          }
        }
      }
    } else {
      for (int i = 0; i < rules.length; i++) {
        if (rules[i].enabled() && rules[i].matchesAction(action)) {
          order.add(i);
        }
      }
    }
    ActionKind kind = anyMatch(writeActions, action) ? ActionKind.WRITE
        : anyMatch(readActions, action) ? ActionKind.READ : ActionKind.UNKNOWN;
    return new ActionEntry(order.stream().mapToInt(Integer::intValue).toArray(), inScope, kind);
  }

  private static boolean anyMatch(Glob[] globs, String action) {
    for (Glob glob : globs) {
      if (glob.matches(action)) {
        return true;
      }
    }
    return false;
  }

  private boolean inScope(ActionEntry entry, EvaluationRequest request) {
    if (!entry.inScope()) {
      return false;
    }
    if (scopePrincipalTypes != null && !scopePrincipalTypes.contains(request.principal().type())) {
      return false;
    }
    return scopeEnvironments == null || scopeEnvironments.contains(environmentOf(request));
  }

  private static String environmentOf(EvaluationRequest request) {
    Object environment = request.context().get("environment");
    return environment instanceof String s ? s : null;
  }

  /** This policy's decision, or null when it is out of scope or has no match and no default. */
  Decision decide(EvaluationRequest request, QuotaLedger ledger, boolean consume, PolicySet set, int position) {
    ActionEntry entry = entry(request.action());
    if (!inScope(entry, request)) {
      return null;
    }
    int[] order = entry.order();
    for (int index : order) {
      CompiledRule rule = rules[index];
      if (rule.appliesIn(request.phase()) && rule.condition().test(request)) {
        return ruleDecision(rule, index, entry, request, ledger, consume, set, position);
      }
    }
    if (defaultEffect == null) {
      return null;
    }
    return new Decision(defaultEffect, defaultReason, null, ref, entry.kind(),
        defaultEffect == Effect.ESCALATE ? defaultApproval : null,
        new Explanation(set, request, position, -1, null));
  }

  private Decision ruleDecision(CompiledRule rule, int index, ActionEntry entry, EvaluationRequest request,
      QuotaLedger ledger, boolean consume, PolicySet set, int position) {
    ActionKind kind = rule.kind() != null ? rule.kind() : entry.kind();
    if (rule.effect() != Effect.DENY) {
      for (Quota quota : rule.quotas()) {
        long amount = quota.amount(request);
        String refusal = null;
        if (amount < 0) {
          refusal = quota.invalidAmountReason();
        } else {
          String key = quota.key(request);
          boolean granted = consume
              ? ledger.tryConsume(key, amount, quota.limit(), quota.window(), request.time())
              : ledger.wouldAllow(key, amount, quota.limit(), quota.window(), request.time());
          if (!granted) {
            refusal = quota.exceededReason();
          }
        }
        if (refusal != null) {
          return new Decision(Effect.DENY, refusal, rule.id(), ref, kind, null,
              new Explanation(set, request, position, index, quota.description()));
        }
      }
    }
    return new Decision(rule.effect(), rule.reason(), rule.id(), ref, kind,
        rule.effect() == Effect.ESCALATE ? rule.approval() : null,
        new Explanation(set, request, position, index, null));
  }

  /** Appends the trace of this policy's evaluation of {@code request}, stopping at {@code stopAtRule} (-1: all). */
  void trace(EvaluationRequest request, int stopAtRule, List<RuleTrace> out) {
    ActionEntry entry = entry(request.action());
    if (!inScope(entry, request)) {
      out.add(new RuleTrace(id(), null, null, false, "out of the policy's scope", List.of()));
      return;
    }
    for (int index : entry.order()) {
      CompiledRule rule = rules[index];
      List<ConditionTrace> conditions = new ArrayList<>();
      if (rule.actions() != null) {
        conditions.add(new ConditionTrace(0, "action matches " + java.util.Arrays.toString(rule.actions()), true));
      }
      boolean phaseOk = rule.appliesIn(request.phase());
      if (rule.phaseMask() != CompiledRule.ALL_PHASES) {
        conditions.add(new ConditionTrace(0, "phase in " + rule.phasesText(), phaseOk));
      }
      rule.condition().trace(request, 0, conditions);
      boolean matched = phaseOk && rule.condition().test(request);
      out.add(new RuleTrace(id(), rule.id(), rule.effect(), matched, null, conditions));
      if (index == stopAtRule) {
        return;
      }
    }
    out.add(new RuleTrace(id(), null, null, false,
        defaultEffect == null ? "no rule matched and no default: next policy" : "no rule matched: " + defaultReason,
        List.of()));
  }
}

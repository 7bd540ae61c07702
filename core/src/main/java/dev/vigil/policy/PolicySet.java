package dev.vigil.policy;

import dev.vigil.policy.Explanation.RuleTrace;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The unit a policy worker holds: an immutable snapshot of compiled policies, safe to evaluate
 * from many threads at once. Enabled policies are consulted by descending priority (ties keep
 * the given order); the first whose scope admits the request and that reaches a decision (a
 * matching rule or its own default) decides. If none does, the request is denied (fail closed).
 */
public final class PolicySet {

  public static final PolicySet EMPTY = new PolicySet(List.of());

  private final List<CompiledPolicy> policies;
  private final CompiledPolicy[] active;
  private final PolicyRef ref;
  private final String noDecisionReason;

  private PolicySet(List<CompiledPolicy> policies) {
    this.policies = List.copyOf(policies);
    List<CompiledPolicy> enabled = new ArrayList<>();
    for (CompiledPolicy policy : this.policies) {
      if (policy.enabled()) {
        enabled.add(policy);
      }
    }
    enabled.sort(Comparator.comparingLong(CompiledPolicy::priority).reversed());
    this.active = enabled.toArray(new CompiledPolicy[0]);
    this.ref = this.policies.size() == 1 ? this.policies.get(0).ref() : combinedRef(this.policies);
    this.noDecisionReason = active.length == 0
        ? "no enabled policy: denied by default"
        : "no policy matched the request: denied by default";
  }

  public static PolicySet of(List<CompiledPolicy> policies) {
    return new PolicySet(policies);
  }

  public static PolicySet of(CompiledPolicy... policies) {
    return new PolicySet(List.of(policies));
  }

  private static PolicyRef combinedRef(List<CompiledPolicy> policies) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (CompiledPolicy policy : policies) {
        sha.update(policy.sha256().getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) '\n');
      }
      String version = policies.stream().map(p -> p.id() + "@" + p.version()).collect(Collectors.joining(","));
      return new PolicyRef("policy-set", version, HexFormat.of().formatHex(sha.digest()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** All policies as given, including disabled ones. */
  public List<CompiledPolicy> policies() {
    return policies;
  }

  /** The single policy's ref, or for several a ref named {@code policy-set} hashing their hashes. */
  public PolicyRef ref() {
    return ref;
  }

  /** Decides, consuming rate limits and budgets of the deciding rule from {@code ledger}. */
  public Decision evaluate(EvaluationRequest request, QuotaLedger ledger) {
    return decide(request, ledger, true);
  }

  /** Decides without consuming anything (shadow evaluation, diff): limits are only checked. */
  public Decision dryRun(EvaluationRequest request, QuotaLedger ledger) {
    return decide(request, ledger, false);
  }

  private Decision decide(EvaluationRequest request, QuotaLedger ledger, boolean consume) {
    Objects.requireNonNull(ledger, "ledger (use QuotaLedger.UNLIMITED to ignore limits)");
    for (int position = 0; position < active.length; position++) {
      Decision decision = active[position].decide(request, ledger, consume, this, position);
      if (decision != null) {
        return decision;
      }
    }
    ActionKind kind = active.length == 0 ? ActionKind.UNKNOWN : active[0].kindOf(request.action());
    return new Decision(Effect.DENY, noDecisionReason, null, ref, kind, null,
        new Explanation(this, request, active.length, -1, null));
  }

  CompiledPolicy positioned(int position) {
    return position < active.length ? active[position] : null;
  }

  List<RuleTrace> trace(EvaluationRequest request, int decidingPosition, int decidingRule) {
    List<RuleTrace> out = new ArrayList<>();
    for (int position = 0; position < active.length && position <= decidingPosition; position++) {
      active[position].trace(request, position == decidingPosition ? decidingRule : -1, out);
    }
    if (decidingPosition >= active.length) {
      out.add(new RuleTrace("policy-set", null, null, false, noDecisionReason, List.of()));
    }
    return out;
  }
}

package dev.vigil.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.pattern.StatusReply;

/**
 * The policy pool's protocol: {@code PolicyWorker}s register under {@link #WORKERS}; callers (agent and investigation
 * entities, the gateway) reach one through a cluster-wide group router that prefers workers on their own node.
 */
public final class PolicyProtocol {
  private PolicyProtocol() {}

  public static final ServiceKey<Command> WORKERS = ServiceKey.create(Command.class, "vigil-policy-workers");


  public sealed interface Command extends VigilSerializable permits Evaluate {}

  /**
   * Evaluates one request against the active policy set (and the shadow candidate, if any). {@code quota} carries the
   * principal's current rate-limit and budget usage as its entity knows it; the worker evaluates against it without
   * changing it, and the decision lists what it consumed, which the entity then records (single writer, exact counts).
   */
  @StableName("policy.evaluate.v1")
  public record Evaluate(EvaluationInput input, QuotaUsage quota, ActorRef<StatusReply<DecisionView>> replyTo)
      implements Command {}

  /** One action an agent wants to take, as every caller describes it. */
  @StableName("policy.evaluation-input.v1")
  public record EvaluationInput(
      String agentId,
      String phase,
      String action,
      String resource,
      Map<String, Object> parameters,
      String principalType,
      Map<String, String> principalLabels,
      Map<String, Object> context,
      Instant time,
      String scanMaxSeverity,
      List<String> scanFindingTypes) implements VigilSerializable {}

  /** Usage of quota keys within their windows: key -> what was consumed when. */
  @StableName("policy.quota-usage.v1")
  public record QuotaUsage(Map<String, List<QuotaUse>> consumed) implements VigilSerializable {
    public static final QuotaUsage EMPTY = new QuotaUsage(Map.of());
  }

  /** An amount consumed at an instant (epoch milliseconds). */
  @StableName("policy.quota-use.v1")
  public record QuotaUse(long atEpochMillis, long amount) implements VigilSerializable {}

  /**
   * One unit of quota a decision consumed, with the limit it counted against (0 in events written before limits were
   * recorded). Keys scoped to a principal ({@code ...|principal:<id>}) are counted by the principal's entity; global
   * and per-action keys by a cluster-wide {@code QuotaCounter}.
   */
  @StableName("policy.quota-consumption.v1")
  public record QuotaConsumption(String key, long amount, long windowMillis, long limit) implements VigilSerializable {

    public QuotaConsumption(String key, long amount, long windowMillis) {
      this(key, amount, windowMillis, 0);
    }

    /** Whether one principal's entity can count this key alone. */
    public boolean principalScoped() {
      return key.contains("|principal:");
    }
  }

  /** Approval settings of an escalated decision. */
  @StableName("policy.approval-requirement.v1")
  public record ApprovalRequirement(List<String> approvers, int requiredApprovals, long expiresInMillis)
      implements VigilSerializable {}

  /** A decision as every caller receives it. */
  @StableName("policy.decision.v1")
  public record DecisionView(
      String effect,
      String reason,
      String ruleId,
      String policyId,
      String policyVersion,
      String policySha256,
      String actionKind,
      ApprovalRequirement approval,
      List<QuotaConsumption> consumed,
      Map<String, Object> explanation,
      String receiptId) implements VigilSerializable {

    /** The same decision with the id of the receipt that recorded it. */
    public DecisionView withReceipt(String id) {
      return new DecisionView(effect, reason, ruleId, policyId, policyVersion, policySha256, actionKind, approval,
          consumed, explanation, id);
    }
  }
}

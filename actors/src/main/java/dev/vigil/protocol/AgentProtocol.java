package dev.vigil.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * The {@code Agent} entity's protocol (sharded by agent id). An agent is registered once and starts in the
 * {@code shadow} trust phase; it climbs phases on evidence (decisions, concluded investigations) by an operator's
 * {@link Promote} (or automatically where configured) and falls back automatically on a critical scanner finding, a
 * monitoring alert or a policy violation, or by an operator's {@link Demote}.
 */
public final class AgentProtocol {
  private AgentProtocol() {}

  /** Commands the entity accepts. */
  public interface Command extends VigilSerializable {}

  /** Registers the agent; registering again with the same name and labels is accepted and changes nothing. */
  @StableName("agent.register.v1")
  public record Register(String displayName, Map<String, String> labels, ActorRef<StatusReply<AgentView>> replyTo)
      implements Command {}

  /** Reads the agent; an error reply if it was never registered. */
  @StableName("agent.get.v1")
  public record Get(ActorRef<StatusReply<AgentView>> replyTo) implements Command {}

  /**
   * Decides one action of this agent: the entity fills in its phase, asks the policy pool with its quota usage,
   * records what the decision consumed and, when {@code recordReceipt}, a receipt in the agent's own chain (stand-alone
   * evaluations). Investigations pass {@code false} and keep the receipt in their own chain.
   */
  @StableName("agent.decide.v1")
  public record Decide(PolicyProtocol.EvaluationInput input, boolean recordReceipt,
      ActorRef<StatusReply<PolicyProtocol.DecisionView>> replyTo, String requestId) implements Command {

    /** A decision asked once: no request id, so a repeat is decided (and counted) again. */
    public Decide(PolicyProtocol.EvaluationInput input, boolean recordReceipt,
        ActorRef<StatusReply<PolicyProtocol.DecisionView>> replyTo) {
      this(input, recordReceipt, replyTo, null);
    }
  }

  /**
   * Appends a receipt of another kind (an approval opened, voted or closed; a phase change) to the agent's chain, so
   * every step that affects the agent is in one verifiable line. Replies with the receipt id.
   */
  @StableName("agent.record-receipt.v1")
  public record RecordReceipt(String kind, String bodyJson, ActorRef<StatusReply<String>> replyTo) implements Command {}

  /**
   * One of the agent's investigations ended ({@code outcome}: {@code succeeded}, {@code failed}, {@code timed-out},
   * {@code cancelled}, {@code rejected}); succeeded ones count towards promotion, failed and timed-out against it.
   * Idempotent per {@code investigationId}: a repeat is acknowledged and changes nothing. {@code replyTo} may be null
   * (a tell), but an ask is the only way to know the evidence was recorded.
   */
  @StableName("agent.investigation-concluded.v1")
  public record InvestigationConcluded(String investigationId, String outcome, Instant at,
      ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /**
   * A policy violation by the agent, as the investigation layer sees it (e.g. it executed what was denied): recorded
   * as evidence and, per {@code vigil.trust.demotion.on-violation}, demotes it. {@code replyTo} may be null.
   */
  @StableName("agent.report-violation.v1")
  public record ReportViolation(String ruleId, String detail, Instant at, ActorRef<StatusReply<Done>> replyTo)
      implements Command {}

  /**
   * An operator's promotion to the next phase: accepted when every criterion holds (or {@code force}, and then the
   * receipt names the unmet criteria), else an error reply starting with {@link #NOT_ELIGIBLE}.
   */
  @StableName("agent.promote.v1")
  public record Promote(String operator, boolean force, ActorRef<StatusReply<TrustView>> replyTo)
      implements Command {}

  /** An operator's demotion to a lower phase ({@code target} by wire name; null or blank: one step down). */
  @StableName("agent.demote.v1")
  public record Demote(String operator, String target, String reason, ActorRef<StatusReply<TrustView>> replyTo)
      implements Command {}

  /** Reads the agent's trust: phase, evidence, each promotion criterion's progress. */
  @StableName("agent.get-trust.v1")
  public record GetTrust(ActorRef<StatusReply<TrustView>> replyTo) implements Command {}

  /** Prefix of the error reply to a {@link Promote} the agent is not eligible for (or in the top phase). */
  public static final String NOT_ELIGIBLE = "not eligible for promotion: ";

  /**
   * An agent's trust as callers see it.
   *
   * @param agentId the agent
   * @param phase its phase (wire name)
   * @param evidence what Vigil observed in the phase
   * @param promotesTo the next phase, null in the top phase
   * @param eligible whether every criterion holds
   * @param automatic whether promotion out of this phase happens without an operator
   * @param criteria each criterion with required and observed values and the shortfall in words
   * @param lastChangeReceiptId the receipt of the last phase change, null when the phase never changed
   * @param at when this was measured
   */
  @StableName("agent.trust-view.v1")
  public record TrustView(String agentId, String phase, dev.vigil.trust.Evidence evidence, String promotesTo,
      boolean eligible, boolean automatic, List<dev.vigil.trust.Progress.Criterion> criteria,
      String lastChangeReceiptId, Instant at) implements VigilSerializable {}

  /** What callers see of an agent. */
  @StableName("agent.view.v1")
  public record AgentView(String agentId, String displayName, String phase, Map<String, String> labels,
      Instant registeredAt) implements VigilSerializable {}

  /** Events in the agent's journal. */
  public sealed interface Event extends JournalEvent permits Registered, DecisionRecorded, ReceiptRecorded,
      Decided, PhaseChanged, AlertRaised, InvestigationEnded, ViolationRecorded {}

  /** A receipt of another kind than a decision, sealed in the agent's chain. */
  @StableName("agent.receipt-recorded.v1")
  public record ReceiptRecorded(String receipt, Instant at) implements Event {}

  /**
   * A decision the agent's entity recorded: the quota it consumed (rate limits and budgets count from these) and, for
   * stand-alone evaluations, the sealed receipt (canonical JSON) in the agent's chain.
   */
  @StableName("agent.decision-recorded.v1")
  public record DecisionRecorded(String effect, java.util.List<PolicyProtocol.QuotaConsumption> consumed,
      String receipt, Instant at) implements Event {}

  @StableName("agent.registered.v1")
  public record Registered(String agentId, String displayName, String phase, Map<String, String> labels, Instant at)
      implements Event {}

  /**
   * A decision with what trust and monitoring observe of it (written instead of {@link DecisionRecorded} since 0.2.0,
   * for every decision): the action, the quota it consumed, the receipt when stand-alone, whether the shadow agent's
   * proposal agreed with policy (null outside shadow) and the content scan's summary ({@code none} when not scanned).
   * A {@code critical} scan is also the critical finding the trust evidence records.
   */
  @StableName("agent.decided.v1")
  public record Decided(String action, String effect, List<PolicyProtocol.QuotaConsumption> consumed, String receipt,
      Boolean agreedWithPolicy, String scanMaxSeverity, List<String> scanFindingTypes, Instant at) implements Event {}

  /**
   * A promotion or demotion ({@code cause}: {@code promoted-by-operator}, {@code promoted-automatically},
   * {@code demoted-by-operator}, {@code critical-finding}, {@code monitoring-alert}, {@code policy-violation}), with
   * its sealed {@code phase-change} receipt in the agent's chain naming the evidence.
   */
  @StableName("agent.phase-changed.v1")
  public record PhaseChanged(String from, String to, String cause, String actor, String reason, String receipt,
      Instant at) implements Event {}

  /** Behavioural monitoring raised an alert on the agent (see {@code dev.vigil.sentinel.Alert}). */
  @StableName("agent.alert-raised.v1")
  public record AlertRaised(String alertId, String metric, String method, double expected, double observed,
      double threshold, String severity, String message, Instant at) implements Event {}

  /** One of the agent's investigations ended; the trust evidence counts it. */
  @StableName("agent.investigation-ended.v1")
  public record InvestigationEnded(String investigationId, String outcome, Instant at) implements Event {}

  /** A policy violation reported by the investigation layer. */
  @StableName("agent.violation-recorded.v1")
  public record ViolationRecorded(String ruleId, String detail, Instant at) implements Event {}
}

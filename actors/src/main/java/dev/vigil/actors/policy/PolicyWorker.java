package dev.vigil.actors.policy;


import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;

import dev.vigil.policy.Decision;
import dev.vigil.policy.EvaluationRequest;
import dev.vigil.protocol.PolicyProtocol.Command;
import dev.vigil.protocol.PolicyProtocol.DecisionView;
import dev.vigil.protocol.PolicyProtocol.Evaluate;
import dev.vigil.protocol.PolicyProtocol.EvaluationInput;
import dev.vigil.protocol.PolicyProtocol.QuotaUsage;
import kamon.Kamon;
import kamon.metric.MeasurementUnit;
import kamon.metric.Metric;

/**
 * One worker of the policy pool. Stateless between messages: each {@link Evaluate} is decided against the node's
 * current {@link PolicySnapshot} (read once, so a swap never splits an evaluation), with quota counted against the
 * usage the caller sent; shadow candidates are evaluated beside it as dry runs and disagreements handed to the
 * {@link ShadowRecorder}. A bad request (unknown phase, malformed input) is answered with an error, never a crash.
 */
public final class PolicyWorker extends AbstractBehavior<Command> {

  private static final Metric.Histogram EVALUATION = Kamon.histogram("vigil.policy.evaluation",
      "Policy evaluation time in the worker", MeasurementUnit.time().nanoseconds());

  private final PolicyRegistry registry;
  private final ShadowRecorder shadowRecorder;

  public static Behavior<Command> create(PolicyRegistry registry, ShadowRecorder shadowRecorder) {
    return Behaviors.setup(context -> new PolicyWorker(context, registry, shadowRecorder));
  }

  private PolicyWorker(ActorContext<Command> context, PolicyRegistry registry, ShadowRecorder shadowRecorder) {
    super(context);
    this.registry = registry;
    this.shadowRecorder = shadowRecorder;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Evaluate.class, this::evaluate).build();
  }

  private Behavior<Command> evaluate(Evaluate command) {
    try {
      command.replyTo().tell(StatusReply.success(decide(registry, shadowRecorder, command.input(), command.quota())));
    } catch (RuntimeException e) {
      getContext().getLog().debug("Refused evaluation: {}", e.getMessage());
      command.replyTo().tell(StatusReply.error("cannot evaluate: " + e.getMessage()));
    }
    return this;
  }

  /**
   * One evaluation, as a worker makes it: against the node's current snapshot (read once, so a swap never splits an
   * evaluation), with the shadow candidates beside it. Also used by callers on this node ({@link PolicyPool#evaluateHere}).
   *
   * @throws RuntimeException when the request cannot be evaluated (unknown phase, malformed input)
   */
  static DecisionView decide(PolicyRegistry registry, ShadowRecorder shadowRecorder, EvaluationInput input,
      QuotaUsage quota) {
    long started = System.nanoTime();
    PolicySnapshot snapshot = registry.current();
    EvaluationRequest request = PolicyRequests.toEngine(input);
    RecordingQuotaLedger ledger = new RecordingQuotaLedger(quota);
    Decision decision = snapshot.active().evaluate(request, ledger);
    for (PolicySnapshot.ShadowCandidate candidate : snapshot.shadowList()) {
      Decision shadow = candidate.set().dryRun(request, new RecordingQuotaLedger(quota));
      shadowRecorder.record(candidate, input, decision, shadow);
    }
    EVALUATION.withoutTags().record(System.nanoTime() - started);
    return PolicyRequests.toView(decision, ledger.consumed(), true);
  }

}

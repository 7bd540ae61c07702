package dev.vigil.actors.policy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Routers;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

import dev.vigil.actors.RetryingAsk;
import dev.vigil.protocol.PolicyProtocol;
import dev.vigil.protocol.PolicyProtocol.DecisionView;
import dev.vigil.protocol.PolicyProtocol.EvaluationInput;
import dev.vigil.protocol.PolicyProtocol.QuotaConsumption;
import dev.vigil.protocol.PolicyProtocol.QuotaUsage;
import dev.vigil.protocol.QuotaProtocol;
import kamon.Kamon;
import kamon.metric.Counter;
import kamon.metric.Metric;

/**
 * How callers reach the policy pool: every worker the Receptionist lists as reachable, preferring the caller's own
 * node, round-robin otherwise. On a node whose own workers are serving, the caller evaluates in place, on its own
 * thread, what one of them would ({@link PolicyPool#evaluateHere}); the workers serve the other nodes. Evaluation
 * has no side effect (quota comes back as consumption for the caller to record), so an attempt that times out,
 * because its worker vanished with a node, is retried on another until the deadline. The retry never goes back to a
 * node that already timed out for this request, and every caller avoids a node that timed out recently
 * ({@link PolicyRoutes}), so a killed node costs one attempt's time to the requests that were in flight on it while
 * failure detection catches up, not a chain of attempts that land on it again.
 */
public final class PolicyClient {

  private final ActorSystem<?> system;
  private final ActorRef<PolicyProtocol.Command> router;
  private final PolicyRoutes<ActorRef<PolicyProtocol.Command>> routes;
  private final ClusterSharding sharding;
  private final Duration attemptTimeout;
  private final Duration deadline;
  /** This node's pool when it has the policy role and callers evaluate in place; otherwise null. */
  private final PolicyPool local;
  private final LongAdder inPlace = new LongAdder();
  private final LongAdder throughPool = new LongAdder();
  private final Counter inPlaceMetric = EVALUATIONS.withTag("where", "in-caller");
  private final Counter throughPoolMetric = EVALUATIONS.withTag("where", "pool");

  private static final Metric.Counter EVALUATIONS = Kamon.counter("vigil.policy.client.evaluations",
      "Evaluations requested by this node's callers, by where they ran: in the caller or on a pool worker");

  public PolicyClient(ActorSystem<?> system, Duration attemptTimeout, Duration deadline) {
    this(system, attemptTimeout, deadline, null);
  }

  /**
   * A client that evaluates on the caller's thread while {@code local} (this node's pool, or null) is serving, and
   * sends to the pool's workers otherwise: on a node without the policy role, or once this node's workers have
   * deregistered for a drain.
   */
  public PolicyClient(ActorSystem<?> system, Duration attemptTimeout, Duration deadline, PolicyPool local) {
    this.system = system;
    this.local = local;
    this.attemptTimeout = attemptTimeout;
    this.deadline = deadline;
    this.sharding = ClusterSharding.get(system);
    this.router = system.systemActorOf(Routers.group(PolicyProtocol.WORKERS).withRoundRobinRouting(true),
        "policy-router-" + java.util.UUID.randomUUID(), Props.empty());
    this.routes = PolicyRoutes.start(system, Duration.ofSeconds(10));
  }

  /**
   * Decides: the pool evaluates (retrying on another worker if one vanishes), then quota shared by every principal
   * (global or per-action limits) is consumed at its cluster-wide {@link QuotaCounter}; if a counter refuses, the
   * decision becomes a deny naming the limit. The consumption returned is only what the caller's entity counts itself.
   */
  public CompletionStage<DecisionView> evaluate(EvaluationInput input, QuotaUsage usage) {
    return attempts(input, usage).thenCompose(this::applySharedQuota);
  }

  /** Evaluations this client made on its callers' threads. */
  public long evaluatedInPlace() {
    return inPlace.sum();
  }

  /** Evaluations this client sent to the pool's workers. */
  public long sentToPool() {
    return throughPool.sum();
  }

  private CompletionStage<DecisionView> applySharedQuota(DecisionView decision) {
    List<QuotaConsumption> consumed = decision.consumed() == null ? List.of() : decision.consumed();
    List<QuotaConsumption> shared = consumed.stream().filter(c -> !c.principalScoped()).toList();
    if (shared.isEmpty()) {
      return CompletableFuture.completedFuture(decision);
    }
    List<QuotaConsumption> own = consumed.stream().filter(QuotaConsumption::principalScoped).toList();
    long now = System.currentTimeMillis();
    CompletionStage<Optional<String>> refused = CompletableFuture.completedFuture(Optional.empty());
    for (QuotaConsumption consumption : shared) {
      refused = refused.thenCompose(earlier -> earlier.isPresent()
          ? CompletableFuture.completedFuture(earlier)
          : sharding.entityRefFor(QuotaCounter.TYPE_KEY, consumption.key())
              .<Boolean>ask(reply -> new QuotaProtocol.TryConsume(consumption.amount(), consumption.limit(),
                  consumption.windowMillis(), now, reply), deadline)
              // fail closed: a counter that cannot be reached does not grant its quota
              .exceptionally(failure -> false)
              .thenApply(granted -> granted ? Optional.<String>empty() : Optional.of(consumption.key())));
    }
    return refused.thenApply(limit -> limit.isEmpty()
        ? withConsumed(decision, own, decision.effect(), decision.reason())
        : withConsumed(decision, own, "deny", "limit exceeded: " + limit.get() + " (shared by all principals)"));
  }

  private static DecisionView withConsumed(DecisionView d, List<QuotaConsumption> consumed, String effect, String reason) {
    return new DecisionView(effect, reason, d.ruleId(), d.policyId(), d.policyVersion(), d.policySha256(),
        d.actionKind(), effect.equals("escalate") ? d.approval() : null, consumed, d.explanation(), d.receiptId());
  }

  private CompletionStage<DecisionView> attempts(EvaluationInput input, QuotaUsage usage) {
    if (local != null && local.serving()) {
      inPlace.increment();
      inPlaceMetric.increment();
      try {
        return CompletableFuture.completedFuture(local.evaluateHere(input, usage));
      } catch (RuntimeException e) {
        // as a worker refuses it (PolicyWorker), and as the pool path below reports that refusal
        return CompletableFuture.failedFuture(new IllegalArgumentException("cannot evaluate: " + e.getMessage()));
      }
    }
    throughPool.increment();
    throughPoolMetric.increment();
    Set<Address> timedOut = ConcurrentHashMap.newKeySet();
    return RetryingAsk.untilDeadline(attemptTimeout, deadline, timeout -> {
      // no listing yet (a node still starting): the group router holds the message until it has one
      ActorRef<PolicyProtocol.Command> worker = routes.pick(timedOut).orElse(router);
      return AskPattern.ask(worker,
              (ActorRef<StatusReply<DecisionView>> replyTo) -> new PolicyProtocol.Evaluate(input, usage, replyTo),
              timeout, system.scheduler())
          .whenComplete((answer, failure) -> {
            if (worker == router) {
              return;
            }
            Address node = worker.path().address();
            if (failure == null) {
              routes.answered(node);
            } else if (RetryingAsk.isTimeout(RetryingAsk.unwrap(failure))) {
              timedOut.add(node);
              routes.suspect(node);
            }
          })
          .thenCompose(answer -> answer.isSuccess() ? CompletableFuture.completedFuture(answer.getValue())
              : CompletableFuture.<DecisionView>failedFuture(new IllegalArgumentException(answer.getError().getMessage())));
    });
  }
}

package dev.vigil.actors.investigation;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

import dev.vigil.actors.RetryingAsk;
import dev.vigil.actors.agent.AgentEntity;
import dev.vigil.protocol.AgentProtocol;
import dev.vigil.protocol.PolicyProtocol;

/** {@link AgentPhases} and {@link Decider} through the sharded {@link AgentEntity}. */
public final class ShardedAgents implements AgentPhases, Decider {

  private final ClusterSharding sharding;
  private final Duration timeout;
  private final Duration attemptTimeout;

  /**
   * Asks are repeated every {@code attemptTimeout} until {@code timeout}, earlier attempts still allowed to answer
   * ({@link RetryingAsk#hedged}): a region drops the messages it had buffered for a shard it is handing off (a node
   * draining), and one lost attempt should not cost the whole call, nor a slow one the answer it brings late.
   */
  public ShardedAgents(ActorSystem<?> system, Duration timeout, Duration attemptTimeout) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
    this.attemptTimeout = attemptTimeout.compareTo(timeout) < 0 ? attemptTimeout : timeout;
  }

  @Override
  public CompletionStage<String> phaseOf(String agentId) {
    var agent = sharding.entityRefFor(AgentEntity.TYPE_KEY, agentId);
    return RetryingAsk.hedged(attemptTimeout, timeout,
            t -> agent.<AgentProtocol.AgentView>askWithStatus(AgentProtocol.Get::new, t))
        .handle((view, failure) -> {
          if (failure == null) {
            return view.phase();
          }
          Throwable cause = failure instanceof CompletionException && failure.getCause() != null
              ? failure.getCause() : failure;
          if (cause instanceof StatusReply.ErrorMessage refused) {
            throw new UnknownAgentException(refused.getMessage());
          }
          throw new CompletionException(cause);
        });
  }

  @Override
  public void concluded(String agentId, String investigationId, String outcome, java.time.Instant at) {
    sharding.entityRefFor(AgentEntity.TYPE_KEY, agentId)
        .tell(new AgentProtocol.InvestigationConcluded(investigationId, outcome, at, null));
  }

  /**
   * The attempts carry one request id, which the Agent entity answers from its recent decisions: a retry after a slow
   * (not lost) attempt gets the same decision instead of a second one counted against the agent's quotas.
   */
  @Override
  public CompletionStage<PolicyProtocol.DecisionView> decide(PolicyProtocol.EvaluationInput input) {
    var agent = sharding.entityRefFor(AgentEntity.TYPE_KEY, input.agentId());
    String requestId = UUID.randomUUID().toString();
    return RetryingAsk.hedged(attemptTimeout, timeout,
        t -> agent.askWithStatus(reply -> new AgentProtocol.Decide(input, false, reply, requestId), t));
  }
}

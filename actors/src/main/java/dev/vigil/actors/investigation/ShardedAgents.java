package dev.vigil.actors.investigation;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

import dev.vigil.actors.agent.AgentEntity;
import dev.vigil.protocol.AgentProtocol;
import dev.vigil.protocol.PolicyProtocol;

/** {@link AgentPhases} and {@link Decider} through the sharded {@link AgentEntity}. */
public final class ShardedAgents implements AgentPhases, Decider {

  private final ClusterSharding sharding;
  private final Duration timeout;

  public ShardedAgents(ActorSystem<?> system, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
  }

  @Override
  public CompletionStage<String> phaseOf(String agentId) {
    return sharding.entityRefFor(AgentEntity.TYPE_KEY, agentId)
        .<AgentProtocol.AgentView>askWithStatus(AgentProtocol.Get::new, timeout)
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

  @Override
  public CompletionStage<PolicyProtocol.DecisionView> decide(PolicyProtocol.EvaluationInput input) {
    return sharding.entityRefFor(AgentEntity.TYPE_KEY, input.agentId())
        .askWithStatus(reply -> new AgentProtocol.Decide(input, false, reply), timeout);
  }
}

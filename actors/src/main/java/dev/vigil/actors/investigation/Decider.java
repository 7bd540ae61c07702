package dev.vigil.actors.investigation;

import java.util.concurrent.CompletionStage;

import dev.vigil.protocol.PolicyProtocol;

/**
 * Decides one action by policy. The production implementation ({@link ShardedAgents}) asks the agent's entity
 * ({@code AgentProtocol.Decide} without its own receipt), which asks the policy pool with the agent's quota usage.
 */
@FunctionalInterface
public interface Decider {
  CompletionStage<PolicyProtocol.DecisionView> decide(PolicyProtocol.EvaluationInput input);
}

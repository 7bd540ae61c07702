package dev.vigil.actors.investigation;

import java.util.concurrent.CompletionStage;

/**
 * Reads an agent's current trust phase (wire name). Fails with {@link UnknownAgentException} when the agent is not
 * registered, and with anything else when it could not be asked (the investigation then retries).
 */
@FunctionalInterface
public interface AgentPhases {
  CompletionStage<String> phaseOf(String agentId);

  /**
   * Tells the agent an investigation of its ended (its evidence counts it); idempotent per investigation, so it may be
   * told again after a recovery. Does nothing unless the implementation reports to agents.
   */
  default void concluded(String agentId, String investigationId, String outcome, java.time.Instant at) {}

  /** The agent does not exist: the investigation is rejected. */
  final class UnknownAgentException extends RuntimeException {
    public UnknownAgentException(String message) {
      super(message, null, false, false);
    }
  }
}

package dev.vigil.actors.agent;

import java.time.Instant;
import java.util.Map;

import dev.vigil.protocol.AgentProtocol.AlertRaised;

/**
 * Where the {@code Agent} entity hands what read models and other layers need to hear about, after it is persisted:
 * the agent's current phase (on registration, on every phase change and again on recovery, so a lost write heals) and
 * each monitoring alert (with whether the configuration asks to pause the agent's running investigations). Calls
 * must not block: implementations queue the work. The journal stays the source of truth.
 */
public interface AgentPublisher {

  AgentPublisher NONE = new AgentPublisher() {
    @Override
    public void phase(String agentId, String displayName, String phase, Map<String, String> labels,
        Instant registeredAt, Instant updatedAt) {}

    @Override
    public void alert(String agentId, String phase, AlertRaised alert, boolean pauseInvestigations) {}
  };

  /** The agent's current phase and description; idempotent (an upsert). */
  void phase(String agentId, String displayName, String phase, Map<String, String> labels, Instant registeredAt,
      Instant updatedAt);

  /** A monitoring alert, identified by {@code alert.alertId()}; idempotent. */
  void alert(String agentId, String phase, AlertRaised alert, boolean pauseInvestigations);
}

package dev.vigil.actors.agent;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.vigil.protocol.AgentProtocol.AlertRaised;
import dev.vigil.protocol.PolicyProtocol.QuotaUse;
import dev.vigil.protocol.StableName;
import dev.vigil.protocol.VigilSerializable;
import dev.vigil.sentinel.AgentMonitor;
import dev.vigil.trust.Evidence;

/**
 * The {@code Agent} entity's state as it goes into a snapshot: immutable values only (the live state keeps a mutable
 * receipt chain and quota windows). {@code registered} is false for an agent that does not exist yet.
 *
 * @param registered whether the agent is registered; the other fields are null/empty when not
 * @param agentId the agent
 * @param displayName its name
 * @param labels its labels
 * @param registeredAt when it was registered
 * @param chainSequence sequence of the last receipt in the agent's chain (0: none)
 * @param chainHash hash of that receipt
 * @param usage quota uses per key within their windows
 * @param decisions decisions made
 * @param denials of those, denied
 * @param evidence graduated trust: the phase and what was observed in it
 * @param monitor behavioural monitoring's state
 * @param lastChangeReceiptId the receipt of the last phase change, or null
 * @param concludedInvestigations ids of the last concluded investigations (for idempotence)
 * @param recentAlerts the last alerts, re-published to the read model on recovery
 */
@StableName("agent.state.v1")
public record AgentSnapshot(boolean registered, String agentId, String displayName, Map<String, String> labels,
    Instant registeredAt, long chainSequence, String chainHash, Map<String, Usage> usage, long decisions,
    long denials, Evidence evidence, AgentMonitor monitor, String lastChangeReceiptId,
    List<String> concludedInvestigations, List<AlertRaised> recentAlerts) implements VigilSerializable {

  /** One quota key's window and what it consumed within it. */
  public record Usage(long windowMillis, List<QuotaUse> uses) {}
}

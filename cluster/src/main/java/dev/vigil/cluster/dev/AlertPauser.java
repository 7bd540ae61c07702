package dev.vigil.cluster.dev;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vigil.actors.agent.AgentPublisher;
import dev.vigil.actors.investigation.Investigation;
import dev.vigil.persistence.investigations.InvestigationReadModel;
import dev.vigil.protocol.AgentProtocol.AlertRaised;
import dev.vigil.protocol.InvestigationProtocol;

/**
 * The {@link AgentPublisher} that pauses an agent's investigations when a monitoring alert asks for it
 * ({@code vigil.sentinel.pause-investigations-at}): it reads the agent's open investigations from the read model
 * ({@code vigil_investigations} by agent id; on the database's executor, never on the entity's thread) and tells each
 * one {@link InvestigationProtocol.Pause} with the alert's id, which the entity makes idempotent.
 *
 * <p>Why the read model and not a set kept in the agent entity: the agent entity only hears when an investigation
 * ends, not when it starts, and keeping the set there would add a start notification, a field in the agent's
 * snapshot and a second source of truth for what the investigations' own journal already says. The price is the
 * projection's lag (measured at several seconds under test load, bounded by the {@code vigil.projections} poll and
 * the journal's write path): an investigation started in that window is not paused by this alert, and the monitor's
 * cooldown may hold back a repeat of the same alert for a while.
 *
 * <p>Phases go to the {@code agents} projection, not here.
 */
public final class AlertPauser implements AgentPublisher {

  private static final Logger log = LoggerFactory.getLogger(AlertPauser.class);

  /** States in which the agent may (or soon will) call: everything open and not yet concluding. */
  static final Set<String> PAUSABLE = Set.of("requested", "queued", "provisioning", "launching", "running");
  private static final int MAX_PER_AGENT = 1000;

  private final ClusterSharding sharding;
  private final InvestigationReadModel investigations;

  public AlertPauser(ActorSystem<?> system, InvestigationReadModel investigations) {
    this.sharding = ClusterSharding.get(system);
    this.investigations = investigations;
  }

  @Override
  public void phase(String agentId, String displayName, String phase, Map<String, String> labels,
      Instant registeredAt, Instant updatedAt) {}

  @Override
  public void alert(String agentId, String phase, AlertRaised alert, boolean pauseInvestigations) {
    if (!pauseInvestigations) {
      return;
    }
    String reason = alert.severity() + " " + alert.metric() + "/" + alert.method() + " alert: " + alert.message();
    investigations.list(Optional.empty(), Optional.of(agentId), MAX_PER_AGENT).whenComplete((rows, failure) -> {
      if (failure != null) {
        log.warn("Alert {} of agent {} asks to pause its investigations, but the read model is not readable: {}",
            alert.alertId(), agentId, failure.toString());
        return;
      }
      int paused = 0;
      for (var row : rows) {
        if (PAUSABLE.contains(row.state())) {
          sharding.entityRefFor(Investigation.TYPE_KEY, row.investigationId())
              .tell(new InvestigationProtocol.Pause(alert.alertId(), reason, null));
          paused++;
        }
      }
      log.info("Alert {} of agent {}: pausing {} open investigation(s)", alert.alertId(), agentId, paused);
    });
  }
}

package dev.vigil.actors.agent;

import java.sql.Connection;
import java.sql.SQLException;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.persistence.query.EventEnvelope;

import dev.vigil.actors.projection.ProjectionRunner;
import dev.vigil.actors.projection.ProjectionSettings;
import dev.vigil.persistence.Database;
import dev.vigil.persistence.agents.AgentReadModel;
import dev.vigil.protocol.AgentProtocol.AlertRaised;
import dev.vigil.protocol.AgentProtocol.PhaseChanged;
import dev.vigil.protocol.AgentProtocol.Registered;

/**
 * The agents read model's projection: applies the Agent entities' registrations, phase changes and alerts to
 * {@code vigil_agents} and {@code vigil_agent_alerts} (exactly once, with the {@link ProjectionRunner}'s offsets).
 */
public final class AgentProjection {

  public static final String NAME = "agents";

  private AgentProjection() {}

  /** Starts the projection's workers on nodes of the entities role. */
  public static void init(ActorSystem<?> system, Database database, ProjectionSettings projections,
      AgentSettings settings) {
    ProjectionRunner.init(system, new ProjectionRunner.Projection(NAME,
        ProjectionRunner.tags("agent-", settings.projectionTags()), AgentProjection::apply), database, projections,
        AgentEntity.ROLE);
  }

  /**
   * Whether the projection reads this event, and so whether the entity tags it: decisions (the bulk of the journal)
   * are not tagged, so the read side neither loads nor deserializes them.
   */
  static boolean projects(Object event) {
    return event instanceof Registered || event instanceof PhaseChanged || event instanceof AlertRaised;
  }

  static void apply(Connection connection, EventEnvelope envelope) throws SQLException {
    String agentId = envelope.persistenceId().substring(envelope.persistenceId().indexOf('|') + 1);
    Object event = envelope.event();
    if (event instanceof Registered registered) {
      AgentReadModel.registered(connection, agentId, registered.displayName(), registered.phase(), registered.at());
    } else if (event instanceof PhaseChanged changed) {
      AgentReadModel.phaseChanged(connection, agentId, changed.to(), changed.at());
    } else if (event instanceof AlertRaised alert) {
      AgentReadModel.alertRaised(connection, new AgentReadModel.AlertRow(alert.alertId(), agentId, alert.metric(),
          alert.method(), alert.severity(), alert.expected(), alert.observed(), alert.threshold(), alert.message(),
          alert.at()));
    }
  }
}

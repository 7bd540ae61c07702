package dev.vigil.persistence.agents;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import dev.vigil.persistence.Database;

/**
 * The agents read model: {@code vigil_agents} (one row per agent with its phase, for {@code GET /v1/agents?phase=})
 * and {@code vigil_agent_alerts} (every monitoring alert, for {@code GET /v1/alerts}). The static writers run inside
 * the agents projection's transaction, idempotently; the queries run on the {@link Database}'s executor.
 */
public final class AgentReadModel {

  public static final int MAX_MESSAGE = 1000;

  /** One agent as listed. */
  public record AgentRow(String agentId, String displayName, String phase, Instant registeredAt,
      Instant phaseEnteredAt, int alerts, Instant lastAlertAt, Instant updatedAt) {}

  /** One alert as listed. */
  public record AlertRow(String alertId, String agentId, String metric, String method, String severity,
      double expected, double observed, double threshold, String message, Instant at) {}

  private final Database database;

  public AgentReadModel(Database database) {
    this.database = database;
  }

  // ------------------------------------------------------------------ writes (in the caller's transaction)

  public static void registered(Connection c, String agentId, String displayName, String phase, Instant at)
      throws SQLException {
    if (exists(c, "SELECT 1 FROM vigil_agents WHERE agent_id = ?", agentId)) {
      return;
    }
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO vigil_agents (agent_id, display_name, phase,"
        + " registered_at, phase_entered_at, alerts, updated_at) VALUES (?, ?, ?, ?, ?, 0, ?)")) {
      insert.setString(1, agentId);
      insert.setString(2, displayName);
      insert.setString(3, phase);
      insert.setTimestamp(4, Timestamp.from(at));
      insert.setTimestamp(5, Timestamp.from(at));
      insert.setTimestamp(6, Timestamp.from(at));
      insert.executeUpdate();
    }
  }

  public static void phaseChanged(Connection c, String agentId, String phase, Instant at) throws SQLException {
    try (PreparedStatement u = c.prepareStatement(
        "UPDATE vigil_agents SET phase = ?, phase_entered_at = ?, updated_at = ? WHERE agent_id = ?")) {
      u.setString(1, phase);
      u.setTimestamp(2, Timestamp.from(at));
      u.setTimestamp(3, Timestamp.from(at));
      u.setString(4, agentId);
      u.executeUpdate();
    }
  }

  public static void alertRaised(Connection c, AlertRow alert) throws SQLException {
    if (exists(c, "SELECT 1 FROM vigil_agent_alerts WHERE alert_id = ?", alert.alertId())) {
      return;
    }
    String message = alert.message().length() <= MAX_MESSAGE ? alert.message()
        : alert.message().substring(0, MAX_MESSAGE);
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO vigil_agent_alerts (alert_id, agent_id, metric,"
        + " method, severity, expected, observed, threshold, message, raised_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, alert.alertId());
      insert.setString(2, alert.agentId());
      insert.setString(3, alert.metric());
      insert.setString(4, alert.method());
      insert.setString(5, alert.severity());
      insert.setDouble(6, alert.expected());
      insert.setDouble(7, alert.observed());
      insert.setDouble(8, alert.threshold());
      insert.setString(9, message);
      insert.setTimestamp(10, Timestamp.from(alert.at()));
      insert.executeUpdate();
    }
    try (PreparedStatement u = c.prepareStatement(
        "UPDATE vigil_agents SET alerts = alerts + 1, last_alert_at = ?, updated_at = ? WHERE agent_id = ?")) {
      u.setTimestamp(1, Timestamp.from(alert.at()));
      u.setTimestamp(2, Timestamp.from(alert.at()));
      u.setString(3, alert.agentId());
      u.executeUpdate();
    }
  }

  private static boolean exists(Connection c, String sql, String key) throws SQLException {
    try (PreparedStatement q = c.prepareStatement(sql)) {
      q.setString(1, key);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next();
      }
    }
  }

  // ------------------------------------------------------------------ queries

  /** Agents ordered by id, in {@code phase} when given, after {@code afterId} when given (keyset paging). */
  public CompletionStage<List<AgentRow>> agents(Optional<String> phase, Optional<String> afterId, int limit) {
    return database.run(c -> {
      StringBuilder sql = new StringBuilder("SELECT agent_id, display_name, phase, registered_at, phase_entered_at,"
          + " alerts, last_alert_at, updated_at FROM vigil_agents");
      List<String> params = new ArrayList<>();
      String glue = " WHERE ";
      if (phase.isPresent()) {
        sql.append(glue).append("phase = ?");
        params.add(phase.get());
        glue = " AND ";
      }
      if (afterId.isPresent()) {
        sql.append(glue).append("agent_id > ?");
        params.add(afterId.get());
      }
      sql.append(" ORDER BY agent_id LIMIT ").append(Math.max(1, limit));
      try (PreparedStatement q = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < params.size(); i++) {
          q.setString(i + 1, params.get(i));
        }
        List<AgentRow> rows = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            rows.add(new AgentRow(rs.getString(1), rs.getString(2), rs.getString(3), instant(rs, 4), instant(rs, 5),
                rs.getInt(6), instant(rs, 7), instant(rs, 8)));
          }
        }
        return rows;
      }
    });
  }

  /** Alerts, newest first, of {@code agentId} when given, raised at or after {@code since} when given. */
  public CompletionStage<List<AlertRow>> alerts(Optional<String> agentId, Optional<Instant> since, int limit) {
    return database.run(c -> {
      StringBuilder sql = new StringBuilder("SELECT alert_id, agent_id, metric, method, severity, expected, observed,"
          + " threshold, message, raised_at FROM vigil_agent_alerts");
      List<Object> params = new ArrayList<>();
      String glue = " WHERE ";
      if (agentId.isPresent()) {
        sql.append(glue).append("agent_id = ?");
        params.add(agentId.get());
        glue = " AND ";
      }
      if (since.isPresent()) {
        sql.append(glue).append("raised_at >= ?");
        params.add(Timestamp.from(since.get()));
      }
      sql.append(" ORDER BY raised_at DESC, alert_id LIMIT ").append(Math.max(1, limit));
      try (PreparedStatement q = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < params.size(); i++) {
          q.setObject(i + 1, params.get(i));
        }
        List<AlertRow> rows = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            rows.add(new AlertRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getDouble(6), rs.getDouble(7), rs.getDouble(8), rs.getString(9),
                instant(rs, 10)));
          }
        }
        return rows;
      }
    });
  }

  private static Instant instant(ResultSet rs, int column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}

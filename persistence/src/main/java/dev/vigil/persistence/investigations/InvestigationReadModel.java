package dev.vigil.persistence.investigations;

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
 * The investigations read model, {@code vigil_investigations}: one row per investigation with its state, agent,
 * phase, Job, queue position, decisions count, outcome and timestamps. The static writers run inside the projection's
 * transaction (see {@code ProjectionRunner}); the queries run on the {@link Database}'s executor.
 */
public final class InvestigationReadModel {

  public static final int MAX_REASON = 1000;

  private final Database database;

  public InvestigationReadModel(Database database) {
    this.database = database;
  }

  // ------------------------------------------------------------------ writes (in the caller's transaction)

  public static void requested(Connection c, String investigationId, String agentId, Instant at) throws SQLException {
    try (PreparedStatement exists = c.prepareStatement(
        "SELECT 1 FROM vigil_investigations WHERE investigation_id = ?")) {
      exists.setString(1, investigationId);
      try (ResultSet rs = exists.executeQuery()) {
        if (rs.next()) {
          return;
        }
      }
    }
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO vigil_investigations (investigation_id, agent_id,"
        + " state, queue_position, decisions, requested_at, updated_at) VALUES (?, ?, 'requested', 0, 0, ?, ?)")) {
      insert.setString(1, investigationId);
      insert.setString(2, agentId);
      insert.setTimestamp(3, Timestamp.from(at));
      insert.setTimestamp(4, Timestamp.from(at));
      insert.executeUpdate();
    }
  }

  public static void queued(Connection c, String investigationId, int position, Instant at) throws SQLException {
    update(c, "state = 'queued', queue_position = ?", investigationId, at, position);
  }

  /** A new stage without other changes (provisioning, running); the queue position is over. */
  public static void stage(Connection c, String investigationId, String state, Instant at) throws SQLException {
    update(c, "state = ?, queue_position = 0", investigationId, at, state);
  }

  public static void phase(Connection c, String investigationId, String phase, Instant at) throws SQLException {
    update(c, "phase = ?", investigationId, at, phase);
  }

  public static void launched(Connection c, String investigationId, String jobName, Instant at) throws SQLException {
    update(c, "state = 'launching', job_name = ?, launched_at = ?", investigationId, at, jobName, Timestamp.from(at));
  }

  public static void decided(Connection c, String investigationId, Instant at) throws SQLException {
    update(c, "decisions = decisions + 1", investigationId, at);
  }

  public static void concluding(Connection c, String investigationId, String outcome, String reason, Instant at)
      throws SQLException {
    String clipped = reason == null || reason.length() <= MAX_REASON ? reason : reason.substring(0, MAX_REASON);
    update(c, "state = 'concluding', outcome = ?, reason = ?, queue_position = 0", investigationId, at, outcome,
        clipped);
  }

  public static void ended(Connection c, String investigationId, String outcome, Instant at) throws SQLException {
    update(c, "state = ?, outcome = ?, ended_at = ?", investigationId, at, outcome, outcome, Timestamp.from(at));
  }

  private static void update(Connection c, String assignments, String investigationId, Instant at, Object... values)
      throws SQLException {
    try (PreparedStatement u = c.prepareStatement(
        "UPDATE vigil_investigations SET " + assignments + ", updated_at = ? WHERE investigation_id = ?")) {
      int i = 1;
      for (Object value : values) {
        u.setObject(i++, value);
      }
      u.setTimestamp(i++, Timestamp.from(at));
      u.setString(i, investigationId);
      u.executeUpdate();
    }
  }

  // ------------------------------------------------------------------ queries

  /** Investigations, newest first, filtered by state and/or agent when given. */
  public CompletionStage<List<InvestigationRow>> list(Optional<String> state, Optional<String> agentId, int limit) {
    return database.run(c -> {
      StringBuilder sql = new StringBuilder("SELECT investigation_id, agent_id, state, phase, job_name, outcome, reason,"
          + " queue_position, decisions, requested_at, launched_at, ended_at, updated_at FROM vigil_investigations");
      List<String> params = new ArrayList<>();
      String glue = " WHERE ";
      if (state.isPresent()) {
        sql.append(glue).append("state = ?");
        params.add(state.get());
        glue = " AND ";
      }
      if (agentId.isPresent()) {
        sql.append(glue).append("agent_id = ?");
        params.add(agentId.get());
      }
      sql.append(" ORDER BY requested_at DESC, investigation_id LIMIT ").append(Math.max(1, limit));
      try (PreparedStatement q = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < params.size(); i++) {
          q.setString(i + 1, params.get(i));
        }
        List<InvestigationRow> rows = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            rows.add(new InvestigationRow(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getInt(8), rs.getInt(9), instant(rs, 10),
                instant(rs, 11), instant(rs, 12), instant(rs, 13)));
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

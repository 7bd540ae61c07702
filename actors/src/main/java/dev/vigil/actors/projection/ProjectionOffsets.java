package dev.vigil.actors.projection;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;

import dev.vigil.persistence.Database;

/**
 * Offsets of projections in {@code vigil_projection_offsets (projection_name, tag, last_offset)}: the journal's
 * global ordering of the last event applied, per projection and tag (0 = nothing applied yet).
 */
public final class ProjectionOffsets {

  private final Database database;

  public ProjectionOffsets(Database database) {
    this.database = database;
  }

  public CompletionStage<Long> load(String projection, String tag) {
    return database.run(connection -> {
      try (PreparedStatement q = connection.prepareStatement(
          "SELECT last_offset FROM vigil_projection_offsets WHERE projection_name = ? AND tag = ?")) {
        q.setString(1, projection);
        q.setString(2, tag);
        try (ResultSet rs = q.executeQuery()) {
          return rs.next() ? rs.getLong(1) : 0L;
        }
      }
    });
  }

  /** Every tag's offset of one projection (for tests and operators). */
  public CompletionStage<Map<String, Long>> all(String projection) {
    return database.run(connection -> {
      Map<String, Long> offsets = new TreeMap<>();
      try (PreparedStatement q = connection.prepareStatement(
          "SELECT tag, last_offset FROM vigil_projection_offsets WHERE projection_name = ?")) {
        q.setString(1, projection);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            offsets.put(rs.getString(1), rs.getLong(2));
          }
        }
      }
      return offsets;
    });
  }

  /** Stores the offset within the caller's transaction (update, or insert the first time). */
  static void save(Connection connection, String projection, String tag, long offset) throws SQLException {
    Timestamp now = Timestamp.from(Instant.now());
    try (PreparedStatement update = connection.prepareStatement(
        "UPDATE vigil_projection_offsets SET last_offset = ?, updated_at = ? WHERE projection_name = ? AND tag = ?")) {
      update.setLong(1, offset);
      update.setTimestamp(2, now);
      update.setString(3, projection);
      update.setString(4, tag);
      if (update.executeUpdate() == 1) {
        return;
      }
    }
    try (PreparedStatement insert = connection.prepareStatement(
        "INSERT INTO vigil_projection_offsets (projection_name, tag, last_offset, updated_at) VALUES (?, ?, ?, ?)")) {
      insert.setString(1, projection);
      insert.setString(2, tag);
      insert.setLong(3, offset);
      insert.setTimestamp(4, now);
      insert.executeUpdate();
    }
  }
}

package dev.vigil.persistence.investigations;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import dev.vigil.persistence.Database;

/**
 * Receipts copied into {@code vigil_receipts} (receipt_id, chain_id, sequence, kind, body_json, prev_hash, hash,
 * created_at; unique (chain_id, sequence)) by projections, so a chain can be queried without replaying a journal.
 * {@code body_json} is the whole sealed receipt as stored in its event.
 */
public final class ReceiptRecords {

  /** One stored receipt. */
  public record ReceiptRow(String receiptId, String chainId, long sequence, String kind, String bodyJson,
      String prevHash, String hash, Instant createdAt) {}

  private final Database database;

  public ReceiptRecords(Database database) {
    this.database = database;
  }

  /** Inserts within the caller's transaction. */
  public static void insert(Connection c, ReceiptRow row) throws SQLException {
    try (PreparedStatement insert = c.prepareStatement("INSERT INTO vigil_receipts (receipt_id, chain_id, sequence,"
        + " kind, body_json, prev_hash, hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
      insert.setString(1, row.receiptId());
      insert.setString(2, row.chainId());
      insert.setLong(3, row.sequence());
      insert.setString(4, row.kind());
      insert.setString(5, row.bodyJson());
      insert.setString(6, row.prevHash());
      insert.setString(7, row.hash());
      insert.setTimestamp(8, Timestamp.from(row.createdAt()));
      insert.executeUpdate();
    }
  }

  /** A chain in sequence order. */
  public CompletionStage<List<ReceiptRow>> chain(String chainId) {
    return database.run(c -> {
      try (PreparedStatement q = c.prepareStatement("SELECT receipt_id, chain_id, sequence, kind, body_json, prev_hash,"
          + " hash, created_at FROM vigil_receipts WHERE chain_id = ? ORDER BY sequence")) {
        q.setString(1, chainId);
        List<ReceiptRow> rows = new ArrayList<>();
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            rows.add(new ReceiptRow(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), rs.getTimestamp(8).toInstant()));
          }
        }
        return rows;
      }
    });
  }
}

package dev.vigil.persistence.policies;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;

import dev.vigil.persistence.Database;

/**
 * Policies in PostgreSQL with every version kept ({@code vigil_policy_versions}) and a head per policy naming its
 * active and shadow revisions ({@code vigil_policy_heads}). Every activation bumps one generation counter in the same
 * transaction, so a node can tell whether its compiled snapshot is current. Validation happens before the store is
 * called: nothing invalid is ever written.
 */
public final class PolicyStore {

  private static final String VERSION_COLUMNS =
      "policy_id, revision, declared_version, format, sha256, source, uploaded_at, uploaded_by";

  private final Database database;
  private final Clock clock;

  public PolicyStore(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  /**
   * Stores a new revision (the next number for this policy id). Uploading the same source again (same hash) returns
   * the existing revision instead of a duplicate.
   */
  public CompletionStage<StoredPolicy> upload(String policyId, String declaredVersion, String format, String sha256,
      String source, Optional<String> uploadedBy) {
    // two first uploads of a new policy id race on its head row: the loser's transaction is aborted, so retry once
    return attemptUpload(policyId, declaredVersion, format, sha256, source, uploadedBy).exceptionallyCompose(failure ->
        isUniqueViolation(failure)
            ? attemptUpload(policyId, declaredVersion, format, sha256, source, uploadedBy)
            : java.util.concurrent.CompletableFuture.failedFuture(failure));
  }

  private static boolean isUniqueViolation(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && ("23505".equals(sql.getSQLState()) || "23000".equals(sql.getSQLState()))) {
        return true;
      }
    }
    return false;
  }

  private CompletionStage<StoredPolicy> attemptUpload(String policyId, String declaredVersion, String format,
      String sha256, String source, Optional<String> uploadedBy) {
    return database.transaction(connection -> {
      lockHead(connection, policyId);
      try (PreparedStatement same = connection.prepareStatement("SELECT " + VERSION_COLUMNS
          + " FROM vigil_policy_versions WHERE policy_id = ? AND sha256 = ? ORDER BY revision DESC")) {
        same.setString(1, policyId);
        same.setString(2, sha256);
        try (ResultSet rs = same.executeQuery()) {
          if (rs.next()) {
            return read(rs);
          }
        }
      }
      int revision = 1;
      try (PreparedStatement max = connection.prepareStatement(
          "SELECT COALESCE(MAX(revision), 0) FROM vigil_policy_versions WHERE policy_id = ?")) {
        max.setString(1, policyId);
        try (ResultSet rs = max.executeQuery()) {
          rs.next();
          revision = rs.getInt(1) + 1;
        }
      }
      StoredPolicy stored = new StoredPolicy(policyId, revision, declaredVersion, format, sha256, source,
          clock.instant(), uploadedBy);
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO vigil_policy_versions ("
          + VERSION_COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
        insert.setString(1, policyId);
        insert.setInt(2, revision);
        insert.setString(3, declaredVersion);
        insert.setString(4, format);
        insert.setString(5, sha256);
        insert.setString(6, source);
        insert.setTimestamp(7, Timestamp.from(stored.uploadedAt()));
        insert.setString(8, uploadedBy.orElse(null));
        insert.executeUpdate();
      }
      return stored;
    });
  }

  public CompletionStage<List<StoredPolicy>> versions(String policyId) {
    return database.run(connection -> {
      try (PreparedStatement q = connection.prepareStatement("SELECT " + VERSION_COLUMNS
          + " FROM vigil_policy_versions WHERE policy_id = ? ORDER BY revision")) {
        q.setString(1, policyId);
        return readAll(q);
      }
    });
  }

  public CompletionStage<Optional<StoredPolicy>> version(String policyId, int revision) {
    return database.run(connection -> find(connection, policyId, revision));
  }

  public CompletionStage<List<PolicyHead>> heads() {
    return database.run(connection -> {
      List<PolicyHead> heads = new ArrayList<>();
      try (Statement s = connection.createStatement();
           ResultSet rs = s.executeQuery("SELECT policy_id, active_revision, shadow_revision, updated_at "
               + "FROM vigil_policy_heads ORDER BY policy_id")) {
        while (rs.next()) {
          heads.add(readHead(rs));
        }
      }
      return heads;
    });
  }

  public CompletionStage<Optional<PolicyHead>> head(String policyId) {
    return database.run(connection -> findHead(connection, policyId));
  }

  /** Makes {@code revision} the active one (clearing a shadow of the same revision); empty if no such revision. */
  public CompletionStage<Optional<PolicyHead>> activate(String policyId, int revision) {
    return setHead(policyId, revision, "active_revision");
  }

  /** Evaluates {@code revision} in shadow beside the active one; empty if no such revision. */
  public CompletionStage<Optional<PolicyHead>> shadow(String policyId, int revision) {
    return setHead(policyId, revision, "shadow_revision");
  }

  /** Stops the policy taking part in decisions (its versions stay stored). */
  public CompletionStage<Optional<PolicyHead>> deactivate(String policyId) {
    return database.transaction(connection -> {
      Optional<PolicyHead> head = findHead(connection, policyId);
      if (head.isEmpty()) {
        return head;
      }
      try (PreparedStatement u = connection.prepareStatement(
          "UPDATE vigil_policy_heads SET active_revision = NULL, shadow_revision = NULL, updated_at = ? WHERE policy_id = ?")) {
        u.setTimestamp(1, Timestamp.from(clock.instant()));
        u.setString(2, policyId);
        u.executeUpdate();
      }
      bumpGeneration(connection);
      return findHead(connection, policyId);
    });
  }

  private CompletionStage<Optional<PolicyHead>> setHead(String policyId, int revision, String column) {
    return database.transaction(connection -> {
      if (find(connection, policyId, revision).isEmpty()) {
        return Optional.empty();
      }
      lockHead(connection, policyId);
      String clearShadow = column.equals("active_revision")
          ? ", shadow_revision = CASE WHEN shadow_revision = ? THEN NULL ELSE shadow_revision END" : "";
      try (PreparedStatement u = connection.prepareStatement(
          "UPDATE vigil_policy_heads SET " + column + " = ?, updated_at = ?" + clearShadow + " WHERE policy_id = ?")) {
        int i = 1;
        u.setInt(i++, revision);
        u.setTimestamp(i++, Timestamp.from(clock.instant()));
        if (!clearShadow.isEmpty()) {
          u.setInt(i++, revision);
        }
        u.setString(i, policyId);
        u.executeUpdate();
      }
      bumpGeneration(connection);
      return findHead(connection, policyId);
    });
  }

  /** The generation and every active and shadow policy version, read in one transaction (a consistent snapshot). */
  public CompletionStage<ActiveSet> activeSet() {
    return database.transaction(connection -> {
      long generation;
      try (Statement s = connection.createStatement();
           ResultSet rs = s.executeQuery("SELECT generation FROM vigil_policy_generation WHERE id = 1")) {
        generation = rs.next() ? rs.getLong(1) : 0;
      }
      List<StoredPolicy> active = new ArrayList<>();
      List<StoredPolicy> shadow = new ArrayList<>();
      try (Statement s = connection.createStatement();
           ResultSet rs = s.executeQuery("SELECT v.policy_id, v.revision, v.declared_version, v.format, v.sha256, "
               + "v.source, v.uploaded_at, v.uploaded_by, CASE WHEN h.active_revision = v.revision THEN 1 ELSE 0 END, "
               + "CASE WHEN h.shadow_revision = v.revision THEN 1 ELSE 0 END FROM vigil_policy_heads h "
               + "JOIN vigil_policy_versions v ON v.policy_id = h.policy_id "
               + "AND (v.revision = h.active_revision OR v.revision = h.shadow_revision) ORDER BY v.policy_id, v.revision")) {
        while (rs.next()) {
          StoredPolicy policy = read(rs);
          if (rs.getInt(9) == 1) {
            active.add(policy);
          }
          if (rs.getInt(10) == 1) {
            shadow.add(policy);
          }
        }
      }
      return new ActiveSet(generation, active, shadow);
    });
  }

  /** What every node evaluates: the active versions, and the shadow candidates beside them. */
  public record ActiveSet(long generation, List<StoredPolicy> active, List<StoredPolicy> shadow) {}

  /** Records shadow outcomes: counts always, and the disagreements themselves. */
  public CompletionStage<Void> recordShadow(String policyId, int shadowRevision, long evaluated,
      List<ShadowDisagreement> disagreements) {
    return database.transaction(connection -> {
      try (PreparedStatement u = connection.prepareStatement("UPDATE vigil_shadow_counts SET evaluated = evaluated + ?, "
          + "disagreed = disagreed + ? WHERE policy_id = ? AND shadow_revision = ?")) {
        u.setLong(1, evaluated);
        u.setLong(2, disagreements.size());
        u.setString(3, policyId);
        u.setInt(4, shadowRevision);
        if (u.executeUpdate() == 0) {
          try (PreparedStatement i = connection.prepareStatement("INSERT INTO vigil_shadow_counts "
              + "(policy_id, shadow_revision, evaluated, disagreed) VALUES (?, ?, ?, ?)")) {
            i.setString(1, policyId);
            i.setInt(2, shadowRevision);
            i.setLong(3, evaluated);
            i.setLong(4, disagreements.size());
            i.executeUpdate();
          }
        }
      }
      try (PreparedStatement i = connection.prepareStatement("INSERT INTO vigil_shadow_disagreements (id, policy_id, "
          + "shadow_revision, agent_id, action, active_effect, active_rule, shadow_effect, shadow_rule, decided_at) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (ShadowDisagreement d : disagreements) {
          i.setString(1, UUID.randomUUID().toString());
          i.setString(2, policyId);
          i.setInt(3, shadowRevision);
          i.setString(4, d.agentId());
          i.setString(5, d.action());
          i.setString(6, d.activeEffect());
          i.setString(7, d.activeRule());
          i.setString(8, d.shadowEffect());
          i.setString(9, d.shadowRule());
          i.setTimestamp(10, Timestamp.from(d.decidedAt()));
          i.addBatch();
        }
        if (!disagreements.isEmpty()) {
          i.executeBatch();
        }
      }
      return null;
    });
  }

  /** The shadow report of a policy's candidate revision: counts and the latest disagreements. */
  public CompletionStage<ShadowReport> shadowReport(String policyId, int shadowRevision, int limit) {
    return database.run(connection -> {
      long evaluated = 0;
      long disagreed = 0;
      try (PreparedStatement q = connection.prepareStatement(
          "SELECT evaluated, disagreed FROM vigil_shadow_counts WHERE policy_id = ? AND shadow_revision = ?")) {
        q.setString(1, policyId);
        q.setInt(2, shadowRevision);
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            evaluated = rs.getLong(1);
            disagreed = rs.getLong(2);
          }
        }
      }
      List<ShadowDisagreement> latest = new ArrayList<>();
      try (PreparedStatement q = connection.prepareStatement("SELECT agent_id, action, active_effect, active_rule, "
          + "shadow_effect, shadow_rule, decided_at FROM vigil_shadow_disagreements WHERE policy_id = ? "
          + "AND shadow_revision = ? ORDER BY decided_at DESC, id LIMIT ?")) {
        q.setString(1, policyId);
        q.setInt(2, shadowRevision);
        q.setInt(3, limit);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            latest.add(new ShadowDisagreement(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getTimestamp(7).toInstant()));
          }
        }
      }
      return new ShadowReport(policyId, shadowRevision, evaluated, disagreed, latest);
    });
  }

  /** One decision on which active and shadow policies disagreed. */
  public record ShadowDisagreement(String agentId, String action, String activeEffect, String activeRule,
      String shadowEffect, String shadowRule, java.time.Instant decidedAt) {}

  /** How a shadow candidate has fared on live traffic. */
  public record ShadowReport(String policyId, int shadowRevision, long evaluated, long disagreed,
      List<ShadowDisagreement> latestDisagreements) {}

  /** Creates the head row if missing and locks it for this transaction (serializes uploads per policy id). */
  private void lockHead(Connection connection, String policyId) throws SQLException {
    if (findHead(connection, policyId).isEmpty()) {
      try (PreparedStatement i = connection.prepareStatement("INSERT INTO vigil_policy_heads "
          + "(policy_id, active_revision, shadow_revision, updated_at) SELECT ?, NULL, NULL, ? "
          + "WHERE NOT EXISTS (SELECT 1 FROM vigil_policy_heads WHERE policy_id = ?)")) {
        i.setString(1, policyId);
        i.setTimestamp(2, Timestamp.from(clock.instant()));
        i.setString(3, policyId);
        i.executeUpdate();
      }
    }
    try (PreparedStatement lock = connection.prepareStatement(
        "SELECT policy_id FROM vigil_policy_heads WHERE policy_id = ? FOR UPDATE")) {
      lock.setString(1, policyId);
      lock.executeQuery().close();
    }
  }

  private static void bumpGeneration(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.executeUpdate("UPDATE vigil_policy_generation SET generation = generation + 1 WHERE id = 1");
    }
  }

  private static Optional<StoredPolicy> find(Connection connection, String policyId, int revision) throws SQLException {
    try (PreparedStatement q = connection.prepareStatement("SELECT " + VERSION_COLUMNS
        + " FROM vigil_policy_versions WHERE policy_id = ? AND revision = ?")) {
      q.setString(1, policyId);
      q.setInt(2, revision);
      List<StoredPolicy> found = readAll(q);
      return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
    }
  }

  private static Optional<PolicyHead> findHead(Connection connection, String policyId) throws SQLException {
    try (PreparedStatement q = connection.prepareStatement("SELECT policy_id, active_revision, shadow_revision, "
        + "updated_at FROM vigil_policy_heads WHERE policy_id = ?")) {
      q.setString(1, policyId);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? Optional.of(readHead(rs)) : Optional.empty();
      }
    }
  }

  private static List<StoredPolicy> readAll(PreparedStatement q) throws SQLException {
    List<StoredPolicy> all = new ArrayList<>();
    try (ResultSet rs = q.executeQuery()) {
      while (rs.next()) {
        all.add(read(rs));
      }
    }
    return all;
  }

  private static StoredPolicy read(ResultSet rs) throws SQLException {
    return new StoredPolicy(rs.getString(1), rs.getInt(2), rs.getString(3), rs.getString(4), rs.getString(5),
        rs.getString(6), rs.getTimestamp(7).toInstant(), Optional.ofNullable(rs.getString(8)));
  }

  private static PolicyHead readHead(ResultSet rs) throws SQLException {
    int active = rs.getInt(2);
    Optional<Integer> activeRevision = rs.wasNull() ? Optional.empty() : Optional.of(active);
    int shadow = rs.getInt(3);
    Optional<Integer> shadowRevision = rs.wasNull() ? Optional.empty() : Optional.of(shadow);
    return new PolicyHead(rs.getString(1), activeRevision, shadowRevision, rs.getTimestamp(4).toInstant());
  }

}

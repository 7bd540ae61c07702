package dev.vigil.persistence.approvals;

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

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.persistence.Database;

/**
 * Approvals in {@code vigil_approvals} and their votes. Every state change is a conditional update inside a
 * transaction that locks the approval's row, so concurrent approvers, the expiry sweep of several nodes and a late
 * vote can never both succeed: exactly one transition wins and the others see the state it left.
 */
public final class ApprovalStore {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String COLUMNS = "approval_id, agent_id, action, request_json, decision_receipt, policy_id, "
      + "policy_version, rule_id, reason, approvers, required_approvals, state, final_decision, final_reason, "
      + "final_receipt, created_at, expires_at, closed_at";

  private final Database database;

  public ApprovalStore(Database database) {
    this.database = database;
  }

  public CompletionStage<Approval> open(Approval approval) {
    return database.run(connection -> {
      try (PreparedStatement i = connection.prepareStatement("INSERT INTO vigil_approvals (approval_id, agent_id, "
          + "action, request_json, decision_receipt, policy_id, policy_version, rule_id, reason, approvers, "
          + "required_approvals, state, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?)")) {
        i.setString(1, approval.approvalId());
        i.setString(2, approval.agentId());
        i.setString(3, approval.action());
        i.setString(4, approval.requestJson());
        i.setString(5, approval.decisionReceipt().orElse(null));
        i.setString(6, approval.policyId().orElse(null));
        i.setString(7, approval.policyVersion().orElse(null));
        i.setString(8, approval.ruleId().orElse(null));
        i.setString(9, approval.reason().orElse(null));
        i.setString(10, json(approval.approvers()));
        i.setInt(11, approval.requiredApprovals());
        i.setTimestamp(12, Timestamp.from(approval.createdAt()));
        i.setTimestamp(13, Timestamp.from(approval.expiresAt()));
        i.executeUpdate();
      }
      return find(connection, approval.approvalId()).orElseThrow();
    });
  }

  public CompletionStage<Optional<Approval>> get(String approvalId) {
    return database.run(connection -> find(connection, approvalId));
  }

  public CompletionStage<List<Approval>> list(Optional<String> state, Optional<String> agentId, int limit) {
    return database.run(connection -> {
      StringBuilder sql = new StringBuilder("SELECT approval_id FROM vigil_approvals WHERE 1 = 1");
      state.ifPresent(s -> sql.append(" AND state = ?"));
      agentId.ifPresent(a -> sql.append(" AND agent_id = ?"));
      sql.append(" ORDER BY created_at DESC, approval_id LIMIT ?");
      List<String> ids = new ArrayList<>();
      try (PreparedStatement q = connection.prepareStatement(sql.toString())) {
        int i = 1;
        if (state.isPresent()) {
          q.setString(i++, state.get());
        }
        if (agentId.isPresent()) {
          q.setString(i++, agentId.get());
        }
        q.setInt(i, limit);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
      }
      List<Approval> approvals = new ArrayList<>();
      for (String id : ids) {
        find(connection, id).ifPresent(approvals::add);
      }
      return approvals;
    });
  }

  /** What a vote did. */
  public enum VoteOutcome { RECORDED, APPROVED, REJECTED, EXPIRED, NOT_PENDING, ALREADY_VOTED, NOT_FOUND }

  /** The outcome and the approval as the vote left it. */
  public record VoteResult(VoteOutcome outcome, Optional<Approval> approval) {}

  /**
   * Records a vote. A reject closes the approval as rejected; the vote that reaches the required count moves it to
   * {@code approved} (the caller then re-evaluates and records the final decision); a vote after expiry expires it.
   */
  public CompletionStage<VoteResult> vote(String approvalId, String voterKeyId, String voterName, boolean approve,
      Optional<String> comment, Instant now) {
    return database.transaction(connection -> {
      Optional<Approval> locked = lock(connection, approvalId);
      if (locked.isEmpty()) {
        return new VoteResult(VoteOutcome.NOT_FOUND, Optional.empty());
      }
      Approval approval = locked.get();
      if (!approval.pending()) {
        return new VoteResult(VoteOutcome.NOT_PENDING, locked);
      }
      if (!approval.expiresAt().isAfter(now)) {
        close(connection, approvalId, "expired", "deny", "the approval expired before enough approvers answered", now);
        return new VoteResult(VoteOutcome.EXPIRED, find(connection, approvalId));
      }
      if (approval.votes().stream().anyMatch(v -> v.voterKeyId().equals(voterKeyId))) {
        return new VoteResult(VoteOutcome.ALREADY_VOTED, locked);
      }
      try (PreparedStatement i = connection.prepareStatement("INSERT INTO vigil_approval_votes (approval_id, "
          + "voter_key_id, voter_name, vote, comment, voted_at) VALUES (?, ?, ?, ?, ?, ?)")) {
        i.setString(1, approvalId);
        i.setString(2, voterKeyId);
        i.setString(3, voterName);
        i.setString(4, approve ? "approve" : "reject");
        i.setString(5, comment.orElse(null));
        i.setTimestamp(6, Timestamp.from(now));
        i.executeUpdate();
      }
      if (!approve) {
        close(connection, approvalId, "rejected", "deny", "rejected by " + voterName, now);
        return new VoteResult(VoteOutcome.REJECTED, find(connection, approvalId));
      }
      if (approval.approvals() + 1 >= approval.requiredApprovals()) {
        try (PreparedStatement u = connection.prepareStatement(
            "UPDATE vigil_approvals SET state = 'approved' WHERE approval_id = ? AND state = 'pending'")) {
          u.setString(1, approvalId);
          u.executeUpdate();
        }
        return new VoteResult(VoteOutcome.APPROVED, find(connection, approvalId));
      }
      return new VoteResult(VoteOutcome.RECORDED, find(connection, approvalId));
    });
  }

  /** What {@link #finish} did: whether this caller's decision is the one recorded, and the approval as it stands. */
  public record Finished(boolean won, Optional<Approval> approval) {}

  /** Records the decision an approved request got when evaluated again; only once (the first caller wins). */
  public CompletionStage<Finished> finish(String approvalId, String finalDecision, String finalReason,
      String finalReceipt, Instant now) {
    return database.transaction(connection -> {
      int updated;
      try (PreparedStatement u = connection.prepareStatement("UPDATE vigil_approvals SET final_decision = ?, "
          + "final_reason = ?, final_receipt = ?, closed_at = ? WHERE approval_id = ? AND state = 'approved' "
          + "AND final_decision IS NULL")) {
        u.setString(1, finalDecision);
        u.setString(2, finalReason);
        u.setString(3, finalReceipt);
        u.setTimestamp(4, Timestamp.from(now));
        u.setString(5, approvalId);
        updated = u.executeUpdate();
      }
      return new Finished(updated == 1, find(connection, approvalId));
    });
  }

  /** Expires one pending approval past its deadline; true only for the caller whose update won. */
  public CompletionStage<Boolean> expire(String approvalId, Instant now) {
    return database.transaction(connection -> {
      Optional<Approval> locked = lock(connection, approvalId);
      if (locked.isEmpty() || !locked.get().pending() || locked.get().expiresAt().isAfter(now)) {
        return false;
      }
      close(connection, approvalId, "expired", "deny", "the approval expired before enough approvers answered", now);
      return true;
    });
  }

  /**
   * Pending approvals past their deadline, and approved ones whose re-evaluation never finished (a node died): those
   * whose last vote is older than {@code unfinishedBefore}, so a re-evaluation still in progress on the voting node is
   * not started a second time.
   */
  public CompletionStage<List<Approval>> overdue(Instant now, Instant unfinishedBefore, int limit) {
    return database.run(connection -> {
      List<String> ids = new ArrayList<>();
      try (PreparedStatement q = connection.prepareStatement("SELECT a.approval_id FROM vigil_approvals a WHERE "
          + "(a.state = 'pending' AND a.expires_at <= ?) OR (a.state = 'approved' AND a.final_decision IS NULL "
          + "AND NOT EXISTS (SELECT 1 FROM vigil_approval_votes v WHERE v.approval_id = a.approval_id "
          + "AND v.voted_at > ?)) ORDER BY a.expires_at LIMIT ?")) {
        q.setTimestamp(1, Timestamp.from(now));
        q.setTimestamp(2, Timestamp.from(unfinishedBefore));
        q.setInt(3, limit);
        try (ResultSet rs = q.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
      }
      List<Approval> approvals = new ArrayList<>();
      for (String id : ids) {
        find(connection, id).ifPresent(approvals::add);
      }
      return approvals;
    });
  }

  private static void close(Connection connection, String approvalId, String state, String decision, String reason,
      Instant now) throws SQLException {
    try (PreparedStatement u = connection.prepareStatement("UPDATE vigil_approvals SET state = ?, final_decision = ?, "
        + "final_reason = ?, closed_at = ? WHERE approval_id = ?")) {
      u.setString(1, state);
      u.setString(2, decision);
      u.setString(3, reason);
      u.setTimestamp(4, Timestamp.from(now));
      u.setString(5, approvalId);
      u.executeUpdate();
    }
  }

  private static Optional<Approval> lock(Connection connection, String approvalId) throws SQLException {
    try (PreparedStatement q = connection.prepareStatement(
        "SELECT approval_id FROM vigil_approvals WHERE approval_id = ? FOR UPDATE")) {
      q.setString(1, approvalId);
      try (ResultSet rs = q.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
      }
    }
    return find(connection, approvalId);
  }

  private static Optional<Approval> find(Connection connection, String approvalId) throws SQLException {
    try (PreparedStatement q = connection.prepareStatement("SELECT " + COLUMNS + " FROM vigil_approvals WHERE approval_id = ?")) {
      q.setString(1, approvalId);
      try (ResultSet rs = q.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        List<Approval.Vote> votes = new ArrayList<>();
        try (PreparedStatement v = connection.prepareStatement("SELECT voter_key_id, voter_name, vote, comment, voted_at "
            + "FROM vigil_approval_votes WHERE approval_id = ? ORDER BY voted_at, voter_key_id")) {
          v.setString(1, approvalId);
          try (ResultSet vr = v.executeQuery()) {
            while (vr.next()) {
              votes.add(new Approval.Vote(vr.getString(1), vr.getString(2), vr.getString(3),
                  Optional.ofNullable(vr.getString(4)), vr.getTimestamp(5).toInstant()));
            }
          }
        }
        Timestamp closed = rs.getTimestamp("closed_at");
        return Optional.of(new Approval(rs.getString("approval_id"), rs.getString("agent_id"), rs.getString("action"),
            rs.getString("request_json"), Optional.ofNullable(rs.getString("decision_receipt")),
            Optional.ofNullable(rs.getString("policy_id")), Optional.ofNullable(rs.getString("policy_version")),
            Optional.ofNullable(rs.getString("rule_id")), Optional.ofNullable(rs.getString("reason")),
            list(rs.getString("approvers")), rs.getInt("required_approvals"), rs.getString("state"),
            Optional.ofNullable(rs.getString("final_decision")), Optional.ofNullable(rs.getString("final_reason")),
            Optional.ofNullable(rs.getString("final_receipt")), rs.getTimestamp("created_at").toInstant(),
            rs.getTimestamp("expires_at").toInstant(), Optional.ofNullable(closed).map(Timestamp::toInstant), votes));
      }
    }
  }

  private static String json(List<String> values) {
    try {
      return JSON.writeValueAsString(values);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static List<String> list(String json) {
    try {
      return JSON.readValue(json, new TypeReference<List<String>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("approvers column is not a JSON list: " + json, e);
    }
  }
}

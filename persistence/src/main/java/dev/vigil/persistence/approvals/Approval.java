package dev.vigil.persistence.approvals;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An approval of an escalated decision, as stored: the request it is about, who may approve and how many must, its
 * state ({@code pending}, {@code approved}, {@code rejected}, {@code expired}) and, once closed, the final decision.
 */
public record Approval(
    String approvalId,
    String agentId,
    String action,
    String requestJson,
    Optional<String> decisionReceipt,
    Optional<String> policyId,
    Optional<String> policyVersion,
    Optional<String> ruleId,
    Optional<String> reason,
    List<String> approvers,
    int requiredApprovals,
    String state,
    Optional<String> finalDecision,
    Optional<String> finalReason,
    Optional<String> finalReceipt,
    Instant createdAt,
    Instant expiresAt,
    Optional<Instant> closedAt,
    List<Vote> votes) {

  /** One approver's answer. */
  public record Vote(String voterKeyId, String voterName, String vote, Optional<String> comment, Instant votedAt) {}

  public long approvals() {
    return votes.stream().filter(v -> v.vote().equals("approve")).count();
  }

  public boolean pending() {
    return state.equals("pending");
  }
}

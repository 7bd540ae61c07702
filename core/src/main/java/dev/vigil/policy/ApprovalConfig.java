package dev.vigil.policy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** Who must approve an escalated action, how many of them, and how long the request stays open. */
public record ApprovalConfig(List<String> approvers, int requiredApprovals, Duration expiresIn) {

  /** Used when an escalating rule names no approval settings: any one operator, within an hour. */
  public static final ApprovalConfig DEFAULT = new ApprovalConfig(List.of(), 1, Duration.ofHours(1));

  public ApprovalConfig {
    approvers = List.copyOf(approvers);
    Objects.requireNonNull(expiresIn, "expiresIn");
    if (requiredApprovals < 1) {
      throw new IllegalArgumentException("requiredApprovals must be at least 1, was " + requiredApprovals);
    }
  }
}

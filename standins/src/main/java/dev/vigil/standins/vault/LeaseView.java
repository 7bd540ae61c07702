package dev.vigil.standins.vault;

import java.time.Instant;

/**
 * What the stand-in knows about one lease it issued: a snapshot for tests and chaos drills
 * (served at {@code GET /v1/standin/leases}); real Vault has no such view.
 *
 * @param leaseId        Vault-style id, {@code <mount>/creds/<role>/<random>}
 * @param mount          secrets engine mount
 * @param role           role name
 * @param state          live, expired or revoked, at the stand-in's clock
 * @param issueTime      when it was issued
 * @param expireTime     when it expires (or expired) unless renewed
 * @param maxExpireTime  the latest it can ever be renewed to
 * @param revokeTime     when it was revoked, or null
 * @param renewals       successful renewals
 * @param uses           credential checks that presented this lease's secret
 * @param usesAfterEnd   of those, how many came after it was revoked or expired (each was rejected)
 */
public record LeaseView(
    String leaseId,
    String mount,
    String role,
    State state,
    Instant issueTime,
    Instant expireTime,
    Instant maxExpireTime,
    Instant revokeTime,
    int renewals,
    long uses,
    long usesAfterEnd) {

  /** Lifecycle of a lease. */
  public enum State { LIVE, EXPIRED, REVOKED }
}

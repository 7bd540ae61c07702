package dev.vigil.actors.lease;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The narrow interface to Vault's dynamic secrets that investigations use: read a secret (new lease), renew a lease,
 * revoke a lease. The driver implementation ({@code internal.VaultDriverLeaseBroker}) blocks, so it runs on its own
 * executor; callers get a {@link CompletionStage} and actors bring results back with {@code pipeToSelf}.
 */
public interface LeaseBroker {

  /** Reads a dynamic secret at {@code path} (e.g. {@code database/creds/agent-ro}). */
  CompletionStage<Lease> issue(String path);

  /**
   * Renews a lease by {@code increment}; completes with the TTL Vault granted (capped by its max TTL), or fails with
   * {@link LeaseExpiredException} when Vault says it can no longer be renewed.
   */
  CompletionStage<Duration> renew(String leaseId, Duration increment);

  /** Revokes a lease; idempotent (Vault answers 204 for unknown or revoked leases too). */
  CompletionStage<Void> revoke(String leaseId);
}

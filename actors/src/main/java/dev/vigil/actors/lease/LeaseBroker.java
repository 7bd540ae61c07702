package dev.vigil.actors.lease;

import java.time.Duration;
import java.util.concurrent.CompletionStage;

/**
 * The narrow interface to Vault's dynamic secrets that investigations use: read a secret (new lease), renew a lease,
 * revoke a lease. The driver implementation ({@code internal.VaultDriverLeaseBroker}) blocks, so it runs on its own
 * executor; callers get a {@link CompletionStage} and actors bring results back with {@code pipeToSelf}.
 */
public interface LeaseBroker {

  /**
   * A Vault token that leases are read with, so that revoking it ({@link #closeScope}) revokes every lease read with
   * it, including any whose answer never reached the journal. The token is a secret (memory only); the accessor is
   * the handle that is persisted.
   */
  record Scope(String token, String accessor, Duration ttl) {
    @Override
    public String toString() {
      return "Scope[accessor=" + accessor + ", ttl=" + ttl + "]";
    }
  }

  /**
   * Creates an orphan token for one investigation ({@code auth/token/create/<token role>}) living {@code lifetime}
   * plus the configured margin, so it outlives the investigation; at its TTL Vault revokes it and its leases even if
   * nobody else does.
   */
  CompletionStage<Scope> openScope(String displayName, Duration lifetime);

  /** Reads a dynamic secret at {@code path} (e.g. {@code database/creds/agent-ro}) with the scope's token. */
  CompletionStage<Lease> issue(String path, Scope scope);

  /**
   * Revokes a scope's token by its accessor, and with it every lease read with it; idempotent (a token already gone,
   * revoked or expired, took its leases with it).
   */
  CompletionStage<Void> closeScope(String accessor);

  /**
   * Renews a lease by {@code increment}; completes with the TTL Vault granted (capped by its max TTL), or fails with
   * {@link LeaseExpiredException} when Vault says it can no longer be renewed.
   */
  CompletionStage<Duration> renew(String leaseId, Duration increment);

  /** Revokes a lease; idempotent (Vault answers 204 for unknown or revoked leases too). */
  CompletionStage<Void> revoke(String leaseId);
}

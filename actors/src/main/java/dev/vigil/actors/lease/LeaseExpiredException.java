package dev.vigil.actors.lease;

/** Vault refused a renewal because the lease is expired, revoked or past its max TTL (HTTP 400): rotate it. */
public final class LeaseExpiredException extends RuntimeException {
  public LeaseExpiredException(String leaseId, String vaultMessage) {
    super("lease " + leaseId + " cannot be renewed: " + vaultMessage, null, false, false);
  }
}

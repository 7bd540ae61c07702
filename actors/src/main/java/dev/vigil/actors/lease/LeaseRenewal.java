package dev.vigil.actors.lease;

import java.time.Duration;
import java.time.Instant;

/**
 * When to renew a lease, as Spring Vault's {@code SecretLeaseContainer} does it: {@code expiryThreshold} before it
 * expires, but never sooner than {@code minRenewal} after it was granted or last renewed (so a short TTL does not
 * become a renewal storm), and a lease whose remaining TTL after a renewal is at or below the threshold is rotated
 * instead (it is running into its max TTL). Pure: no clock of its own.
 *
 * @param minRenewal      the least time between two renewals of one lease
 * @param expiryThreshold how long before expiry to renew
 */
public record LeaseRenewal(Duration minRenewal, Duration expiryThreshold) {

  public LeaseRenewal {
    if (minRenewal.isNegative() || expiryThreshold.isNegative()) {
      throw new IllegalArgumentException("minRenewal and expiryThreshold must not be negative");
    }
  }

  /** {@code grantedAt + max(minRenewal, ttl - expiryThreshold)}. */
  public Instant renewAt(Instant grantedAt, Duration ttl) {
    Duration wait = ttl.minus(expiryThreshold);
    return grantedAt.plus(wait.compareTo(minRenewal) < 0 ? minRenewal : wait);
  }

  /** How long from {@code now} until {@link #renewAt}; zero when it is already due. */
  public Duration delayUntilRenewal(Instant now, Instant grantedAt, Duration ttl) {
    Duration delay = Duration.between(now, renewAt(grantedAt, ttl));
    return delay.isNegative() ? Duration.ZERO : delay;
  }

  /** A renewal that granted no more than the threshold cannot keep the secret alive: rotate instead. */
  public boolean mustRotate(Duration grantedTtl) {
    return grantedTtl.compareTo(expiryThreshold) <= 0;
  }
}

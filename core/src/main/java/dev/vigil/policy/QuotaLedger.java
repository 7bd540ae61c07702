package dev.vigil.policy;

import java.time.Duration;
import java.time.Instant;

/**
 * Counts what rate limits and budgets consume. The engine cannot count across the cluster by
 * itself: it calls this ledger when the deciding rule carries a {@code rate_limit} or
 * {@code budget}. {@link InMemoryQuotaLedger} serves tests and the CLI; the cluster ledger (one
 * actor per principal, so every node sees the same counts) lives in the actors module.
 *
 * <p>Keys are built by the engine as {@code <policy id>/<rule id>/<rate|budget>} followed by
 * {@code |principal:<id>} or {@code |action:<action>} for scoped limits. Budget amounts are in
 * thousandths of the parameter's unit (12.5 USD is 12500), so fractional amounts count exactly.
 */
public interface QuotaLedger {

  /** Adds {@code amount} to the key's window if the total stays within {@code limit}; returns whether it did. */
  boolean tryConsume(String key, long amount, long limit, Duration window, Instant now);

  /** Whether {@link #tryConsume} would succeed now, without consuming (dry runs, shadow evaluation, diff). */
  boolean wouldAllow(String key, long amount, long limit, Duration window, Instant now);

  /** A ledger that never counts and never refuses, for evaluating rules alone. */
  QuotaLedger UNLIMITED = new QuotaLedger() {
    @Override
    public boolean tryConsume(String key, long amount, long limit, Duration window, Instant now) {
      return true;
    }

    @Override
    public boolean wouldAllow(String key, long amount, long limit, Duration window, Instant now) {
      return true;
    }
  };
}

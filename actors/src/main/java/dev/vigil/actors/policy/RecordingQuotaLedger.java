package dev.vigil.actors.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import dev.vigil.policy.QuotaLedger;
import dev.vigil.protocol.PolicyProtocol.QuotaConsumption;
import dev.vigil.protocol.PolicyProtocol.QuotaUse;
import dev.vigil.protocol.PolicyProtocol.QuotaUsage;

/**
 * The ledger a worker evaluates with: counts come from the principal's entity ({@link QuotaUsage}), and consumption is
 * recorded rather than applied, so the entity (the single writer for its principal) applies it with the decision's
 * event. This keeps limits exact across the cluster without a shared counter, and makes evaluation side-effect free
 * (a caller may retry it on another worker).
 */
final class RecordingQuotaLedger implements QuotaLedger {

  private final Map<String, List<QuotaUse>> usage;
  private final List<QuotaConsumption> consumed = new ArrayList<>(2);

  RecordingQuotaLedger(QuotaUsage usage) {
    this.usage = usage == null ? Map.of() : usage.consumed();
  }

  @Override
  public boolean tryConsume(String key, long amount, long limit, Duration window, Instant now) {
    if (!wouldAllow(key, amount, limit, window, now)) {
      return false;
    }
    consumed.add(new QuotaConsumption(key, amount, window.toMillis(), limit));
    return true;
  }

  @Override
  public boolean wouldAllow(String key, long amount, long limit, Duration window, Instant now) {
    long since = now.toEpochMilli() - window.toMillis();
    long used = 0;
    for (QuotaUse use : usage.getOrDefault(key, List.of())) {
      if (use.atEpochMillis() > since) {
        used += use.amount();
      }
    }
    for (QuotaConsumption pending : consumed) {
      if (pending.key().equals(key)) {
        used += pending.amount();
      }
    }
    return used + amount <= limit;
  }

  List<QuotaConsumption> consumed() {
    return List.copyOf(consumed);
  }
}

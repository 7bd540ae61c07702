package dev.vigil.policy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A thread-safe, single-JVM {@link QuotaLedger} with sliding windows: each key keeps the
 * timestamped amounts still inside its window. For tests, the CLI and single-node use; it does
 * not share counts between nodes.
 */
public final class InMemoryQuotaLedger implements QuotaLedger {

  private final Map<String, SlidingWindow> windows = new ConcurrentHashMap<>();

  @Override
  public boolean tryConsume(String key, long amount, long limit, Duration window, Instant now) {
    return windows.computeIfAbsent(key, k -> new SlidingWindow()).tryAdd(amount, limit, window, now, true);
  }

  @Override
  public boolean wouldAllow(String key, long amount, long limit, Duration window, Instant now) {
    SlidingWindow existing = windows.get(key);
    return existing == null ? amount <= limit : existing.tryAdd(amount, limit, window, now, false);
  }

  /** The amount counted in the key's window at {@code now}. */
  public long used(String key, Duration window, Instant now) {
    SlidingWindow existing = windows.get(key);
    return existing == null ? 0 : existing.total(window, now);
  }

  private static final class SlidingWindow {
    private record Entry(long atMillis, long amount) {}

    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private long total;

    synchronized boolean tryAdd(long amount, long limit, Duration window, Instant now, boolean consume) {
      evict(window, now);
      if (total + amount > limit) {
        return false;
      }
      if (consume) {
        entries.addLast(new Entry(now.toEpochMilli(), amount));
        total += amount;
      }
      return true;
    }

    synchronized long total(Duration window, Instant now) {
      evict(window, now);
      return total;
    }

    private void evict(Duration window, Instant now) {
      long oldestKept = now.toEpochMilli() - window.toMillis();
      while (!entries.isEmpty() && entries.peekFirst().atMillis() <= oldestKept) {
        total -= entries.removeFirst().amount();
      }
    }
  }
}

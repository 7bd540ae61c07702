package dev.vigil.actors.agent;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answers to recent requests, by request id, so that a caller retrying a request gets its first answer again
 * rather than a second decision. Bounded twice: an answer is kept only as long as a caller could still be retrying
 * ({@code window}: longer than any caller's deadline), and at most {@code capacity} answers are kept.
 *
 * <p>Both bounds matter for memory: an entity lives as long as its agent is active, and a decision's answer carries
 * its explanation (kilobytes). Kept by count alone (256 per agent), 2,000 busy agents held ~900 MB of answers nobody
 * would ask for again, and the node spent its last seconds before an out-of-memory in full collections.
 *
 * <p>Not thread-safe: one entity's.
 */
final class RecentAnswers<V> {

  private record Entry<V>(V answer, long atMillis) {}

  private final int capacity;
  private final long windowMillis;
  private final LinkedHashMap<String, Entry<V>> answers = new LinkedHashMap<>();

  RecentAnswers(int capacity, java.time.Duration window) {
    if (capacity < 1 || window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("capacity and window must be positive");
    }
    this.capacity = capacity;
    this.windowMillis = window.toMillis();
  }

  /** The answer recorded for {@code requestId} within the window, or null. */
  V get(String requestId, long nowMillis) {
    expire(nowMillis);
    Entry<V> entry = answers.get(requestId);
    return entry == null ? null : entry.answer();
  }

  void put(String requestId, V answer, long nowMillis) {
    expire(nowMillis);
    answers.remove(requestId);
    answers.put(requestId, new Entry<>(answer, nowMillis));
    if (answers.size() > capacity) {
      Iterator<Map.Entry<String, Entry<V>>> eldest = answers.entrySet().iterator();
      eldest.next();
      eldest.remove();
    }
  }

  int size() {
    return answers.size();
  }

  /** Drops answers older than the window (the map is in insertion order, so the oldest come first). */
  private void expire(long nowMillis) {
    Iterator<Map.Entry<String, Entry<V>>> it = answers.entrySet().iterator();
    while (it.hasNext()) {
      if (nowMillis - it.next().getValue().atMillis() <= windowMillis) {
        return;
      }
      it.remove();
    }
  }
}

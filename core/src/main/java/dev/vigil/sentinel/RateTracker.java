package dev.vigil.sentinel;

/**
 * Counts events in fixed, epoch-aligned time buckets (e.g. actions per minute). Only the current
 * bucket is kept; when an event lands in a later bucket the current one closes and its count is
 * handed to the detectors. Buckets with no event at all are not reported: an idle agent is not
 * evidence of anything, and feeding idle nights as zeros would drag its baseline towards 0.
 * Events that arrive out of order, before the current bucket, count in the current bucket.
 *
 * @param bucketStartMillis start of the current bucket, epoch millis ({@link Long#MIN_VALUE} before the first event)
 * @param count events in the current bucket
 */
public record RateTracker(long bucketStartMillis, long count) {

  public static final RateTracker EMPTY = new RateTracker(Long.MIN_VALUE, 0);

  /** The count of the bucket that an event at {@code atMillis} closes, or -1 when it closes none. */
  public long closing(long atMillis, long bucketMillis) {
    return bucketStartMillis != Long.MIN_VALUE && atMillis >= bucketStartMillis + bucketMillis ? count : -1;
  }

  /** The tracker after counting an event at {@code atMillis}. */
  public RateTracker add(long atMillis, long bucketMillis) {
    if (bucketStartMillis == Long.MIN_VALUE || atMillis >= bucketStartMillis + bucketMillis) {
      return new RateTracker(Math.floorDiv(atMillis, bucketMillis) * bucketMillis, 1);
    }
    return new RateTracker(bucketStartMillis, count + 1);
  }
}

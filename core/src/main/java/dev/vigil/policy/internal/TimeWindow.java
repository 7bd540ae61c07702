package dev.vigil.policy.internal;

import dev.vigil.policy.EvaluationRequest;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;

/**
 * True when the request's time falls on one of the given weekdays and between two times of day
 * in a time zone. {@code from} is inclusive and {@code to} exclusive; when {@code to <= from} the
 * window wraps past midnight. The weekday is that of the instant itself (so a window
 * Fri 22:00-02:00 on {@code [fri]} covers Friday 22:00-24:00 only). Computed with arithmetic
 * on the epoch second: no date objects are created.
 */
public final class TimeWindow implements Condition {

  private static final int SECONDS_PER_DAY = 86_400;

  private final int daysMask;
  private final int fromSecond;
  private final int toSecond;
  private final ZoneRules zone;
  private final String description;

  /** {@code daysMask} bit 0 is Monday ... bit 6 Sunday; seconds are seconds of the day. */
  public TimeWindow(int daysMask, int fromSecond, int toSecond, ZoneId zone, String description) {
    this.daysMask = daysMask;
    this.fromSecond = fromSecond;
    this.toSecond = toSecond;
    this.zone = zone.getRules();
    this.description = description;
  }

  @Override
  public boolean test(EvaluationRequest request) {
    return contains(request.time());
  }

  public boolean contains(Instant time) {
    long local = time.getEpochSecond() + zone.getOffset(time).getTotalSeconds();
    long day = Math.floorDiv(local, SECONDS_PER_DAY);
    int secondOfDay = (int) Math.floorMod(local, SECONDS_PER_DAY);
    // 1970-01-01 was a Thursday: with Monday = 0 that day has index 3.
    int weekday = (int) Math.floorMod(day + 3, 7);
    if ((daysMask & (1 << weekday)) == 0) {
      return false;
    }
    if (fromSecond == toSecond) {
      return true;
    }
    return fromSecond < toSecond
        ? secondOfDay >= fromSecond && secondOfDay < toSecond
        : secondOfDay >= fromSecond || secondOfDay < toSecond;
  }

  @Override
  public String describe() {
    return description;
  }
}

package dev.vigil.chaos.drill;

import java.util.List;

import org.HdrHistogram.Histogram;

import dev.vigil.chaos.load.RequestRecord;
import dev.vigil.chaos.load.Verdict;

/**
 * Availability over one window of a drill, by request start time: requests sent, answered, failed, answers that broke
 * an invariant, the share answered, and latency percentiles over every request of the window (failed ones included,
 * so a timed-out request weighs in with its full wait).
 */
public record Availability(String window, double fromMillis, double toMillis, long sent, long answered, long failed,
    long violations, double answeredShare, double p50Millis, double p99Millis, double maxMillis) {

  public static Availability of(String window, double fromMillis, double toMillis, List<RequestRecord> records) {
    Histogram latency = new Histogram(120_000_000L, 3);
    long sent = 0;
    long answered = 0;
    long failed = 0;
    long violations = 0;
    for (RequestRecord r : records) {
      if (r.startMillis() < fromMillis || r.startMillis() >= toMillis) {
        continue;
      }
      sent++;
      latency.recordValue(Math.max(1, Math.min(120_000_000L, Math.round(r.latencyMillis() * 1000))));
      if (r.verdict() == Verdict.ANSWERED) {
        answered++;
      } else if (r.verdict() == Verdict.VIOLATION) {
        violations++;
      } else {
        failed++;
      }
    }
    double share = sent == 0 ? 1.0 : (double) answered / sent;
    return new Availability(window, fromMillis, toMillis, sent, answered, failed, violations, share,
        sent == 0 ? 0 : latency.getValueAtPercentile(50) / 1000.0,
        sent == 0 ? 0 : latency.getValueAtPercentile(99) / 1000.0,
        sent == 0 ? 0 : latency.getMaxValue() / 1000.0);
  }
}

package dev.vigil.scan;

import java.util.Objects;

/**
 * One thing the scanner found: its type, the detector that fired (e.g. {@code aws-access-key},
 * {@code email}, {@code card-number}, {@code injection-classifier}), how severe it is, the span
 * {@code [start, end)} in UTF-16 char offsets of the scanned text, a short human reason, and the
 * detector's confidence in {@code [0, 1]}.
 */
public record Finding(
    FindingType type, String detector, Severity severity, int start, int end, String reason, double score) {

  public Finding {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(detector, "detector");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(reason, "reason");
    if (start < 0 || end < start) {
      throw new IllegalArgumentException("bad span [" + start + ", " + end + ")");
    }
  }

  public int length() {
    return end - start;
  }

  /** The matched text, for logs and tests; never put it in an audit record for a SECRET finding. */
  public String excerpt(String text) {
    return text.substring(start, Math.min(end, text.length()));
  }

  public boolean overlaps(Finding other) {
    return start < other.end && other.start < end;
  }
}

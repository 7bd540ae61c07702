package dev.vigil.standins.vault;

import java.time.Duration;
import java.util.Objects;

/**
 * A failure the stand-in injects into every Vault API request (not into its own admin
 * endpoints, so a drill can always switch it off again).
 *
 * @param mode   {@link Mode#NONE}, {@link Mode#FAIL} (answer {@code status} at once) or {@link Mode#SLOW}
 *               (answer normally after {@code delay})
 * @param status the HTTP status a failing request gets, e.g. 503 (what a sealed Vault answers)
 * @param delay  how long a slowed request waits before being answered
 */
public record Fault(Mode mode, int status, Duration delay) {

  /** How requests are disturbed. */
  public enum Mode { NONE, FAIL, SLOW }

  public Fault {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(delay, "delay");
    if (mode == Mode.FAIL && (status < 400 || status > 599)) {
      throw new IllegalArgumentException("a failing status must be 4xx or 5xx, got " + status);
    }
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative: " + delay);
    }
  }

  public static Fault none() {
    return new Fault(Mode.NONE, 0, Duration.ZERO);
  }

  public static Fault fail(int status) {
    return new Fault(Mode.FAIL, status, Duration.ZERO);
  }

  public static Fault slow(Duration delay) {
    return new Fault(Mode.SLOW, 0, delay);
  }
}

package dev.vigil.actors.scanner;

import java.time.Duration;

import com.typesafe.config.Config;

/**
 * The {@code vigil.scanner} block: the {@code VIGIL_SCANNER_ENABLED} switch, workers per node of role
 * {@code scanner}, the client's attempt timeout and deadline, and the largest text scanned.
 */
public record ScannerSettings(boolean enabled, int workersPerNode, Duration attemptTimeout, Duration deadline,
    int maxTextChars) {

  public ScannerSettings {
    if (workersPerNode < 1) {
      throw new IllegalArgumentException("vigil.scanner.workers-per-node must be at least 1");
    }
    if (attemptTimeout.isNegative() || attemptTimeout.isZero() || deadline.compareTo(attemptTimeout) < 0) {
      throw new IllegalArgumentException(
          "vigil.scanner.attempt-timeout must be positive and vigil.scanner.deadline at least as long");
    }
    if (maxTextChars < 1) {
      throw new IllegalArgumentException("vigil.scanner.max-text-chars must be at least 1");
    }
  }

  public static ScannerSettings fromConfig(Config root) {
    Config c = root.getConfig("vigil.scanner");
    return new ScannerSettings(c.getBoolean("enabled"), c.getInt("workers-per-node"),
        c.getDuration("attempt-timeout"), c.getDuration("deadline"), c.getInt("max-text-chars"));
  }
}

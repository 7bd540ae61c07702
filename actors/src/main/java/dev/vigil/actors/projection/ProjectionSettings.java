package dev.vigil.actors.projection;

import java.time.Duration;

import com.typesafe.config.Config;

/**
 * The {@code vigil.projections} block: how many events one transaction applies at most, how long a batch waits to
 * fill, and the restart backoff after a failure (database down, a handler bug).
 */
public record ProjectionSettings(int batchSize, Duration batchInterval, Duration minBackoff, Duration maxBackoff,
    String readJournal) {

  public static ProjectionSettings fromConfig(Config root) {
    Config c = root.getConfig("vigil.projections");
    ProjectionSettings settings = new ProjectionSettings(c.getInt("batch-size"), c.getDuration("batch-interval"),
        c.getDuration("min-backoff"), c.getDuration("max-backoff"), c.getString("read-journal"));
    if (settings.batchSize() < 1) {
      throw new IllegalArgumentException("vigil.projections.batch-size must be at least 1");
    }
    if (settings.minBackoff().compareTo(settings.maxBackoff()) > 0) {
      throw new IllegalArgumentException("vigil.projections.min-backoff must not exceed vigil.projections.max-backoff");
    }
    return settings;
  }
}

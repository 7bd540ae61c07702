package dev.vigil.trust;

import dev.vigil.trust.internal.ConfigReader;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Graduated trust's configuration, the {@code vigil.trust} block: the {@link PhaseTable} under
 * {@code phases} and the {@link DemotionPolicy} under {@code demotion}.
 */
public record TrustSettings(PhaseTable phases, DemotionPolicy demotion) {

  public static final TrustSettings DEFAULT = new TrustSettings(PhaseTable.defaults(), DemotionPolicy.DEFAULT);

  public TrustSettings {
    Objects.requireNonNull(phases, "phases");
    Objects.requireNonNull(demotion, "demotion");
  }

  /**
   * Parses the {@code vigil.trust} block given as plain values (e.g. Typesafe Config's
   * {@code getConfig("vigil.trust").root().unwrapped()}).
   *
   * @param path where the block sits, for messages ({@code vigil.trust})
   * @throws SettingsException listing every problem under its full key
   */
  public static TrustSettings fromConfig(Map<String, ?> trust, String path) {
    ConfigReader reader = ConfigReader.root(path, trust);
    reader.rejectUnknown(Set.of("phases", "demotion"));
    TrustSettings settings = new TrustSettings(PhaseTable.read(reader.child("phases")),
        DemotionPolicy.read(reader.child("demotion")));
    reader.throwIfProblems();
    return settings;
  }
}

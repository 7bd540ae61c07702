package dev.vigil.actors.agent;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.typesafe.config.Config;

import dev.vigil.sentinel.SentinelSettings;
import dev.vigil.trust.TrustSettings;

/**
 * What the {@code Agent} entity needs from configuration: graduated trust ({@code vigil.trust}: promotion criteria
 * per phase and the demotion policy), behavioural monitoring ({@code vigil.sentinel}) and its own
 * {@code vigil.agents} block. Validated once at start-up; every problem is reported under its full key.
 *
 * @param trust promotion criteria and demotion policy
 * @param sentinel behavioural monitoring ({@code enabled} is the {@code VIGIL_SENTINEL_ENABLED} switch)
 * @param promotionCheckInterval how often an agent whose phase promotes automatically re-checks its criteria, since
 *     days in phase and quiet windows pass without any observation
 * @param snapshotEvery snapshot the entity every this many events
 * @param recentAlerts alerts kept in the entity's state and re-published to the publisher on recovery
 * @param projectionTags tags {@code agent-0 .. agent-(n-1)} of the agents read model's projection; fixed for the life
 *     of a journal
 */
public record AgentSettings(TrustSettings trust, SentinelSettings sentinel, Duration promotionCheckInterval,
    int snapshotEvery, int recentAlerts, int projectionTags) {

  /** The phase-table keys that belong to the investigation layer, not to {@link TrustSettings}. */
  private static final Set<String> INVESTIGATION_KEYS = Set.of("vault-role", "actions");

  public static final AgentSettings DEFAULT =
      new AgentSettings(TrustSettings.DEFAULT, SentinelSettings.DEFAULT, Duration.ofMinutes(1), 100, 20, 4);

  public AgentSettings {
    if (promotionCheckInterval.isNegative() || promotionCheckInterval.isZero()) {
      throw new IllegalArgumentException("vigil.agents.promotion-check-interval must be positive");
    }
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("vigil.agents.snapshot-every must be at least 1");
    }
    if (projectionTags < 1) {
      throw new IllegalArgumentException("vigil.agents.projection-tags must be at least 1");
    }
    if (recentAlerts < 0) {
      throw new IllegalArgumentException("vigil.agents.recent-alerts must not be negative");
    }
  }

  /** Reads {@code vigil.trust}, {@code vigil.sentinel} and {@code vigil.agents}. */
  public static AgentSettings fromConfig(Config root) {
    Map<String, Object> trust = new LinkedHashMap<>(root.getConfig("vigil.trust").root().unwrapped());
    Object phases = trust.get("phases");
    if (phases instanceof Map<?, ?> table) {
      Map<String, Object> own = new LinkedHashMap<>();
      table.forEach((phase, entry) -> {
        if (entry instanceof Map<?, ?> fields) {
          Map<String, Object> kept = new LinkedHashMap<>();
          fields.forEach((key, value) -> {
            if (!INVESTIGATION_KEYS.contains(String.valueOf(key))) {
              kept.put(String.valueOf(key), value);
            }
          });
          own.put(String.valueOf(phase), kept);
        } else {
          own.put(String.valueOf(phase), entry);
        }
      });
      trust.put("phases", own);
    }
    Config agents = root.getConfig("vigil.agents");
    return new AgentSettings(TrustSettings.fromConfig(trust, "vigil.trust"),
        SentinelSettings.fromConfig(root.getConfig("vigil.sentinel").root().unwrapped(), "vigil.sentinel"),
        agents.getDuration("promotion-check-interval"), agents.getInt("snapshot-every"),
        agents.getInt("recent-alerts"), agents.getInt("projection-tags"));
  }

  /** The projection tag of an agent's events. */
  public String tagOf(String agentId) {
    return "agent-" + Math.floorMod(agentId.hashCode(), projectionTags);
  }

  public boolean sentinelEnabled() {
    return sentinel.enabled();
  }

  /** Whether any phase promotes without an operator, so entities need the promotion timer. */
  public boolean anyAutomaticPromotion() {
    return trust.phases().entries().stream().anyMatch(entry -> entry.promotion().automatic());
  }

  public AgentSettings withTrust(TrustSettings newTrust) {
    return new AgentSettings(newTrust, sentinel, promotionCheckInterval, snapshotEvery, recentAlerts, projectionTags);
  }

  public AgentSettings withSentinel(SentinelSettings newSentinel) {
    return new AgentSettings(trust, newSentinel, promotionCheckInterval, snapshotEvery, recentAlerts, projectionTags);
  }

  public AgentSettings withSnapshotEvery(int every) {
    return new AgentSettings(trust, sentinel, promotionCheckInterval, every, recentAlerts, projectionTags);
  }
}

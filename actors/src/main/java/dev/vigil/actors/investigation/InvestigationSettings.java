package dev.vigil.actors.investigation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.typesafe.config.Config;

import dev.vigil.actors.lease.LeaseRenewal;
import dev.vigil.trust.TrustPhase;

/**
 * The {@code vigil.investigations} block and the phase table {@code vigil.trust.phases}, validated once at start-up
 * (a setting that cannot work fails here, naming its key).
 */
public record InvestigationSettings(
    int numberOfShards,
    int tagCount,
    int maxRunning,
    Duration defaultDeadline,
    Duration maxDeadline,
    Duration bootstrapTokenTtl,
    LeaseRenewal renewal,
    Duration renewIncrement,
    Duration retryMin,
    Duration retryMax,
    String gatewayUrl,
    String namespace,
    int snapshotEvery,
    Duration credentialWait,
    Map<TrustPhase, PhasePermissions> phases) {

  public static InvestigationSettings fromConfig(Config root) {
    Config c = root.getConfig("vigil.investigations");
    Map<String, String> paths = new LinkedHashMap<>();
    Config pathConfig = c.getConfig("credential-paths");
    for (String domain : pathConfig.root().keySet()) {
      if (!PhasePermissions.KNOWN_DOMAINS.contains(domain)) {
        throw new IllegalArgumentException("vigil.investigations.credential-paths." + domain
            + ": unknown credential domain (known: " + PhasePermissions.KNOWN_DOMAINS + ")");
      }
      paths.put(domain, pathConfig.getString(domain));
    }
    Map<TrustPhase, PhasePermissions> phases = new EnumMap<>(TrustPhase.class);
    Config table = root.getConfig("vigil.trust.phases");
    for (TrustPhase phase : TrustPhase.values()) {
      String key = phase.wireName();
      if (!table.hasPath(key)) {
        throw new IllegalArgumentException("vigil.trust.phases." + key + " is missing");
      }
      Config p = table.getConfig(key);
      String role = p.getString("vault-role");
      Map<String, String> resolved = new LinkedHashMap<>();
      paths.forEach((domain, template) -> resolved.put(domain, template.replace("<role>", role)));
      List<String> domains = new ArrayList<>(p.getStringList("credential-domains"));
      phases.put(phase, new PhasePermissions(phase, p.getString("service-account"), domains,
          TrustPhase.parse(p.getString("actions")), resolved));
    }
    InvestigationSettings settings = new InvestigationSettings(
        c.getInt("number-of-shards"), c.getInt("projection-tags"), c.getInt("max-running"),
        c.getDuration("default-deadline"), c.getDuration("max-deadline"), c.getDuration("bootstrap-token-ttl"),
        new LeaseRenewal(c.getDuration("lease-min-renewal"), c.getDuration("lease-expiry-threshold")),
        root.getDuration("vigil.vault.renew-increment"), c.getDuration("retry-min-backoff"),
        c.getDuration("retry-max-backoff"), c.getString("gateway-url"), root.getString("vigil.kubernetes.namespace"),
        c.getInt("snapshot-every"), c.getDuration("credential-wait"), phases);
    if (settings.maxRunning() < 1) {
      throw new IllegalArgumentException("vigil.investigations.max-running must be at least 1");
    }
    if (settings.tagCount() < 1) {
      throw new IllegalArgumentException("vigil.investigations.projection-tags must be at least 1");
    }
    return settings;
  }

  public PhasePermissions permissions(TrustPhase phase) {
    return phases.get(phase);
  }

  public InvestigationSettings withMaxRunning(int newMaxRunning) {
    return new InvestigationSettings(numberOfShards, tagCount, newMaxRunning, defaultDeadline, maxDeadline,
        bootstrapTokenTtl, renewal, renewIncrement, retryMin, retryMax, gatewayUrl, namespace, snapshotEvery,
        credentialWait, phases);
  }

  public InvestigationSettings withGatewayUrl(String url) {
    return new InvestigationSettings(numberOfShards, tagCount, maxRunning, defaultDeadline, maxDeadline,
        bootstrapTokenTtl, renewal, renewIncrement, retryMin, retryMax, url, namespace, snapshotEvery, credentialWait,
        phases);
  }

  /** Backoff for the n-th retry (0-based): retryMin doubled per attempt, at most retryMax. */
  public Duration backoff(int attempt) {
    long millis = retryMin.toMillis() << Math.min(attempt, 16);
    return Duration.ofMillis(Math.min(millis, retryMax.toMillis()));
  }
}

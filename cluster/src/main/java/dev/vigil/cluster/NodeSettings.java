package dev.vigil.cluster;

import java.time.Duration;
import java.util.Set;

import com.typesafe.config.Config;

/** The node's own settings ({@code vigil.*} outside the database block), validated once at start. */
public record NodeSettings(
    String profile,
    String dataDir,
    Set<String> roles,
    String join,
    String httpHost,
    int httpPort,
    long maxBodyBytes,
    Duration askTimeout,
    Duration entityAttemptTimeout,
    Duration keyCacheTtl,
    String bootstrapAdminKey,
    Duration readinessGrace,
    Duration requestDeadline) {

  public static NodeSettings fromConfig(Config config) {
    Config v = config.getConfig("vigil");
    String join = v.getString("cluster.join");
    if (!Set.of("self", "bootstrap", "seed-nodes").contains(join)) {
      throw new IllegalArgumentException("vigil.cluster.join must be self, bootstrap or seed-nodes, got '" + join + "'");
    }
    int port = v.getInt("gateway.port");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("vigil.gateway.port (VIGIL_HTTP_PORT) must be 0..65535, got " + port);
    }
    Duration askTimeout = v.getDuration("gateway.ask-timeout");
    if (askTimeout.compareTo(dev.vigil.actors.agent.AgentEntity.RETRY_WINDOW) >= 0) {
      // a decision retried after the Agent entity forgot its first answer would be decided, and counted, twice
      throw new IllegalArgumentException("vigil.gateway.ask-timeout must be less than "
          + dev.vigil.actors.agent.AgentEntity.RETRY_WINDOW.toSeconds() + "s (how long an agent remembers a decision "
          + "for a retry), got " + askTimeout);
    }
    return new NodeSettings(
        v.getString("profile"),
        v.getString("data-dir"),
        Set.copyOf(NodeConfig.parseRoles(v.getString("cluster.roles"))),
        join,
        v.getString("gateway.host"),
        port,
        v.getBytes("gateway.max-body-size"),
        askTimeout,
        v.getDuration("gateway.entity-attempt-timeout"),
        v.getDuration("gateway.key-cache-ttl"),
        v.getString("gateway.bootstrap-admin-key"),
        v.getDuration("drain.readiness-grace"),
        v.getDuration("drain.request-deadline"));
  }

  public boolean hasRole(String role) {
    return roles.contains(role);
  }

  @Override
  public String toString() {
    return "NodeSettings[profile=" + profile + ", roles=" + roles + ", join=" + join + ", http=" + httpHost + ":" + httpPort + "]";
  }
}

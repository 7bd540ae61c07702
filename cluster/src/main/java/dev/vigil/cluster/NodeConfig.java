package dev.vigil.cluster;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;

import dev.vigil.persistence.DatabaseSettings;
import dev.vigil.persistence.Dialect;

/**
 * Loads a profile ({@code dev.conf} or {@code kubernetes.conf}, each including {@code application.conf}) and derives
 * what HOCON cannot express: the cluster roles list from a comma string, and pekko-persistence-jdbc's Slick blocks
 * from the single {@code vigil.database} block. Fails fast, naming the key, on a setting that cannot work.
 */
public final class NodeConfig {

  public static final Set<String> PROFILES = Set.of("dev", "kubernetes");
  public static final Set<String> ROLES = Set.of("gateway", "entities", "policy", "scanner");

  private NodeConfig() {}

  public static String profileFromEnvironment() {
    String profile = System.getenv("VIGIL_PROFILE");
    return profile == null || profile.isBlank() ? "dev" : profile.trim().toLowerCase(Locale.ROOT);
  }

  public static Config load(String profile) {
    return load(profile, ConfigFactory.empty());
  }

  /** The profile with {@code overrides} (tests, embedding) applied before substitutions are resolved. */
  public static Config load(String profile, Config overrides) {
    if (!PROFILES.contains(profile)) {
      throw new IllegalArgumentException("VIGIL_PROFILE must be one of " + PROFILES + ", got '" + profile + "'");
    }
    Config loaded = ConfigFactory.load(overrides.withFallback(ConfigFactory.parseResources(profile + ".conf")));
    DatabaseSettings database = DatabaseSettings.fromConfig(loaded);
    if (profile.equals("kubernetes") && database.dialect() == Dialect.H2) {
      throw new IllegalArgumentException("The kubernetes profile needs PostgreSQL: set VIGIL_DB_URL to a jdbc:postgresql: URL");
    }
    List<String> roles = parseRoles(loaded.getString("vigil.cluster.roles"));
    return ConfigFactory.empty()
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles))
        .withFallback(database.pekkoJdbcConfig())
        .withFallback(loaded)
        .resolve();
  }

  static List<String> parseRoles(String value) {
    List<String> roles = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (roles.isEmpty() || !ROLES.containsAll(roles)) {
      throw new IllegalArgumentException("vigil.cluster.roles (VIGIL_CLUSTER_ROLES) must be a comma list of " + ROLES
          + ", got '" + value + "'");
    }
    return roles;
  }
}

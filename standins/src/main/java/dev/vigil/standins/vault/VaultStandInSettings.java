package dev.vigil.standins.vault;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How to start a {@link VaultStandIn}: port (0 picks a free one; it always binds 127.0.0.1),
 * root token (null generates one), the clock that drives lease expiry, and the roles it serves.
 * Immutable; the {@code with*} methods return changed copies.
 *
 * @param port      TCP port on 127.0.0.1, 0 for any free port
 * @param rootToken the only token accepted, or null to generate a Vault-looking one
 * @param clock     source of time for TTLs (inject a controllable clock in tests)
 * @param roles     roles served under {@code /v1/<mount>/creds/<name>}
 */
public record VaultStandInSettings(int port, String rootToken, Clock clock, List<VaultRole> roles) {

  /** Domains Vigil requests credentials for; the stand-in serves agent-ro and agent-rw for each. */
  public static final List<String> DEFAULT_MOUNTS = List.of("database", "network", "application", "llm");

  public VaultStandInSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (rootToken != null && rootToken.isBlank()) {
      throw new IllegalArgumentException("rootToken must not be blank (null generates one)");
    }
    Objects.requireNonNull(clock, "clock");
    roles = List.copyOf(roles);
    Set<String> paths = new HashSet<>();
    for (VaultRole role : roles) {
      if (!paths.add(role.credsPath())) {
        throw new IllegalArgumentException("role defined twice: " + role.credsPath());
      }
    }
  }

  /**
   * Any free port, a generated token, the system clock, and roles {@code agent-ro} and
   * {@code agent-rw} on every {@link #DEFAULT_MOUNTS default mount} with the given TTLs
   * (database roles issue username/password, the others an api_key).
   */
  public static VaultStandInSettings defaults(Duration defaultTtl, Duration maxTtl) {
    List<VaultRole> roles = new ArrayList<>();
    for (String mount : DEFAULT_MOUNTS) {
      VaultRole.SecretKind kind = mount.equals("database") ? VaultRole.SecretKind.DATABASE_USER
          : VaultRole.SecretKind.API_KEY;
      roles.add(VaultRole.of(mount, "agent-ro", kind, defaultTtl, maxTtl));
      roles.add(VaultRole.of(mount, "agent-rw", kind, defaultTtl, maxTtl));
    }
    return new VaultStandInSettings(0, null, Clock.systemUTC(), roles);
  }

  /** {@link #defaults(Duration, Duration)} with a 1 hour TTL and a 24 hour max TTL. */
  public static VaultStandInSettings defaults() {
    return defaults(Duration.ofHours(1), Duration.ofHours(24));
  }

  public VaultStandInSettings withPort(int newPort) {
    return new VaultStandInSettings(newPort, rootToken, clock, roles);
  }

  public VaultStandInSettings withRootToken(String newRootToken) {
    return new VaultStandInSettings(port, newRootToken, clock, roles);
  }

  public VaultStandInSettings withClock(Clock newClock) {
    return new VaultStandInSettings(port, rootToken, newClock, roles);
  }

  /** Replaces all roles. */
  public VaultStandInSettings withRoles(List<VaultRole> newRoles) {
    return new VaultStandInSettings(port, rootToken, clock, newRoles);
  }

  /** Adds a role, replacing one with the same path. */
  public VaultStandInSettings withRole(VaultRole role) {
    List<VaultRole> newRoles = new ArrayList<>(roles);
    newRoles.removeIf(existing -> existing.credsPath().equals(role.credsPath()));
    newRoles.add(role);
    return new VaultStandInSettings(port, rootToken, clock, newRoles);
  }
}

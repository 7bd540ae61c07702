package dev.vigil.standins.vault;

import java.time.Duration;
import java.util.Objects;

/**
 * A role the stand-in issues credentials for at {@code GET /v1/<mount>/creds/<name>}, like a
 * Vault database role: each read creates a new random secret under a new lease.
 *
 * @param mount      secrets engine mount, e.g. {@code database}, {@code llm}
 * @param name       role name, e.g. {@code agent-ro}
 * @param secretKind what the secret looks like
 * @param defaultTtl lease TTL on issue, and on renew without an increment
 * @param maxTtl     lease lifetime cap counted from issue; renewals never pass it
 * @param renewable  whether the lease may be renewed at all
 */
public record VaultRole(String mount, String name, SecretKind secretKind, Duration defaultTtl, Duration maxTtl,
    boolean renewable) {

  /** The shape of the generated secret. */
  public enum SecretKind {
    /** {@code username} and {@code password}, as the database secrets engine returns them. */
    DATABASE_USER,
    /** A single {@code api_key}, for network, application and LLM credential domains. */
    API_KEY
  }

  public VaultRole {
    Objects.requireNonNull(mount, "mount");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(secretKind, "secretKind");
    if (mount.isBlank() || mount.contains("/") || name.isBlank() || name.contains("/")) {
      throw new IllegalArgumentException("mount and role name must be single non-empty path segments: "
          + mount + "/" + name);
    }
    if (defaultTtl.isNegative() || defaultTtl.isZero() || maxTtl.compareTo(defaultTtl) < 0) {
      throw new IllegalArgumentException("role " + mount + "/" + name + " needs 0 < defaultTtl <= maxTtl, got "
          + defaultTtl + " and " + maxTtl);
    }
  }

  /** A renewable role. */
  public static VaultRole of(String mount, String name, SecretKind kind, Duration defaultTtl, Duration maxTtl) {
    return new VaultRole(mount, name, kind, defaultTtl, maxTtl, true);
  }

  /** The Vault path that issues this role's credentials, e.g. {@code database/creds/agent-ro}. */
  public String credsPath() {
    return mount + "/creds/" + name;
  }
}

package dev.vigil.persistence.keys;

import java.time.Instant;
import java.util.Optional;

/** A stored API key as listed to admins: never the key itself, only its id and what it is for. */
public record ApiKey(
    String keyId,
    String name,
    Role role,
    Optional<String> agentId,
    Instant createdAt,
    Optional<String> createdBy,
    Optional<Instant> revokedAt) {

  public boolean active() {
    return revokedAt.isEmpty();
  }
}

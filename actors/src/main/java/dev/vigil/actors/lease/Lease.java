package dev.vigil.actors.lease;

import java.time.Duration;
import java.util.Map;

/**
 * A dynamic secret Vault issued: its lease id, TTL, whether it may be renewed, and the secret itself. The secret lives
 * in memory only; events and views carry everything but {@link #secret()}.
 */
public record Lease(String leaseId, Duration ttl, boolean renewable, Map<String, String> secret) {

  public Lease {
    secret = Map.copyOf(secret);
  }

  @Override
  public String toString() {
    return "Lease[" + leaseId + ", ttl " + ttl + ", renewable " + renewable + ", secret hidden]";
  }
}

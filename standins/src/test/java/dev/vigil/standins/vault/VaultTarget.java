package dev.vigil.standins.vault;

import java.time.Duration;

import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;

/**
 * The Vault the contract tests talk to: a real one when {@code VAULT_ADDR} and
 * {@code VAULT_TOKEN} are set (roles prepared as docs/vault-standin.md describes), otherwise a
 * fresh stand-in with the same short TTLs (2s default, 6s max).
 */
final class VaultTarget implements AutoCloseable {

  static final Duration DEFAULT_TTL = Duration.ofSeconds(2);
  static final Duration MAX_TTL = Duration.ofSeconds(6);

  final String address;
  final String token;
  /** Null when targeting a real Vault. */
  final VaultStandIn standIn;
  final String credsPath;

  private VaultTarget(String address, String token, VaultStandIn standIn, String credsPath) {
    this.address = address;
    this.token = token;
    this.standIn = standIn;
    this.credsPath = credsPath;
  }

  static VaultTarget open() {
    String address = System.getenv("VAULT_ADDR");
    String token = System.getenv("VAULT_TOKEN");
    String credsPath = System.getenv().getOrDefault("VAULT_TEST_CREDS_PATH", "database/creds/agent-ro");
    if (address != null && !address.isBlank() && token != null && !token.isBlank()) {
      return new VaultTarget(address.replaceAll("/+$", ""), token, null, credsPath);
    }
    VaultStandIn standIn = VaultStandIn.start(VaultStandInSettings.defaults(DEFAULT_TTL, MAX_TTL));
    return new VaultTarget(standIn.address(), standIn.rootToken(), standIn, credsPath);
  }

  boolean isStandIn() {
    return standIn != null;
  }

  Vault driver() throws VaultException {
    return driver(token, 5);
  }

  /** The real driver as Vigil configures it: KV v1 paths (no data/ rewrite), no retries. */
  Vault driver(String withToken, int readTimeoutSeconds) throws VaultException {
    VaultConfig config = new VaultConfig().address(address).token(withToken).engineVersion(1)
        .openTimeout(2).readTimeout(readTimeoutSeconds).build();
    return Vault.create(config).withRetries(0, 0);
  }

  @Override
  public void close() {
    if (standIn != null) {
      standIn.close();
    }
  }
}

package dev.vigil.actors.lease;

import java.time.Duration;

import com.typesafe.config.Config;

/**
 * The {@code vigil.vault} block: where Vault is and how to talk to it. In the dev profile {@code address} may be
 * empty, and the node then starts the loopback Vault stand-in (never for production).
 *
 * @param address       Vault's base address ({@code VAULT_ADDR}), empty for the dev stand-in
 * @param token         the token Vigil uses ({@code VAULT_TOKEN}); empty when it logs in with Kubernetes auth
 * @param kubernetesRole the Vault role of Vigil's Kubernetes auth login ({@code VIGIL_VAULT_K8S_ROLE}), or empty
 * @param kubernetesJwtPath the service-account token presented at that login
 * @param openTimeout   connection timeout
 * @param readTimeout   read timeout
 * @param renewIncrement the increment asked for on each renewal
 * @param tokenRole     the token role each investigation's token is created with ({@code auth/token/create/<role>},
 *                      an orphan-making role); empty asks {@code auth/token/create} plainly (a root token in tests)
 * @param scopeTtlMargin how much longer than its deadline an investigation's token lives
 */
public record VaultSettings(String address, String token, Duration openTimeout, Duration readTimeout,
    Duration renewIncrement, String kubernetesRole, String kubernetesJwtPath, String tokenRole,
    Duration scopeTtlMargin) {

  public static VaultSettings fromConfig(Config root) {
    Config c = root.getConfig("vigil.vault");
    VaultSettings settings = new VaultSettings(c.getString("address").trim(), c.getString("token").trim(),
        c.getDuration("open-timeout"), c.getDuration("read-timeout"), c.getDuration("renew-increment"),
        c.getString("kubernetes-role").trim(), c.getString("kubernetes-jwt-path").trim(),
        c.getString("token-role").trim(), c.getDuration("scope-ttl-margin"));
    if (!settings.address().isEmpty() && settings.token().isEmpty() && settings.kubernetesRole().isEmpty()) {
      throw new IllegalArgumentException("vigil.vault.address is set: give either vigil.vault.token (VAULT_TOKEN) or "
          + "vigil.vault.kubernetes-role (VIGIL_VAULT_K8S_ROLE) for a Kubernetes auth login");
    }
    return settings;
  }

  public VaultSettings withAddress(String newAddress, String newToken) {
    return new VaultSettings(newAddress, newToken, openTimeout, readTimeout, renewIncrement, kubernetesRole,
        kubernetesJwtPath, tokenRole, scopeTtlMargin);
  }

  /** Whether Vigil logs in with Kubernetes auth rather than holding a configured token. */
  public boolean kubernetesLogin() {
    return token.isEmpty() && !kubernetesRole.isEmpty();
  }

  @Override
  public String toString() {
    return "VaultSettings[address=" + address + ", token=<hidden>, openTimeout=" + openTimeout + ", readTimeout="
        + readTimeout + ", renewIncrement=" + renewIncrement + ", kubernetesRole=" + kubernetesRole + ", tokenRole="
        + tokenRole + ", scopeTtlMargin=" + scopeTtlMargin + "]";
  }
}

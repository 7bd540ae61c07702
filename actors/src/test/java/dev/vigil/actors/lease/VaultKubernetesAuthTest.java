package dev.vigil.actors.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.typesafe.config.ConfigFactory;

import dev.vigil.actors.lease.internal.VaultDriverLeaseBroker;
import dev.vigil.standins.vault.VaultStandIn;
import dev.vigil.standins.vault.VaultStandInSettings;

/**
 * Vigil without a configured Vault token: it logs in with Kubernetes auth (the pod's service-account token and a role),
 * and logs in again when Vault stops accepting the token it got. Real vault-java-driver over HTTP to the stand-in.
 */
class VaultKubernetesAuthTest {

  @Test
  void theBrokerLogsInWithItsServiceAccountAndAgainWhenItsTokenExpires(@TempDir Path dir) throws Exception {
    Path jwt = dir.resolve("token");
    Files.writeString(jwt, "eyJhbGciOiJSUzI1NiJ9.service-account.signature\n");
    try (VaultStandIn vault = VaultStandIn.start(VaultStandInSettings.defaults(Duration.ofMinutes(5), Duration.ofHours(1)))) {
      VaultSettings settings = VaultSettings.fromConfig(ConfigFactory.parseString(
          "vigil.vault { address = \"" + vault.address() + "\", token = \"\", kubernetes-role = vigil, "
              + "kubernetes-jwt-path = \"" + jwt + "\" }").withFallback(ConfigFactory.load()));
      assertTrue(settings.kubernetesLogin());
      LeaseBroker broker = new VaultDriverLeaseBroker(settings, Executors.newSingleThreadExecutor());

      LeaseBroker.Scope scope = broker.openScope("inv-a", Duration.ofMinutes(10)).toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      Lease first = broker.issue("database/creds/agent-ro", scope).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertFalse(first.leaseId().isBlank());

      vault.expireLoginTokens();
      LeaseBroker.Scope again = broker.openScope("inv-b", Duration.ofMinutes(10)).toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
      Lease second = broker.issue("database/creds/agent-ro", again).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertFalse(second.leaseId().equals(first.leaseId()), "a fresh lease after logging in again");
      broker.revoke(second.leaseId()).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(1, vault.liveLeases().size(), "only the first lease is still live");

      // the investigation's token outlives the login that created it; revoking it ends the leases read with it
      broker.closeScope(scope.accessor()).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals(0, vault.liveLeases().size());
      broker.closeScope(scope.accessor()).toCompletableFuture().get(10, TimeUnit.SECONDS); // idempotent
    }
  }

  @Test
  void aMissingServiceAccountTokenIsAClearFailureNotAHang(@TempDir Path dir) throws Exception {
    try (VaultStandIn vault = VaultStandIn.start(VaultStandInSettings.defaults(Duration.ofMinutes(5), Duration.ofHours(1)))) {
      VaultSettings settings = VaultSettings.fromConfig(ConfigFactory.parseString(
          "vigil.vault { address = \"" + vault.address() + "\", token = \"\", kubernetes-role = vigil, "
              + "kubernetes-jwt-path = \"" + dir.resolve("missing") + "\" }").withFallback(ConfigFactory.load()));
      LeaseBroker broker = new VaultDriverLeaseBroker(settings, Executors.newSingleThreadExecutor());
      ExecutionException failed = assertThrows(ExecutionException.class,
          () -> broker.openScope("inv", Duration.ofMinutes(1)).toCompletableFuture().get(10, TimeUnit.SECONDS));
      assertTrue(String.valueOf(failed.getCause().getMessage()).contains("service-account token"), failed.toString());
    }
  }

  @Test
  void anAddressWithNeitherTokenNorRoleIsRejectedAtStart() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VaultSettings.fromConfig(
        ConfigFactory.parseString("vigil.vault { address = \"https://vault:8200\", token = \"\" }")
            .withFallback(ConfigFactory.load())));
    assertTrue(e.getMessage().contains("VIGIL_VAULT_K8S_ROLE"));
  }
}

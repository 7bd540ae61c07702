package dev.vigil.standins.vault;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.api.Auth;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.github.jopenlibs.vault.response.HealthResponse;
import io.github.jopenlibs.vault.response.LogicalResponse;
import io.github.jopenlibs.vault.response.LookupResponse;
import io.github.jopenlibs.vault.response.VaultResponse;

/**
 * The Vault behaviour Vigil relies on, exercised through the real vault-java-driver over HTTP.
 * Runs against the stand-in, or against a real Vault when VAULT_ADDR and VAULT_TOKEN are set
 * (then the stand-in's admin checks are skipped). TTLs are real and short: 2s, max 6s.
 */
class VaultDriverContractTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private VaultTarget target;
  private Vault vault;

  @BeforeEach
  void open() throws VaultException {
    target = VaultTarget.open();
    vault = target.driver();
  }

  @AfterEach
  void close() {
    if (target.isStandIn()) {
      target.standIn.setFault(Fault.none());
    }
    target.close();
  }

  @Test
  void readingCredsIssuesAFreshRenewableLeaseEachTime() throws Exception {
    LogicalResponse first = vault.logical().read(target.credsPath);
    LogicalResponse second = vault.logical().read(target.credsPath);

    assertTrue(first.getLeaseId().startsWith(target.credsPath + "/"), first.getLeaseId());
    assertTrue(first.getRenewable());
    assertTrue(first.getLeaseDuration() > 0 && first.getLeaseDuration() <= VaultTarget.DEFAULT_TTL.toSeconds(),
        "lease_duration " + first.getLeaseDuration());
    assertFalse(first.getData().get("username").isBlank());
    assertFalse(first.getData().get("password").isBlank());
    assertNotEquals(first.getLeaseId(), second.getLeaseId());
    assertNotEquals(first.getData().get("username"), second.getData().get("username"));
    assertNotEquals(first.getData().get("password"), second.getData().get("password"));
  }

  @Test
  void renewWithinMaxTtlGrantsTheIncrement() throws Exception {
    LogicalResponse creds = vault.logical().read(target.credsPath);
    VaultResponse renewed = vault.leases().renew(creds.getLeaseId(), 3);
    JsonNode body = body(renewed);
    assertEquals(200, renewed.getRestResponse().getStatus());
    assertEquals(creds.getLeaseId(), body.path("lease_id").asText());
    assertEquals(3, body.path("lease_duration").asLong());
    assertTrue(body.path("warnings").isNull() || body.path("warnings").isEmpty(), body.toString());
  }

  @Test
  void renewBeyondMaxTtlIsCappedWithVaultsWarning() throws Exception {
    LogicalResponse creds = vault.logical().read(target.credsPath);
    VaultResponse renewed = vault.leases().renew(creds.getLeaseId(), 3600);
    JsonNode body = body(renewed);
    long granted = body.path("lease_duration").asLong();
    assertTrue(granted >= 1 && granted <= VaultTarget.MAX_TTL.toSeconds(), "capped lease_duration " + granted);
    assertTrue(body.path("warnings").toString().contains("exceeded the effective max_ttl"), body.toString());
    assertTrue(body.path("warnings").toString().contains("TTL of \\\"1h\\\""), body.toString());
  }

  @Test
  void anExpiredLeaseCannotBeRenewed() throws Exception {
    LogicalResponse creds = vault.logical().read(target.credsPath);
    String leaseId = creds.getLeaseId();
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
        .until(() -> lookupStatus(leaseId) == 400);

    VaultException renewFailure = assertThrows(VaultException.class, () -> vault.leases().renew(leaseId, 60));
    assertEquals(400, renewFailure.getHttpStatusCode());
    if (target.isStandIn()) {
      assertEquals(LeaseView.State.EXPIRED, stateOf(leaseId));
    }
  }

  @Test
  void aRevokedLeaseCannotBeRenewedAndRevokeIsIdempotent() throws Exception {
    LogicalResponse creds = vault.logical().read(target.credsPath);
    assertEquals(200, lookupStatus(creds.getLeaseId()));

    assertEquals(204, vault.leases().revoke(creds.getLeaseId()).getRestResponse().getStatus());
    VaultException renewFailure = assertThrows(VaultException.class,
        () -> vault.leases().renew(creds.getLeaseId(), 60));
    assertEquals(400, renewFailure.getHttpStatusCode());
    assertEquals(400, lookupStatus(creds.getLeaseId()));
    assertEquals(204, vault.leases().revoke(creds.getLeaseId()).getRestResponse().getStatus());
    assertEquals(204, vault.leases().revoke(target.credsPath + "/no-such-lease").getRestResponse().getStatus());
  }

  @Test
  void revokePrefixEndsEveryLeaseUnderIt() throws Exception {
    LogicalResponse first = vault.logical().read(target.credsPath);
    LogicalResponse second = vault.logical().read(target.credsPath);
    assertEquals(204, vault.leases().revokePrefix(target.credsPath).getRestResponse().getStatus());
    assertEquals(400, assertThrows(VaultException.class, () -> vault.leases().renew(first.getLeaseId(), 60))
        .getHttpStatusCode());
    assertEquals(400, assertThrows(VaultException.class, () -> vault.leases().renew(second.getLeaseId(), 60))
        .getHttpStatusCode());
  }

  @Test
  void revokingAnInvestigationTokenByItsAccessorEndsEveryLeaseReadWithIt() throws Exception {
    // Vigil's scope per investigation: an orphan token from the vigil-investigation role, its accessor kept
    AuthResponse created = vault.auth().createToken(new Auth.TokenRequest().ttl("60s").displayName("inv-1")
        .role("vigil-investigation"));
    assertEquals(200, created.getRestResponse().getStatus());
    String accessor = created.getTokenAccessor();
    assertFalse(accessor == null || accessor.isBlank());
    Vault scoped = target.driver(created.getAuthClientToken(), 5);
    LogicalResponse first = scoped.logical().read(target.credsPath);
    LogicalResponse second = scoped.logical().read(target.credsPath);
    LogicalResponse unscoped = vault.logical().read(target.credsPath);
    assertEquals(200, first.getRestResponse().getStatus());

    LogicalResponse revoked = vault.logical().write("auth/token/revoke-accessor", Map.of("accessor", accessor));
    assertEquals(204, revoked.getRestResponse().getStatus());
    for (LogicalResponse lease : new LogicalResponse[] {first, second}) {
      await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
          .until(() -> lookupStatus(lease.getLeaseId()) == 400);
    }
    assertEquals(200, lookupStatus(unscoped.getLeaseId()), "a lease read with another token lives on");
    assertEquals(403, scoped.logical().read(target.credsPath).getRestResponse().getStatus(),
        "the revoked token reads nothing more");
    if (target.isStandIn()) {
      assertEquals(LeaseView.State.REVOKED, stateOf(first.getLeaseId()));
      assertEquals(400, vault.logical().write("auth/token/revoke-accessor", Map.of("accessor", accessor))
          .getRestResponse().getStatus(), "a revoked token's accessor is invalid");
    }
  }

  @Test
  void anInvestigationTokenThatExpiresTakesItsLeasesWithIt() throws Exception {
    AuthResponse created = vault.auth().createToken(new Auth.TokenRequest().ttl("2s").displayName("inv-2")
        .role("vigil-investigation"));
    LogicalResponse creds = target.driver(created.getAuthClientToken(), 5).logical().read(target.credsPath);
    VaultResponse renewed = vault.leases().renew(creds.getLeaseId(), 1);
    assertEquals(200, renewed.getRestResponse().getStatus());
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
        .until(() -> lookupStatus(creds.getLeaseId()) == 400);
  }

  @Test
  void anUnknownTokenRoleIsRefused() {
    VaultException refused = assertThrows(VaultException.class, () -> vault.auth().createToken(
        new Auth.TokenRequest().ttl("60s").role("no-such-role")));
    assertEquals(400, refused.getHttpStatusCode());
  }

  @Test
  void aWrongOrMissingTokenIsDenied() throws Exception {
    Vault intruder = target.driver("hvs.not-a-real-token", 5);
    // logical().read does not throw on 4xx: it returns the error response (driver 6.2.1 behaviour).
    LogicalResponse denied = intruder.logical().read(target.credsPath);
    assertEquals(403, denied.getRestResponse().getStatus());
    assertTrue(body(denied).path("errors").toString().contains("permission denied"), body(denied).toString());
    assertEquals(403, assertThrows(VaultException.class, () -> intruder.auth().lookupSelf()).getHttpStatusCode());

    HttpResponse<String> anonymous = http("GET", "/v1/" + target.credsPath, null, null);
    assertEquals(403, anonymous.statusCode());
  }

  @Test
  void lookupSelfDescribesTheCallersToken() throws Exception {
    LookupResponse self = vault.auth().lookupSelf();
    assertEquals(200, self.getRestResponse().getStatus());
    assertEquals(target.token, self.getId());
    assertFalse(self.getPolicies().isEmpty());
  }

  @Test
  void healthReportsAnUnsealedServer() throws Exception {
    HealthResponse health = vault.debug().health();
    assertEquals(200, health.getRestResponse().getStatus());
    assertTrue(health.getInitialized());
    assertFalse(health.getSealed());
  }

  @Test
  void anUnmountedPathIs404() throws Exception {
    LogicalResponse missing = vault.logical().read("no-such-mount/creds/agent-ro");
    assertEquals(404, missing.getRestResponse().getStatus());
    assertTrue(body(missing).path("errors").isArray());
  }

  @Test
  void renewAndRevokeAlsoWorkInTheirPutForms() throws Exception {
    LogicalResponse creds = vault.logical().read(target.credsPath);
    String bodyJson = JSON.writeValueAsString(Map.of("lease_id", creds.getLeaseId(), "increment", 4));
    HttpResponse<String> renewed = http("PUT", "/v1/sys/leases/renew", target.token, bodyJson);
    assertEquals(200, renewed.statusCode(), renewed.body());
    assertEquals(4, JSON.readTree(renewed.body()).path("lease_duration").asLong());

    HttpResponse<String> revoked = http("PUT", "/v1/sys/leases/revoke/" + creds.getLeaseId(), target.token, "");
    assertEquals(204, revoked.statusCode());
    assertEquals(400, lookupStatus(creds.getLeaseId()));
  }

  // ----- stand-in only: admin endpoints, fault switches, credential checks -----

  @Test
  void aRevokedCredentialIsRejectedAndItsUseIsCounted() throws Exception {
    assumeTrue(target.isStandIn(), "stand-in admin endpoints only");
    LogicalResponse creds = vault.logical().read(target.credsPath);
    String credential = JSON.writeValueAsString(Map.of(
        "username", creds.getData().get("username"), "password", creds.getData().get("password")));

    assertTrue(JSON.readTree(http("POST", "/v1/standin/credentials/check", null, credential).body()).path("valid").asBoolean());
    vault.leases().revoke(creds.getLeaseId());
    JsonNode afterRevoke = JSON.readTree(http("POST", "/v1/standin/credentials/check", null, credential).body());
    assertFalse(afterRevoke.path("valid").asBoolean());
    assertEquals("revoked", afterRevoke.path("state").asText());

    JsonNode listing = JSON.readTree(http("GET", "/v1/standin/leases", target.token, null).body());
    JsonNode lease = listing.path("leases").get(0);
    assertEquals(creds.getLeaseId(), lease.path("lease_id").asText());
    assertEquals("revoked", lease.path("state").asText());
    assertEquals(2, lease.path("uses").asLong());
    assertEquals(1, lease.path("uses_after_end").asLong());
    assertEquals(0, listing.path("live").asInt());
    assertEquals(403, http("GET", "/v1/standin/leases", "wrong", null).statusCode());
  }

  @Test
  void failModeAnswersEveryVaultCallWithTheChosenStatus() throws Exception {
    assumeTrue(target.isStandIn(), "fault switches exist only in the stand-in");
    HttpResponse<String> switched = http("POST", "/v1/standin/faults", target.token,
        "{\"mode\":\"fail\",\"status\":503}");
    assertEquals(200, switched.statusCode(), switched.body());

    assertEquals(503, assertThrows(VaultException.class, () -> vault.logical().read(target.credsPath)).getHttpStatusCode());
    assertEquals(503, assertThrows(VaultException.class, () -> vault.auth().lookupSelf()).getHttpStatusCode());
    assertEquals(0, target.standIn.leases().size(), "a failed request issues nothing");

    assertEquals(200, http("POST", "/v1/standin/faults", target.token, "{\"mode\":\"none\"}").statusCode());
    assertEquals(200, vault.logical().read(target.credsPath).getRestResponse().getStatus());
  }

  @Test
  void slowModeDelaysAnswersPastTheClientsReadTimeout() throws Exception {
    assumeTrue(target.isStandIn(), "fault switches exist only in the stand-in");
    target.standIn.setFault(Fault.slow(Duration.ofMillis(400)));
    long started = System.nanoTime();
    LogicalResponse creds = vault.logical().read(target.credsPath);
    long elapsedMillis = (System.nanoTime() - started) / 1_000_000;
    assertEquals(200, creds.getRestResponse().getStatus());
    assertTrue(elapsedMillis >= 400, "answered after " + elapsedMillis + " ms");

    target.standIn.setFault(Fault.slow(Duration.ofMillis(2500)));
    Vault impatient = target.driver(target.token, 1);
    assertThrows(VaultException.class, () -> impatient.logical().read(target.credsPath));
  }

  private int lookupStatus(String leaseId) throws Exception {
    HttpResponse<String> response = http("PUT", "/v1/sys/leases/lookup", target.token,
        JSON.writeValueAsString(Map.of("lease_id", leaseId)));
    return response.statusCode();
  }

  private LeaseView.State stateOf(String leaseId) {
    return target.standIn.leases().stream().filter(lease -> lease.leaseId().equals(leaseId)).findFirst()
        .orElseThrow().state();
  }

  private static JsonNode body(VaultResponse response) throws Exception {
    return JSON.readTree(new String(response.getRestResponse().getBody(), StandardCharsets.UTF_8));
  }

  private HttpResponse<String> http(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target.address + path))
        .timeout(Duration.ofSeconds(5))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("X-Vault-Token", token);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}

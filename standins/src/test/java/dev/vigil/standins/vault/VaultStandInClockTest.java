package dev.vigil.standins.vault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.standins.vault.internal.LeaseBook;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.response.LogicalResponse;
import io.github.jopenlibs.vault.response.VaultResponse;

/** Exact TTL arithmetic of the stand-in on a hand-moved clock (TTL 60s, max 300s), through the real driver. */
class VaultStandInClockTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T12:00:00Z"));
  private VaultStandIn standIn;
  private Vault vault;

  @BeforeEach
  void start() throws VaultException {
    standIn = VaultStandIn.start(VaultStandInSettings.defaults(Duration.ofSeconds(60), Duration.ofSeconds(300))
        .withClock(clock)
        .withRole(new VaultRole("database", "fixed", VaultRole.SecretKind.DATABASE_USER,
            Duration.ofSeconds(60), Duration.ofSeconds(60), false)));
    vault = Vault.create(new VaultConfig().address(standIn.address()).token(standIn.rootToken()).engineVersion(1)
        .openTimeout(2).readTimeout(5).build()).withRetries(0, 0);
  }

  @AfterEach
  void stop() {
    standIn.close();
  }

  @Test
  void renewalFollowsVaultsTtlRulesUpToTheMaxTtl() throws Exception {
    LogicalResponse creds = vault.logical().read("database/creds/agent-ro");
    assertEquals(60L, creds.getLeaseDuration());
    String leaseId = creds.getLeaseId();

    clock.advance(Duration.ofSeconds(30));
    assertEquals(30, lookup(leaseId).path("data").path("ttl").asLong());

    JsonNode byDefault = body(vault.leases().renew(leaseId, 0));
    assertEquals(60, byDefault.path("lease_duration").asLong(), "no increment means the role's default TTL");

    JsonNode renewed = body(vault.leases().renew(leaseId, 120));
    assertEquals(120, renewed.path("lease_duration").asLong());
    assertTrue(renewed.path("warnings").isNull());
    assertEquals(Instant.parse("2025-03-01T12:02:30Z"), view(leaseId).expireTime(), "counted from now, not added");

    clock.advance(Duration.ofSeconds(100));
    JsonNode capped = body(vault.leases().renew(leaseId, 3600));
    assertEquals(170, capped.path("lease_duration").asLong(), "300s max from issue, 130s gone");
    assertEquals("TTL of \"1h\" exceeded the effective max_ttl of \"2m50s\"; TTL value is capped accordingly",
        capped.path("warnings").get(0).asText());
    assertEquals(view(leaseId).maxExpireTime(), view(leaseId).expireTime());

    clock.advance(Duration.ofSeconds(171));
    VaultException expired = assertThrows(VaultException.class, () -> vault.leases().renew(leaseId, 10));
    assertEquals(400, expired.getHttpStatusCode());
    assertEquals(LeaseView.State.EXPIRED, view(leaseId).state());
    assertEquals(3, view(leaseId).renewals());
    assertEquals(400, lookupStatus(leaseId));
  }

  @Test
  void errorsCarryVaultsMessages() throws Exception {
    String leaseId = vault.logical().read("database/creds/agent-ro").getLeaseId();
    vault.leases().revoke(leaseId);
    assertEquals("{\"errors\":[\"lease not found\"]}", raw("POST", "/v1/sys/leases/renew/" + leaseId, standIn.rootToken(), "{}").body());
    assertEquals("{\"errors\":[\"lease not found\"]}", raw("POST", "/v1/sys/leases/renew/database/creds/agent-ro/unknown", standIn.rootToken(), "{}").body());

    String expiring = vault.logical().read("database/creds/agent-ro").getLeaseId();
    clock.advance(Duration.ofSeconds(61));
    HttpResponse<String> expired = raw("POST", "/v1/sys/leases/renew/" + expiring, standIn.rootToken(), "{}");
    assertEquals(400, expired.statusCode());
    assertEquals("{\"errors\":[\"lease expired\"]}", expired.body());

    String fixed = vault.logical().read("database/creds/fixed").getLeaseId();
    assertEquals("{\"errors\":[\"lease is not renewable\"]}", raw("POST", "/v1/sys/leases/renew/" + fixed, standIn.rootToken(), "{}").body());

    HttpResponse<String> denied = raw("GET", "/v1/database/creds/agent-ro", "wrong-token", null);
    assertEquals(403, denied.statusCode());
    assertEquals("{\"errors\":[\"permission denied\"]}", denied.body());
    HttpResponse<String> unknown = raw("GET", "/v1/nowhere/at/all", standIn.rootToken(), null);
    assertEquals(404, unknown.statusCode());
    assertEquals("{\"errors\":[]}", unknown.body());
    HttpResponse<String> unknownRole = raw("GET", "/v1/database/creds/nobody", standIn.rootToken(), null);
    assertEquals(400, unknownRole.statusCode());
    assertEquals("{\"errors\":[\"unknown role: nobody\"]}", unknownRole.body());
    HttpResponse<String> noLease = raw("POST", "/v1/sys/leases/lookup", standIn.rootToken(), "{\"lease_id\":\"x/creds/y/z\"}");
    assertEquals("{\"errors\":[\"invalid lease\"]}", noLease.body());
  }

  @Test
  void leasesExpireOnTheClockAndTheListingSaysSo() throws Exception {
    LogicalResponse db = vault.logical().read("database/creds/agent-rw");
    LogicalResponse llm = vault.logical().read("llm/creds/agent-ro");
    assertTrue(llm.getData().get("api_key").startsWith("vsk-llm-"));
    assertTrue(standIn.checkCredential(Map.of("api_key", llm.getData().get("api_key"))));
    assertEquals(2, standIn.liveLeases().size());

    vault.leases().renew(db.getLeaseId(), 120);
    clock.advance(Duration.ofSeconds(61));

    assertEquals(List.of(db.getLeaseId()), standIn.liveLeases().stream().map(LeaseView::leaseId).toList());
    assertFalse(standIn.checkCredential(Map.of("api_key", llm.getData().get("api_key"))),
        "an expired lease's secret is rejected");
    assertTrue(standIn.checkCredential(Map.of("username", db.getData().get("username"),
        "password", db.getData().get("password"))));
    assertFalse(standIn.checkCredential(Map.of("username", db.getData().get("username"), "password", "guess")));

    JsonNode listing = JSON.readTree(raw("GET", "/v1/standin/leases", standIn.rootToken(), null).body());
    assertEquals(1, listing.path("live").asInt());
    assertEquals(1, listing.path("expired").asInt());
    assertEquals(0, listing.path("revoked").asInt());
    LeaseView llmLease = view(llm.getLeaseId());
    assertEquals(2, llmLease.uses());
    assertEquals(1, llmLease.usesAfterEnd());
  }

  @Test
  void revokePrefixOnlyTouchesLeasesUnderThePrefix() throws Exception {
    String ro = vault.logical().read("database/creds/agent-ro").getLeaseId();
    String rw = vault.logical().read("database/creds/agent-rw").getLeaseId();
    String llm = vault.logical().read("llm/creds/agent-ro").getLeaseId();
    assertEquals(204, raw("PUT", "/v1/sys/leases/revoke-prefix/database/creds/agent-ro", standIn.rootToken(), "").statusCode());
    assertEquals(LeaseView.State.REVOKED, view(ro).state());
    assertEquals(LeaseView.State.LIVE, view(rw).state());
    assertEquals(LeaseView.State.LIVE, view(llm).state());
    vault.leases().revokePrefix("database");
    assertEquals(LeaseView.State.REVOKED, view(rw).state());
    assertEquals(LeaseView.State.LIVE, view(llm).state());
  }

  @Test
  void faultsSwitchOverHttpAndSpareTheAdminEndpoints() throws Exception {
    HttpResponse<String> set = raw("POST", "/v1/standin/faults", standIn.rootToken(), "{\"mode\":\"fail\",\"status\":500}");
    assertEquals("{\"mode\":\"fail\",\"status\":500,\"delayMillis\":0}", set.body());
    assertEquals(500, raw("GET", "/v1/sys/health", null, null).statusCode());
    assertEquals(200, raw("GET", "/v1/standin/leases", standIn.rootToken(), null).statusCode());
    assertEquals(Fault.fail(500), standIn.fault());
    assertEquals(400, raw("POST", "/v1/standin/faults", standIn.rootToken(), "{\"mode\":\"explode\"}").statusCode());
    assertEquals(403, raw("POST", "/v1/standin/faults", "wrong", "{\"mode\":\"none\"}").statusCode());
    standIn.setFault(Fault.none());
    assertEquals(200, raw("GET", "/v1/sys/health", null, null).statusCode());
  }

  @ParameterizedTest
  @CsvSource({"2,2s", "60,1m", "70,1m10s", "3600,1h", "3605,1h0m5s", "5400,1h30m", "0,0s", "90061,25h1m1s"})
  void durationsAreWrittenTheWayVaultWritesThem(long seconds, String expected) {
    assertEquals(expected, LeaseBook.goDuration(Duration.ofSeconds(seconds)));
  }

  private LeaseView view(String leaseId) {
    return standIn.leases().stream().filter(lease -> lease.leaseId().equals(leaseId)).findFirst().orElseThrow();
  }

  private JsonNode lookup(String leaseId) throws Exception {
    return JSON.readTree(raw("PUT", "/v1/sys/leases/lookup", standIn.rootToken(),
        JSON.writeValueAsString(Map.of("lease_id", leaseId))).body());
  }

  private int lookupStatus(String leaseId) throws Exception {
    return raw("PUT", "/v1/sys/leases/lookup", standIn.rootToken(),
        JSON.writeValueAsString(Map.of("lease_id", leaseId))).statusCode();
  }

  private static JsonNode body(VaultResponse response) throws Exception {
    return JSON.readTree(new String(response.getRestResponse().getBody(), StandardCharsets.UTF_8));
  }

  private HttpResponse<String> raw(String method, String path, String token, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(standIn.address() + path))
        .timeout(Duration.ofSeconds(5))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("X-Vault-Token", token);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }
}

package dev.vigil.cluster.trust;

import static dev.vigil.cluster.TestNodes.api;
import static dev.vigil.cluster.TestNodes.get;
import static dev.vigil.cluster.TestNodes.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.cluster.TestNodes;
import dev.vigil.cluster.VigilNode;
import dev.vigil.persistence.testing.PostgresTestDatabase;

/**
 * {@code VIGIL_SCANNER_ENABLED=false} and {@code VIGIL_SENTINEL_ENABLED=false} (the application.conf substitutions,
 * set here as the keys they fill): nothing is scanned (the scan summary policies see is {@code none}, so a rule on
 * critical findings does not fire and nothing demotes), the scan endpoint says it did not scan, and a looping agent
 * raises no alert.
 */
class SwitchesOffIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ADMIN = "switches-it-admin-key-0123456789abcdef";
  static final String GITHUB_TOKEN = "ghp_aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYz1A2";
  static PostgresTestDatabase pg;
  static VigilNode node;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresTestDatabase.create();
    Map<String, Object> o = TestNodes.baseOverrides(pg.url(), pg.user(), pg.password(),
        Files.createTempDirectory("vigil"));
    o.put("vigil.gateway.bootstrap-admin-key", ADMIN);
    o.put("vigil.scanner.enabled", false);
    o.put("vigil.sentinel.enabled", false);
    o.put("vigil.sentinel.baseline-decisions", 5);
    o.put("vigil.sentinel.baseline-duration", "0s");
    node = VigilNode.start(TestNodes.config(o));
    base = api(node);
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> get(TestNodes.management(node, "ready"), null).statusCode() == 200);
    HttpRequest upload = HttpRequest.newBuilder(URI.create(base + "/v1/policies?activate=true"))
        .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(TrustIT.POLICY)).build();
    assertEquals(201, TestNodes.HTTP.send(upload, HttpResponse.BodyHandlers.ofString()).statusCode());
  }

  @AfterAll
  static void stop() throws Exception {
    TestNodes.stop(node);
    pg.close();
  }

  @Test
  void withScanningOffNothingIsScannedAndWithMonitoringOffNothingAlerts() throws Exception {
    assertEquals(200, send("PUT", base + "/v1/agents/off-1", ADMIN, "{\"displayName\":\"off\"}").statusCode());
    assertEquals(200, send("POST", base + "/v1/agents/off-1/promote", ADMIN, "{\"force\":true}").statusCode());

    HttpResponse<String> scanned = send("POST", base + "/v1/scan", ADMIN,
        JSON.createObjectNode().put("text", "token " + GITHUB_TOKEN).put("mode", "redact").toString());
    assertEquals(200, scanned.statusCode(), scanned.body());
    JsonNode scan = JSON.readTree(scanned.body());
    assertFalse(scan.get("scanned").asBoolean());
    assertEquals("none", scan.get("maxSeverity").asText());
    assertEquals(0, scan.get("findings").size());
    assertFalse(scan.has("redactedText"), "unscanned text is never presented as redacted");

    for (int i = 0; i < 40; i++) {
      HttpResponse<String> r = send("POST", base + "/v1/evaluate", ADMIN, JSON.createObjectNode()
          .put("action", "ticket.comment").put("content", "token " + GITHUB_TOKEN)
          .set("principal", JSON.createObjectNode().put("id", "off-1")).toString());
      assertEquals(200, r.statusCode(), r.body());
      JsonNode decision = JSON.readTree(r.body());
      assertEquals("allow", decision.get("decision").asText(), "the critical-content rule sees scan summary none");
      assertFalse(decision.get("scan").get("scanned").asBoolean());
    }
    JsonNode agent = JSON.readTree(get(base + "/v1/agents/off-1", ADMIN).body());
    assertEquals("read-only", agent.get("phase").asText(), "no finding, no demotion");
    assertEquals(0, agent.get("trust").get("evidence").get("alerts").asInt());
    assertEquals(40, agent.get("trust").get("evidence").get("decisionsTotal").asInt());
    assertTrue(agent.get("trust").get("evidence").path("lastCriticalFindingAt").isMissingNode());
    assertEquals(0, JSON.readTree(get(base + "/v1/alerts?agent=off-1", ADMIN).body()).get("alerts").size());
  }
}

package dev.vigil.cluster.investigations;

import static dev.vigil.cluster.TestNodes.api;
import static dev.vigil.cluster.TestNodes.get;
import static dev.vigil.cluster.TestNodes.management;
import static dev.vigil.cluster.TestNodes.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.cluster.TestNodes;
import dev.vigil.cluster.VigilNode;
import dev.vigil.persistence.testing.PostgresTestDatabase;
import dev.vigil.standins.net.TcpRelay;
import dev.vigil.standins.vault.VaultStandIn;
import dev.vigil.standins.vault.VaultStandInSettings;

/**
 * Investigations are started while PostgreSQL is unreachable (the node reaches it through a relay the test cuts):
 * each start needs a shard that was never allocated, so the Investigation coordinator tries to remember it in the
 * journal and fails. Those starts are refused with 503 and a JSON body. Once the database is back and the node is
 * ready, new starts must be accepted and run: the coordinator has to come back on its own, and {@code /ready} must
 * not say yes before it has.
 */
class InvestigationDatabaseOutageIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ADMIN = "db-outage-it-admin-key-0123456789abcd";

  @Test
  void startsRefusedDuringAnOutageDoNotStopLaterStarts() throws Exception {
    try (PostgresTestDatabase pg = PostgresTestDatabase.create();
         TcpRelay db = new TcpRelay("127.0.0.1", pg.host(), pg.port());
         VaultStandIn vault = VaultStandIn.start(VaultStandInSettings.defaults(Duration.ofMinutes(5),
             Duration.ofMinutes(30)))) {
      Map<String, Object> o = TestNodes.baseOverrides(pg.url("127.0.0.1", db.port()), pg.user(), pg.password(),
          Files.createTempDirectory("vigil-db-outage"));
      int port = TestNodes.freePort();
      o.put("vigil.gateway.port", port);
      o.put("vigil.gateway.bootstrap-admin-key", ADMIN);
      o.put("vigil.investigations.gateway-url", "http://127.0.0.1:" + port);
      o.put("vigil.vault.address", vault.address());
      o.put("vigil.vault.token", vault.rootToken());
      VigilNode node = VigilNode.start(TestNodes.config(o));
      try {
        String base = api(node);
        awaitReady(node, Duration.ofSeconds(30));
        HttpResponse<String> key = send("POST", base + "/v1/keys", ADMIN, "{\"name\":\"ops\",\"role\":\"operator\"}");
        assertEquals(201, key.statusCode(), key.body());
        String operator = JSON.readTree(key.body()).get("key").asText();
        assertEquals(200, send("PUT", base + "/v1/agents/outage-1", operator, "{\"displayName\":\"Outage\"}")
            .statusCode());

        db.cut();
        Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
            .until(() -> get(management(node, "ready"), null).statusCode() != 200);
        // several starts, so that several never-allocated shards are asked for while the journal is down
        for (int i = 0; i < 4; i++) {
          HttpResponse<String> refused = start(base, operator);
          assertEquals(503, refused.statusCode(), refused.body());
          assertTrue(JSON.readTree(refused.body()).hasNonNull("error"), refused.body());
        }

        db.restore();
        awaitReady(node, Duration.ofSeconds(60));
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
          HttpResponse<String> accepted = start(base, operator);
          assertEquals(202, accepted.statusCode(), "start " + i + " after the node was ready again: "
              + accepted.body());
          ids.add(JSON.readTree(accepted.body()).get("investigationId").asText());
        }
        for (String id : ids) {
          Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            HttpResponse<String> r = get(base + "/v1/investigations/" + id, operator);
            return r.statusCode() == 200 && !JSON.readTree(r.body()).get("state").asText().equals("requested");
          });
        }
      } finally {
        TestNodes.stop(node);
      }
    }
  }

  private static HttpResponse<String> start(String base, String operator) throws Exception {
    String body = JSON.createObjectNode().put("agentId", "outage-1").put("image", "local/demo:1")
        .<com.fasterxml.jackson.databind.node.ObjectNode>set("command", JSON.valueToTree(List.of("sleep", "30")))
        .toString();
    return send("POST", base + "/v1/investigations", operator, body);
  }

  private static void awaitReady(VigilNode node, Duration atMost) {
    Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(200))
        .until(() -> get(management(node, "ready"), null).statusCode() == 200);
  }
}

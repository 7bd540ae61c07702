package dev.vigil.cluster.investigations;

import static dev.vigil.cluster.TestNodes.api;
import static dev.vigil.cluster.TestNodes.get;
import static dev.vigil.cluster.TestNodes.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.cluster.TestNodes;
import dev.vigil.cluster.VigilNode;
import dev.vigil.persistence.testing.PostgresTestDatabase;
import dev.vigil.receipt.ChainVerifier;
import dev.vigil.receipt.Receipt;
import dev.vigil.standins.vault.LeaseView;
import dev.vigil.standins.vault.VaultStandIn;
import dev.vigil.standins.vault.VaultStandInSettings;

/**
 * Investigations over HTTP on one dev-profile node (real PostgreSQL, the local job runner, the Vault stand-in): the
 * shipped demo agent runs as the Job and the investigation succeeds with every lease revoked; the agent-facing
 * endpoints answer 401/403/410 as documented; the list comes from the read model.
 */
class InvestigationHttpIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ADMIN = "investigation-http-it-admin-0123456789";
  static final Path DEMO_AGENT = Path.of("..", "demo-agent", "demo-agent.sh").toAbsolutePath().normalize();
  static PostgresTestDatabase pg;
  static VaultStandIn vault;
  static VigilNode node;
  static String base;
  static String operator;
  static Path work;

  static final String POLICY = String.join("\n",
      "schema: vigil/v1", "id: demo", "version: 1.0.0", "default: deny",
      "action_kinds:", "  read: [\"db.query\"]",
      "rules:",
      "  - id: reads", "    action: \"db.query\"", "    effect: allow", "    reason: Reads are fine.",
      "  - id: comments", "    action: \"ticket.comment\"", "    effect: allow", "    reason: Comments are fine.", "");

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresTestDatabase.create();
    vault = VaultStandIn.start(VaultStandInSettings.defaults(Duration.ofMinutes(5), Duration.ofMinutes(30)));
    work = Files.createTempDirectory("vigil-inv-http");
    Map<String, Object> o = TestNodes.baseOverrides(pg.url(), pg.user(), pg.password(), work);
    int port = TestNodes.freePort();
    o.put("vigil.gateway.port", port);
    o.put("vigil.gateway.bootstrap-admin-key", ADMIN);
    o.put("vigil.investigations.gateway-url", "http://127.0.0.1:" + port);
    o.put("vigil.vault.address", vault.address());
    o.put("vigil.vault.token", vault.rootToken());
    o.put("jdbc-read-journal.refresh-interval", "200ms");
    // monitoring learns from 5 decisions, so a new kind of action is a (high) new-family alert that pauses
    o.put("vigil.sentinel.baseline-decisions", 5);
    o.put("vigil.sentinel.baseline-duration", "0s");
    node = VigilNode.start(TestNodes.config(o));
    base = api(node);
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> get(TestNodes.management(node, "ready"), null).statusCode() == 200);
    HttpRequest upload = HttpRequest.newBuilder(URI.create(base + "/v1/policies?activate=true"))
        .header("Authorization", "Bearer " + ADMIN).header("Content-Type", "application/yaml")
        .POST(HttpRequest.BodyPublishers.ofString(POLICY)).build();
    assertEquals(201, TestNodes.HTTP.send(upload, HttpResponse.BodyHandlers.ofString()).statusCode());
    HttpResponse<String> key = send("POST", base + "/v1/keys", ADMIN, "{\"name\":\"ops\",\"role\":\"operator\"}");
    operator = JSON.readTree(key.body()).get("key").asText();
    assertEquals(200, send("PUT", base + "/v1/agents/demo-1", operator, "{\"displayName\":\"Demo\"}").statusCode());
  }

  @AfterAll
  static void stop() throws Exception {
    TestNodes.stop(node);
    if (vault != null) {
      vault.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  static JsonNode investigation(String id) throws Exception {
    HttpResponse<String> r = get(base + "/v1/investigations/" + id, operator);
    assertEquals(200, r.statusCode(), r.body());
    return json(r);
  }

  static JsonNode awaitState(String id, String state) throws Exception {
    Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
        .until(() -> investigation(id).get("state").asText().equals(state));
    return investigation(id);
  }

  static String startInvestigation(List<String> command) throws Exception {
    return startInvestigation("demo-1", command);
  }

  static String startInvestigation(String agentId, List<String> command) throws Exception {
    String body = JSON.createObjectNode().put("agentId", agentId).put("image", "local/demo:1")
        .<com.fasterxml.jackson.databind.node.ObjectNode>set("command", JSON.valueToTree(command)).toString();
    HttpResponse<String> started = send("POST", base + "/v1/investigations", operator, body);
    assertEquals(202, started.statusCode(), started.body());
    String id = json(started).get("investigationId").asText();
    assertEquals("/v1/investigations/" + id, started.headers().firstValue("Location").orElse(""));
    return id;
  }

  @Test
  void theDemoAgentRunsAsALocalJobAndTheInvestigationSucceedsWithEveryLeaseRevoked() throws Exception {
    String id = startInvestigation(List.of("sh", DEMO_AGENT.toString()));
    JsonNode ended = awaitState(id, "succeeded");
    assertEquals("shadow", ended.get("phase").asText(), "a new agent starts in the shadow phase");
    assertEquals("agent-phase-shadow", ended.get("serviceAccount").asText());
    assertEquals(2, ended.get("decisions").asInt(), "the demo agent asked about two actions");
    List<String> leaseIds = new ArrayList<>();
    ended.get("leases").forEach(l -> {
      assertFalse(l.get("revokedAt").isNull(), "every lease has a revocation: " + l);
      assertFalse(l.toString().contains("api_key"), "no secret in the view");
      leaseIds.add(l.get("leaseId").asText());
    });
    assertFalse(leaseIds.isEmpty());
    assertTrue(vault.leases().stream().filter(l -> leaseIds.contains(l.leaseId()))
        .allMatch(l -> l.state() == LeaseView.State.REVOKED), "Vault confirms every lease revoked");
    String log = Files.readString(work.resolve("jobs").resolve("investigation-" + id + ".log"));
    assertTrue(log.contains("demo-agent: db.query on db/orders -> effect shadow (policy: allow)"), log);
    assertTrue(log.contains("demo-agent: done"), log);

    // the read model lists it, and its receipts were copied into vigil_receipts and verify
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
      JsonNode list = json(get(base + "/v1/investigations?state=succeeded&agent=demo-1", operator));
      for (JsonNode row : list.get("investigations")) {
        if (row.get("investigationId").asText().equals(id)) {
          return row.get("decisions").asInt() == 2 && row.get("phase").asText().equals("shadow");
        }
      }
      return false;
    });
    List<Receipt> receipts = node.database().runBlocking(c -> {
      List<Receipt> found = new ArrayList<>();
      try (var q = c.prepareStatement("SELECT body_json FROM vigil_receipts WHERE chain_id = ? ORDER BY sequence")) {
        q.setString(1, "investigation:" + id);
        try (var rs = q.executeQuery()) {
          while (rs.next()) {
            found.add(Receipt.fromJson(JSON.readTree(rs.getString(1))));
          }
        }
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      return found;
    });
    assertEquals(2, receipts.size());
    assertTrue(ChainVerifier.verify("investigation:" + id, receipts).firstProblem().isEmpty());
  }

  @Test
  void theAgentsEndpointsAuthenticateWithTheInvestigationsOwnTokens() throws Exception {
    Path tokenFile = work.resolve("bootstrap-" + System.nanoTime());
    String id = startInvestigation(List.of("sh", "-c",
        "printf %s \"$VIGIL_BOOTSTRAP_TOKEN\" > " + tokenFile + "; exec sleep 120"));
    awaitState(id, "running");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(tokenFile)
        && Files.readString(tokenFile).startsWith("vgb."));
    String bootstrap = Files.readString(tokenFile);
    String api = base + "/v1/investigations/" + id;

    assertEquals(401, send("POST", api + "/token", null, null).statusCode(), "no token");
    assertEquals(401, send("POST", api + "/token", "vgb." + id + ".guessed", null).statusCode(), "wrong token");
    assertEquals(403, send("POST", base + "/v1/investigations/other-1/token", bootstrap, null).statusCode(),
        "another investigation's id");
    HttpResponse<String> exchanged = send("POST", api + "/token", bootstrap, null);
    assertEquals(200, exchanged.statusCode(), exchanged.body());
    String token = json(exchanged).get("token").asText();
    assertEquals(401, send("POST", api + "/token", bootstrap, null).statusCode(), "the bootstrap token is single-use");

    HttpResponse<String> llm = get(api + "/credentials/llm", token);
    assertEquals(200, llm.statusCode(), llm.body());
    String apiKey = json(llm).get("secret").get("api_key").asText();
    assertTrue(vault.checkCredential(Map.of("api_key", apiKey)), "the credential works while the Job runs");
    assertEquals(403, get(api + "/credentials/database", token).statusCode(), "shadow has no database domain");
    assertEquals(403, get(base + "/v1/investigations/other-1/credentials/llm", token).statusCode());
    assertEquals(401, get(api + "/credentials/llm", null).statusCode());
    assertEquals(401, get(api + "/credentials/llm", "vgi." + id + ".forged").statusCode());
    assertEquals(401, get(api + "/credentials/llm", ADMIN).statusCode(), "an API key is not an investigation token");

    HttpResponse<String> action = send("POST", api + "/actions", token,
        "{\"action\":\"db.query\",\"resource\":\"db/orders\",\"parameters\":{\"limit\":3}}");
    assertEquals(200, action.statusCode(), action.body());
    assertEquals("shadow", json(action).get("effect").asText());
    assertEquals("investigation:" + id, json(action).get("receipt").get("chainId").asText());
    HttpResponse<String> invalid = send("POST", api + "/actions", token, "{\"parameters\":[]}");
    assertEquals(400, invalid.statusCode());
    assertEquals(3, json(invalid).get("details").size(), "action, resource and parameters: " + invalid.body());

    HttpResponse<String> cancelled = send("POST", api + "/cancel", operator, "{\"reason\":\"test over\"}");
    assertEquals(200, cancelled.statusCode(), cancelled.body());
    JsonNode ended = awaitState(id, "cancelled");
    assertEquals("test over", ended.get("reason").asText());
    assertEquals(410, get(api + "/credentials/llm", token).statusCode(), "gone after the end");
    assertEquals(410, send("POST", api + "/actions", token, "{\"action\":\"db.query\",\"resource\":\"x\"}")
        .statusCode());
    assertFalse(vault.checkCredential(Map.of("api_key", apiKey)), "revoked with the investigation");
    assertEquals(409, send("POST", api + "/cancel", operator, null).statusCode(), "already ended");
  }

  static final String GITHUB_TOKEN = "ghp_aB3dE5fG7hJ9kL1mN2pQ4rS6tU8vW0xYz1A2";

  @Test
  void anAlertPausesTheAgentsCallsUntilAnOperatorResumesAndActionsAreScanned() throws Exception {
    assertEquals(200, send("PUT", base + "/v1/agents/pause-1", operator, "{\"displayName\":\"P\"}").statusCode());
    Path tokenFile = work.resolve("bootstrap-" + System.nanoTime());
    String id = startInvestigation("pause-1", List.of("sh", "-c",
        "printf %s \"$VIGIL_BOOTSTRAP_TOKEN\" > " + tokenFile + "; exec sleep 120"));
    awaitState(id, "running");
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(tokenFile)
        && Files.readString(tokenFile).startsWith("vgb."));
    String api = base + "/v1/investigations/" + id;
    HttpResponse<String> exchanged = send("POST", api + "/token", Files.readString(tokenFile), null);
    String token = json(exchanged).get("token").asText();
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> get(api + "/credentials/llm", token)
        .statusCode() == 200);

    // the pause finds the agent's investigations in the read model, so wait for the projection to list this one
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() ->
        json(get(base + "/v1/investigations?state=running&agent=pause-1", operator)).get("investigations")
            .toString().contains(id));
    String query = "{\"action\":\"db.query\",\"resource\":\"db/orders\",\"parameters\":{\"limit\":3}}";
    for (int i = 0; i < 5; i++) {
      assertEquals(200, send("POST", api + "/actions", token, query).statusCode(), "baseline decision " + i);
    }
    // a kind of action the baseline never saw: a high new-family alert, which pauses (pause-investigations-at high)
    HttpResponse<String> hijacked = send("POST", api + "/actions", token,
        "{\"action\":\"ticket.comment\",\"resource\":\"ticket/1\"}");
    // the alert is raised while this action is decided; if the pause lands first, the action itself is refused
    assertTrue(hijacked.statusCode() == 200 || hijacked.statusCode() == 423, hijacked.body());
    int decided = hijacked.statusCode() == 200 ? 6 : 5;
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
        .until(() -> get(api + "/credentials/llm", token).statusCode() == 423);
    HttpResponse<String> locked = send("POST", api + "/actions", token, query);
    assertEquals(423, locked.statusCode(), locked.body());
    assertEquals("paused", json(locked).get("error").asText());
    assertTrue(json(locked).get("message").asText().contains("pause-1:") && locked.body().contains("new-family"),
        "names the alert: " + locked.body());
    assertEquals("paused", json(get(api + "/credentials/llm", token)).get("error").asText());
    JsonNode paused = investigation(id);
    assertEquals("running", paused.get("state").asText(), "the Job keeps running: its deadline still bounds it");
    assertTrue(paused.get("pausedBy").asText().contains("family-mix/new-family"), paused.toString());

    HttpResponse<String> resumed = send("POST", api + "/resume", operator, "{\"reason\":\"reviewed the comment\"}");
    assertEquals(200, resumed.statusCode(), resumed.body());
    assertTrue(json(resumed).path("pausedBy").isMissingNode() || json(resumed).get("pausedBy").isNull(),
        resumed.body());
    assertEquals(409, send("POST", api + "/resume", operator, null).statusCode(), "not paused any more");
    assertEquals(200, get(api + "/credentials/llm", token).statusCode());

    // content and string parameters are scanned as /v1/evaluate scans them; the finding is in the reply
    HttpResponse<String> secret = send("POST", api + "/actions", token, JSON.createObjectNode()
        .put("action", "db.query").put("resource", "db/orders").put("content", "use " + GITHUB_TOKEN)
        .toString());
    assertEquals(200, secret.statusCode(), secret.body());
    JsonNode scan = json(secret).get("scan");
    assertTrue(scan.get("scanned").asBoolean(), secret.body());
    assertEquals("critical", scan.get("maxSeverity").asText(), secret.body());
    assertEquals("content", scan.get("findings").get(0).get("field").asText(), secret.body());
    assertFalse(secret.body().contains(GITHUB_TOKEN), "the reply never repeats the secret");
    assertEquals("critical", json(secret).get("receipt").get("body").get("scanMaxSeverity").asText());
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> json(get(base + "/v1/agents/pause-1", operator))
        .get("trust").get("evidence").get("criticalFindings").asInt() == 1);

    // pausing and resuming are receipts in the investigation's chain, which still verifies
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
        .until(() -> chain(id).size() == decided + 3);
    List<Receipt> receipts = chain(id);
    List<String> kinds = new ArrayList<>(java.util.Collections.nCopies(decided, "decision"));
    kinds.addAll(List.of("investigation.paused", "investigation.resumed", "decision"));
    assertEquals(kinds, receipts.stream().map(Receipt::kind).toList());
    assertTrue(ChainVerifier.verify("investigation:" + id, receipts).firstProblem().isEmpty());
    assertEquals(200, send("POST", api + "/cancel", operator, null).statusCode());
  }

  static List<Receipt> chain(String id) throws Exception {
    return node.database().runBlocking(c -> {
      List<Receipt> found = new ArrayList<>();
      try (var q = c.prepareStatement("SELECT body_json FROM vigil_receipts WHERE chain_id = ? ORDER BY sequence")) {
        q.setString(1, "investigation:" + id);
        try (var rs = q.executeQuery()) {
          while (rs.next()) {
            found.add(Receipt.fromJson(JSON.readTree(rs.getString(1))));
          }
        }
      } catch (java.io.IOException e) {
        throw new IllegalStateException(e);
      }
      return found;
    });
  }

  @Test
  void operatorsGetEveryProblemOfABadRequestAndAgentKeysMayNotStartInvestigations() throws Exception {
    HttpResponse<String> bad = send("POST", base + "/v1/investigations", operator,
        "{\"agentId\":\"a b\",\"command\":\"ls\",\"deadlineSeconds\":-1,\"resources\":{\"gpu\":\"1\"},"
            + "\"env\":{\"VIGIL_BOOTSTRAP_TOKEN\":\"x\"}}");
    assertEquals(400, bad.statusCode());
    Set<String> fields = new java.util.TreeSet<>();
    json(bad).get("details").forEach(d -> fields.add(d.get("field").asText()));
    assertEquals(Set.of("agentId", "image", "command", "deadlineSeconds", "resources.gpu", "env.VIGIL_BOOTSTRAP_TOKEN"),
        fields, bad.body());
    HttpResponse<String> agentKey = send("POST", base + "/v1/keys", ADMIN,
        "{\"name\":\"a\",\"role\":\"agent\",\"agentId\":\"demo-1\"}");
    String agent = json(agentKey).get("key").asText();
    assertEquals(403, send("POST", base + "/v1/investigations", agent,
        "{\"agentId\":\"demo-1\",\"image\":\"x\"}").statusCode());
    assertEquals(404, get(base + "/v1/investigations/never-started", operator).statusCode());
    assertEquals(400, get(base + "/v1/investigations?state=sleeping", operator).statusCode());

    HttpResponse<String> unknownAgent = send("POST", base + "/v1/investigations", operator,
        "{\"agentId\":\"nobody\",\"image\":\"x\",\"command\":[\"true\"]}");
    assertEquals(202, unknownAgent.statusCode());
    JsonNode rejected = awaitState(json(unknownAgent).get("investigationId").asText(), "rejected");
    assertNotNull(rejected.get("reason"));
  }
}

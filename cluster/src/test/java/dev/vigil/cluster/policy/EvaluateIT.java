package dev.vigil.cluster.policy;

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
import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.vigil.cluster.TestNodes;
import dev.vigil.cluster.VigilNode;
import dev.vigil.persistence.testing.PostgresTestDatabase;

/**
 * Policies and decisions end to end on one node with a real PostgreSQL: upload (YAML and JSON, invalid ones rejected
 * with every error), activation, evaluation through the agent entity and the policy pool, explanations, rate limits,
 * receipts read back and verified, tampering detected, shadow evaluation reported.
 */
class EvaluateIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ADMIN = "evaluate-it-admin-key-0123456789abcdef";
  static PostgresTestDatabase pg;
  static VigilNode node;
  static String base;

  static final String POLICY = String.join("\n",
      "schema: vigil/v1",
      "id: ops",
      "name: Operations",
      "version: 1.0.0",
      "default: deny",
      "action_kinds:",
      "  read: [\"file.read\", \"db.query\"]",
      "rules:",
      "  - id: no-prod-writes",
      "    action: \"file.write\"",
      "    effect: deny",
      "    reason: Production is read-only.",
      "    when:",
      "      resource: \"prod/**\"",
      "  - id: reads",
      "    action: [\"file.read\", \"db.query\"]",
      "    effect: allow",
      "    reason: Reads are fine.",
      "  - id: writes",
      "    action: \"file.write\"",
      "    effect: allow",
      "    reason: Writes outside prod are fine.",
      "  - id: payments",
      "    action: \"payment.send\"",
      "    effect: escalate",
      "    reason: A human approves payments.",
      "    approval: {approvers: [finance], required_approvals: 1, expires_in: 30m}",
      "  - id: tickets",
      "    action: \"ticket.create\"",
      "    effect: allow",
      "    reason: Tickets are allowed, three a minute.",
      "    rate_limit: {requests: 3, window: 1m, scope: principal}",
      "  - id: broadcasts",
      "    action: \"broadcast.send\"",
      "    effect: allow",
      "    reason: Two broadcasts a minute, whoever sends them.",
      "    rate_limit: {requests: 2, window: 1m, scope: global}",
      "");

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresTestDatabase.create();
    Map<String, Object> o = TestNodes.baseOverrides(pg.url(), pg.user(), pg.password(), Files.createTempDirectory("vigil"));
    o.put("vigil.gateway.bootstrap-admin-key", ADMIN);
    o.put("vigil.policy.shadow-flush-interval", "200ms");
    node = VigilNode.start(TestNodes.config(o));
    base = api(node);
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> get(TestNodes.management(node, "ready"), null).statusCode() == 200);
    HttpResponse<String> uploaded = yaml("/v1/policies?activate=true", POLICY);
    assertEquals(201, uploaded.statusCode(), uploaded.body());
  }

  @AfterAll
  static void stop() throws Exception {
    TestNodes.stop(node);
    pg.close();
  }

  static HttpResponse<String> yaml(String path, String body) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + ADMIN)
        .header("Content-Type", "application/yaml").POST(HttpRequest.BodyPublishers.ofString(body)).build();
    return TestNodes.HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  static JsonNode evaluate(String agent, String action, String resource) throws Exception {
    ObjectNode body = JSON.createObjectNode().put("action", action);
    if (resource != null) {
      body.put("resource", resource);
    }
    body.putObject("principal").put("id", agent);
    HttpResponse<String> r = send("POST", base + "/v1/evaluate", ADMIN, body.toString());
    assertEquals(200, r.statusCode(), r.body());
    return JSON.readTree(r.body());
  }

  @Test
  void decisionsNameTheirRulePolicyAndReceiptAndExplainThemselves() throws Exception {
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
        evaluate("agent-x", "file.read", "prod/app.log").get("decision").asText().equals("allow"));
    long inPlaceBefore = node.policyClient().evaluatedInPlace();
    long poolBefore = node.policyClient().sentToPool();
    JsonNode allowed = evaluate("agent-a", "file.read", "prod/app.log");
    assertEquals("allow", allowed.get("decision").asText());
    assertEquals("reads", allowed.get("rule").asText());
    assertEquals("ops", allowed.get("policy").get("id").asText());
    assertEquals("1.0.0", allowed.get("policy").get("version").asText());
    assertEquals(64, allowed.get("policy").get("sha256").asText().length());
    assertEquals("read", allowed.get("actionKind").asText());
    assertTrue(allowed.get("receiptId").asText().startsWith("agent:agent-a:"));

    JsonNode denied = evaluate("agent-a", "file.write", "prod/config.yaml");
    assertEquals("deny", denied.get("decision").asText());
    assertEquals("Production is read-only.", denied.get("reason").asText());
    assertEquals("no-prod-writes", denied.get("explanation").get("decidingRule").asText());
    assertTrue(denied.get("explanation").get("rulesConsidered").size() >= 1);

    JsonNode escalated = evaluate("agent-a", "payment.send", null);
    assertEquals("escalate", escalated.get("decision").asText());
    assertEquals("finance", escalated.get("approval").get("approvers").get(0).asText());

    JsonNode unmatched = evaluate("agent-a", "shell.exec", null);
    assertEquals("deny", unmatched.get("decision").asText(), "fail closed");
    assertFalse(unmatched.has("rule"), "no rule decided: the policy's default did");

    // the node has every role: its Agent entities evaluated on their own threads, none through a worker actor
    assertEquals(inPlaceBefore + 4, node.policyClient().evaluatedInPlace());
    assertEquals(poolBefore, node.policyClient().sentToPool());
  }

  @Test
  void authensorEnvelopesAreAcceptedAndAgentKeysDecideOnlyForThemselves() throws Exception {
    HttpResponse<String> key = send("POST", base + "/v1/keys", ADMIN, "{\"name\":\"bot\",\"role\":\"agent\",\"agentId\":\"bot-7\"}");
    String agentKey = JSON.readTree(key.body()).get("key").asText();
    String envelope = "{\"action\":{\"type\":\"db.query\",\"resource\":\"orders\",\"operation\":\"read\",\"parameters\":{\"limit\":5}},"
        + "\"principal\":{\"type\":\"agent\",\"id\":\"bot-7\"},\"context\":{\"env\":\"prod\"}}";
    HttpResponse<String> r = send("POST", base + "/v1/evaluate", agentKey, envelope);
    assertEquals(200, r.statusCode(), r.body());
    assertEquals("allow", JSON.readTree(r.body()).get("decision").asText());
    assertEquals("bot-7", JSON.readTree(r.body()).get("agentId").asText());
    HttpResponse<String> other = send("POST", base + "/v1/evaluate", agentKey,
        "{\"action\":\"db.query\",\"principal\":{\"id\":\"someone-else\"}}");
    assertEquals(403, other.statusCode());
    HttpResponse<String> invalid = send("POST", base + "/v1/evaluate", ADMIN, "{\"parameters\":[1]}");
    assertEquals(400, invalid.statusCode());
    assertTrue(invalid.body().contains("\"action\"") && invalid.body().contains("principal.id"), invalid.body());
  }

  @Test
  void rateLimitsCountPerAgentAcrossRequests() throws Exception {
    for (int i = 0; i < 3; i++) {
      assertEquals("allow", evaluate("ticketer", "ticket.create", null).get("decision").asText());
    }
    JsonNode fourth = evaluate("ticketer", "ticket.create", null);
    assertEquals("deny", fourth.get("decision").asText());
    assertTrue(fourth.get("explanation").has("limitExceeded"), fourth.toString());
    assertEquals("allow", evaluate("other-ticketer", "ticket.create", null).get("decision").asText(),
        "another agent has its own count");
  }

  @Test
  void aGlobalLimitIsSharedByEveryAgent() throws Exception {
    assertEquals("allow", evaluate("sender-1", "broadcast.send", null).get("decision").asText());
    assertEquals("allow", evaluate("sender-2", "broadcast.send", null).get("decision").asText());
    JsonNode third = evaluate("sender-3", "broadcast.send", null);
    assertEquals("deny", third.get("decision").asText(), third.toString());
    assertTrue(third.get("reason").asText().contains("shared by all principals"), third.toString());
  }

  @Test
  void receiptsChainVerifyAndTamperingIsDetected() throws Exception {
    for (int i = 0; i < 5; i++) {
      evaluate("audited", i % 2 == 0 ? "file.read" : "file.write", "tmp/x" + i);
    }
    JsonNode chain = JSON.readTree(get(base + "/v1/receipts?agent=audited", ADMIN).body());
    assertEquals(5, chain.get("receipts").size());
    JsonNode first = chain.get("receipts").get(0);
    assertEquals("0".repeat(64), first.get("prevHash").asText());
    assertEquals(first.get("hash").asText(), chain.get("receipts").get(1).get("prevHash").asText());
    JsonNode one = JSON.readTree(get(base + "/v1/receipts/agent:audited:3", ADMIN).body());
    assertEquals(3, one.get("sequence").asLong());

    JsonNode stored = JSON.readTree(send("POST", base + "/v1/receipts/verify", ADMIN, "{\"agent\":\"audited\"}").body());
    assertTrue(stored.get("valid").asBoolean(), stored.toString());
    assertEquals(5, stored.get("count").asInt());
    JsonNode range = JSON.readTree(send("POST", base + "/v1/receipts/verify", ADMIN,
        "{\"agent\":\"audited\",\"from\":3,\"to\":4}").body());
    assertTrue(range.get("valid").asBoolean(), range.toString());
    assertEquals(2, range.get("count").asInt());

    ObjectNode export = (ObjectNode) chain.deepCopy();
    assertTrue(JSON.readTree(send("POST", base + "/v1/receipts/verify", ADMIN, export.toString()).body()).get("valid").asBoolean());
    ((ObjectNode) export.get("receipts").get(2).get("body")).put("decision", "escalate");
    JsonNode tampered = JSON.readTree(send("POST", base + "/v1/receipts/verify", ADMIN, export.toString()).body());
    assertFalse(tampered.get("valid").asBoolean());
    assertEquals("HASH_MISMATCH", tampered.get("problems").get(0).get("kind").asText());
    ObjectNode deleted = (ObjectNode) chain.deepCopy();
    ((com.fasterxml.jackson.databind.node.ArrayNode) deleted.get("receipts")).remove(1);
    JsonNode gap = JSON.readTree(send("POST", base + "/v1/receipts/verify", ADMIN, deleted.toString()).body());
    assertFalse(gap.get("valid").asBoolean());
  }

  @Test
  void invalidPoliciesAreRejectedWithEveryErrorAndNothingIsStored() throws Exception {
    String broken = String.join("\n",
        "schema: vigil/v1",
        "id: broken",
        "version: 1",
        "rules:",
        "  - id: a",
        "    action: \"file.*\"",
        "    effect: maybe",
        "  - id: b",
        "    action: \"file.read\"",
        "    effect: allow",
        "    phases: [sideways]",
        "  - id: c",
        "    action: \"x\"",
        "    effect: deny",
        "    when: {parameters: {amount: {gt: \"lots\"}}}",
        "");
    HttpResponse<String> r = yaml("/v1/policies", broken);
    assertEquals(400, r.statusCode(), r.body());
    JsonNode body = JSON.readTree(r.body());
    assertTrue(body.get("details").size() >= 3, r.body());
    for (JsonNode detail : body.get("details")) {
      assertNotNull(detail.get("line"), "each error has its line: " + detail);
    }
    assertEquals(404, get(base + "/v1/policies/broken", ADMIN).statusCode(), "never half-loaded");
  }

  @Test
  void aShadowCandidateIsEvaluatedBesideTheActivePolicyAndReported() throws Exception {
    String stricter = POLICY.replace("version: 1.0.0", "version: 1.1.0")
        .replace("    reason: Writes outside prod are fine.", "    reason: Writes outside prod are fine.\n    when:\n      resource: \"tmp/**\"");
    HttpResponse<String> up = yaml("/v1/policies", stricter);
    assertEquals(201, up.statusCode(), up.body());
    int revision = JSON.readTree(up.body()).get("revision").asInt();
    HttpResponse<String> shadow = send("POST", base + "/v1/policies/ops/shadow", ADMIN, "{\"revision\":" + revision + "}");
    assertEquals(200, shadow.statusCode(), shadow.body());
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> {
      evaluate("shadowed", "file.write", "home/notes.txt");
      JsonNode report = JSON.readTree(get(base + "/v1/policies/ops/shadow-report", ADMIN).body());
      return report.get("disagreed").asLong() >= 1;
    });
    JsonNode report = JSON.readTree(get(base + "/v1/policies/ops/shadow-report", ADMIN).body());
    JsonNode disagreement = report.get("latestDisagreements").get(0);
    assertEquals("allow", disagreement.get("activeEffect").asText());
    assertEquals("deny", disagreement.get("shadowEffect").asText());
    assertEquals("allow", evaluate("shadowed", "file.write", "home/notes.txt").get("decision").asText(),
        "the active policy still decides");
  }
}

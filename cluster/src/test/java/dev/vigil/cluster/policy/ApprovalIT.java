package dev.vigil.cluster.policy;

import static dev.vigil.cluster.TestNodes.api;
import static dev.vigil.cluster.TestNodes.get;
import static dev.vigil.cluster.TestNodes.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * Approvals on one node with a real PostgreSQL: only named approvers vote, N approvals are needed, any reject ends
 * it, expiry denies, the approved request is evaluated again under the policy active at that moment (a tightened
 * policy wins), and every step is a receipt in the agent's chain, which verifies.
 */
class ApprovalIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ADMIN = "approval-it-admin-key-0123456789abcdef";
  static PostgresTestDatabase pg;
  static VigilNode node;
  static String base;
  static String alice;
  static String bob;
  static String eve;

  static String policy(String version, String paymentsEffect) {
    return "{\"schema\":\"vigil/v1\",\"id\":\"money\",\"version\":\"" + version + "\",\"rules\":["
        + "{\"id\":\"payments\",\"action\":\"payment.send\",\"effect\":\"" + paymentsEffect + "\",\"reason\":\"payments need two humans\""
        + (paymentsEffect.equals("escalate")
            ? ",\"approval\":{\"approvers\":[\"alice\",\"bob\"],\"required_approvals\":2,\"expires_in\":\"10m\"}}," : "},")
        + "{\"id\":\"refunds\",\"action\":\"refund.send\",\"effect\":\"escalate\",\"reason\":\"quick check\","
        + "\"approval\":{\"approvers\":[],\"required_approvals\":1,\"expires_in\":\"1s\"}}]}";
  }

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresTestDatabase.create();
    Map<String, Object> o = TestNodes.baseOverrides(pg.url(), pg.user(), pg.password(), Files.createTempDirectory("vigil"));
    o.put("vigil.gateway.bootstrap-admin-key", ADMIN);
    o.put("vigil.approvals.sweep-interval", "300ms");
    node = VigilNode.start(TestNodes.config(o));
    base = api(node);
    Awaitility.await().atMost(Duration.ofSeconds(30))
        .until(() -> get(TestNodes.management(node, "ready"), null).statusCode() == 200);
    assertEquals(201, send("POST", base + "/v1/policies?activate=true", ADMIN, policy("1", "escalate")).statusCode());
    alice = key("alice");
    bob = key("bob");
    eve = key("eve");
  }

  @AfterAll
  static void stop() throws Exception {
    TestNodes.stop(node);
    pg.close();
  }

  static String key(String name) throws Exception {
    HttpResponse<String> r = send("POST", base + "/v1/keys", ADMIN, "{\"name\":\"" + name + "\",\"role\":\"operator\"}");
    return JSON.readTree(r.body()).get("key").asText();
  }

  static JsonNode escalate(String agent, String action) throws Exception {
    HttpResponse<String> r = send("POST", base + "/v1/evaluate", ADMIN,
        "{\"action\":\"" + action + "\",\"parameters\":{\"amount\":250},\"principal\":{\"id\":\"" + agent + "\"}}");
    assertEquals(200, r.statusCode(), r.body());
    JsonNode decision = JSON.readTree(r.body());
    assertEquals("escalate", decision.get("decision").asText(), r.body());
    return decision.get("approval");
  }

  static HttpResponse<String> answer(String key, String id, String decision) throws Exception {
    return send("POST", base + "/v1/approvals/" + id, key, "{\"decision\":\"" + decision + "\",\"comment\":\"ok by me\"}");
  }

  static List<String> receiptKinds(String agent) throws Exception {
    List<String> kinds = new ArrayList<>();
    for (JsonNode receipt : JSON.readTree(get(base + "/v1/receipts?agent=" + agent, ADMIN).body()).get("receipts")) {
      kinds.add(receipt.get("kind").asText());
    }
    return kinds;
  }

  @Test
  void namedApproversMustReachTheRequiredCountAndTheRequestIsEvaluatedAgain() throws Exception {
    JsonNode approval = escalate("payer-1", "payment.send");
    String id = approval.get("approvalId").asText();
    assertEquals("pending", approval.get("state").asText());
    assertEquals(2, approval.get("requiredApprovals").asInt());

    assertEquals(403, answer(eve, id, "approve").statusCode(), "eve is not a named approver");
    HttpResponse<String> first = answer(alice, id, "approve");
    assertEquals(200, first.statusCode(), first.body());
    assertEquals("pending", JSON.readTree(first.body()).get("state").asText());
    assertEquals(409, answer(alice, id, "approve").statusCode(), "one vote per approver");
    HttpResponse<String> second = answer(bob, id, "approve");
    JsonNode approved = JSON.readTree(second.body());
    assertEquals("approved", approved.get("state").asText(), second.body());
    assertEquals("allow", approved.get("finalDecision").asText());
    assertEquals(409, answer(bob, id, "reject").statusCode(), "closed approvals take no more answers");

    assertEquals(List.of("decision", "approval.opened", "approval.vote", "approval.vote", "decision", "approval.closed"),
        receiptKinds("payer-1"));
    JsonNode verified = JSON.readTree(send("POST", base + "/v1/receipts/verify", ADMIN, "{\"agent\":\"payer-1\"}").body());
    assertTrue(verified.get("valid").asBoolean(), verified.toString());
  }

  @Test
  void aReEvaluationLeftUnfinishedByADeadNodeIsFinishedOnceByTheSweep() throws Exception {
    String id = escalate("payer-4", "payment.send").get("approvalId").asText();
    // the node that counted the deciding vote died before re-evaluating: approved, no final decision, votes long ago
    try (Connection c = DriverManager.getConnection(pg.url(), pg.user(), pg.password())) {
      try (PreparedStatement u = c.prepareStatement("UPDATE vigil_approvals SET state = 'approved' WHERE approval_id = ?")) {
        u.setString(1, id);
        assertEquals(1, u.executeUpdate());
      }
      for (String voter : List.of("alice", "bob")) {
        try (PreparedStatement i = c.prepareStatement("INSERT INTO vigil_approval_votes (approval_id, voter_key_id, "
            + "voter_name, vote, comment, voted_at) VALUES (?, ?, ?, 'approve', NULL, ?)")) {
          i.setString(1, id);
          i.setString(2, "key-of-" + voter);
          i.setString(3, voter);
          i.setTimestamp(4, Timestamp.from(Instant.now().minus(Duration.ofHours(1))));
          i.executeUpdate();
        }
      }
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
        JSON.readTree(get(base + "/v1/approvals/" + id, ADMIN).body()).path("finalDecision").asText().equals("allow"));
    List<String> once = List.of("decision", "approval.opened", "decision", "approval.closed");
    // through several more sweeps (every 300 ms), none finishes it again
    Awaitility.await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(250)).until(() -> receiptKinds("payer-4").equals(once));
  }

  @Test
  void anyRejectEndsItAsADeny() throws Exception {
    String id = escalate("payer-2", "payment.send").get("approvalId").asText();
    JsonNode rejected = JSON.readTree(answer(bob, id, "reject").body());
    assertEquals("rejected", rejected.get("state").asText());
    assertEquals("deny", rejected.get("finalDecision").asText());
    assertEquals(409, answer(alice, id, "approve").statusCode());
  }

  @Test
  void anUnansweredApprovalExpiresAsADenyAndTheAgentSeesIt() throws Exception {
    HttpResponse<String> k = send("POST", base + "/v1/keys", ADMIN, "{\"name\":\"r\",\"role\":\"agent\",\"agentId\":\"refunder\"}");
    String agentKey = JSON.readTree(k.body()).get("key").asText();
    HttpResponse<String> r = send("POST", base + "/v1/evaluate", agentKey, "{\"action\":\"refund.send\"}");
    String id = JSON.readTree(r.body()).get("approval").get("approvalId").asText();
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() ->
        JSON.readTree(get(base + "/v1/approvals/" + id, agentKey).body()).get("state").asText().equals("expired"));
    JsonNode expired = JSON.readTree(get(base + "/v1/approvals/" + id, agentKey).body());
    assertEquals("deny", expired.get("finalDecision").asText());
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> receiptKinds("refunder").contains("approval.closed"));
    assertEquals(1, JSON.readTree(get(base + "/v1/approvals?state=expired", agentKey).body()).get("approvals").size(),
        "an agent lists only its own approvals");
  }

  @Test
  void aPolicyTightenedWhileWaitingWins() throws Exception {
    String id = escalate("payer-3", "payment.send").get("approvalId").asText();
    assertEquals(201, send("POST", base + "/v1/policies?activate=true", ADMIN, policy("2", "deny")).statusCode());
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() ->
        node.policyRegistry().current().active().policies().get(0).version().equals("2"));
    answer(alice, id, "approve");
    JsonNode closed = JSON.readTree(answer(bob, id, "approve").body());
    assertEquals("approved", closed.get("state").asText());
    assertEquals("deny", closed.get("finalDecision").asText(), closed.toString());
    assertTrue(closed.get("finalReason").asText().contains("policy active now denies"));
    assertEquals(201, send("POST", base + "/v1/policies?activate=true", ADMIN, policy("1", "escalate")).statusCode());
  }
}

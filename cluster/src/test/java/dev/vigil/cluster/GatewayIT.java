package dev.vigil.cluster;

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
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.cluster.gateway.Endpoint;
import dev.vigil.persistence.testing.PostgresTestDatabase;

/** The HTTP gateway of one node on a real PostgreSQL database, called over a real socket. */
class GatewayIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ADMIN = "gateway-it-admin-key-0123456789abcdef";
  static PostgresTestDatabase pg;
  static VigilNode node;
  static String base;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresTestDatabase.create();
    Map<String, Object> o = TestNodes.baseOverrides(pg.url(), pg.user(), pg.password(), Files.createTempDirectory("vigil"));
    o.put("vigil.gateway.bootstrap-admin-key", ADMIN);
    o.put("vigil.gateway.max-body-size", "4k");
    node = VigilNode.start(TestNodes.config(o));
    base = api(node);
    org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
        .until(() -> get(TestNodes.management(node, "ready"), null).statusCode() == 200);
  }

  @AfterAll
  static void stop() throws Exception {
    TestNodes.stop(node);
    pg.close();
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }

  static String createKey(String role, String agentId) throws Exception {
    String body = agentId == null ? "{\"name\":\"k-" + role + "\",\"role\":\"" + role + "\"}"
        : "{\"name\":\"k-" + role + "\",\"role\":\"" + role + "\",\"agentId\":\"" + agentId + "\"}";
    HttpResponse<String> r = send("POST", base + "/v1/keys", ADMIN, body);
    assertEquals(201, r.statusCode(), r.body());
    return json(r).get("key").asText();
  }

  @Test
  void versionIsPublicAndDescribesTheNode() throws Exception {
    HttpResponse<String> r = get(base + "/v1/version", null);
    assertEquals(200, r.statusCode());
    assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""));
    JsonNode v = json(r);
    assertEquals("vigil", v.get("name").asText());
    assertEquals("v1", v.get("apiVersion").asText());
    assertEquals("dev", v.get("profile").asText());
    assertTrue(v.get("node").asText().startsWith("pekko://vigil@127.0.0.1:"));
  }

  @Test
  void theOpenApiDocumentListsExactlyTheServedOperationsAndTheirStatuses() throws Exception {
    JsonNode doc = json(get(base + "/v1/openapi.json", null));
    Set<String> documented = new TreeSet<>();
    doc.get("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(
        m -> documented.add(m.toUpperCase() + " " + p.getKey())));
    Set<String> served = new TreeSet<>();
    for (Endpoint e : node.router().endpoints()) {
      served.add(e.method() + " " + e.template());
    }
    assertEquals(served, documented, "openapi.json and the router must list the same operations");

    // every documented operation, called as admin with a plausible request, answers one of its documented statuses
    String agentKey = createKey("agent", "openapi-agent");
    assertEquals(201, send("POST", base + "/v1/keys", ADMIN, "{\"name\":\"x\",\"role\":\"operator\"}").statusCode());
    for (Endpoint e : node.router().endpoints()) {
      String path = e.template().replace("{keyId}", "bootstrap-admin-not").replace("{agentId}", "openapi-agent")
          .replace("{policyId}", "doc-policy").replace("{revision}", "1").replace("{receiptId}", "agent:openapi-agent:1")
          .replace("{approvalId}", "ap-missing").replace("{investigationId}", "inv-doc-missing")
          .replace("{domain}", "database");
      if (e.name().equals("receipts.list")) {
        path += "?agent=openapi-agent";
      }
      String body = switch (e.name()) {
        case "keys.create" -> "{\"name\":\"doc\",\"role\":\"operator\"}";
        case "agents.register" -> "{\"displayName\":\"Doc\"}";
        case "policies.upload" -> "{\"schema\":\"vigil/v1\",\"id\":\"doc-policy\",\"version\":\"1\",\"rules\":"
            + "[{\"id\":\"r\",\"action\":\"doc.*\",\"effect\":\"allow\"}]}";
        case "policies.activate", "policies.shadow" -> "{\"revision\":1}";
        case "evaluate" -> "{\"action\":\"doc.read\",\"principal\":{\"id\":\"openapi-agent\"}}";
        case "receipts.verify" -> "{\"agent\":\"openapi-agent\"}";
        case "approvals.answer" -> "{\"decision\":\"approve\"}";
        case "investigations.start" -> "{\"agentId\":\"openapi-agent\",\"image\":\"doc:1\",\"command\":[\"true\"]}";
        case "investigations.actions" -> "{\"action\":\"doc.read\",\"resource\":\"doc\"}";
        case "agents.promote" -> "{\"force\":true}";
        case "agents.demote" -> "{\"reason\":\"documented\"}";
        case "agents.violations" -> "{\"description\":\"documented\"}";
        case "scan" -> "{\"text\":\"hello\",\"mode\":\"redact\"}";
        default -> null;
      };
      HttpResponse<String> r = send(e.method(), base + path, e.isPublic() ? null : ADMIN, body);
      JsonNode responses = doc.get("paths").get(e.template()).get(e.method().toLowerCase()).get("responses");
      assertTrue(responses.has(String.valueOf(r.statusCode())),
          e.method() + " " + path + " answered " + r.statusCode() + " which openapi.json does not document: " + r.body());
    }
    assertEquals(200, get(base + "/v1/agents/openapi-agent", agentKey).statusCode());
  }

  @Test
  void callsWithoutAValidKeyAreRefusedWithJsonErrors() throws Exception {
    HttpResponse<String> none = get(base + "/v1/keys", null);
    assertEquals(401, none.statusCode());
    assertEquals("unauthenticated", json(none).get("error").asText());
    assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));

    HttpResponse<String> wrong = get(base + "/v1/keys", "vgl_not-a-real-key");
    assertEquals(401, wrong.statusCode());
    assertEquals("the API key is unknown or revoked", json(wrong).get("message").asText());

    String operator = createKey("operator", null);
    HttpResponse<String> forbidden = get(base + "/v1/keys", operator);
    assertEquals(403, forbidden.statusCode());
    assertEquals("forbidden", json(forbidden).get("error").asText());

    HttpRequest viaHeader = HttpRequest.newBuilder(URI.create(base + "/v1/whoami")).header("X-Api-Key", operator).GET().build();
    HttpResponse<String> who = TestNodes.HTTP.send(viaHeader, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, who.statusCode());
    assertEquals("operator", json(who).get("role").asText());
  }

  @Test
  void keysAreCreatedListedAndRevokedAndARevokedKeyStopsAtOnce() throws Exception {
    HttpResponse<String> created = send("POST", base + "/v1/keys", ADMIN, "{\"name\":\"ops team\",\"role\":\"operator\"}");
    assertEquals(201, created.statusCode());
    JsonNode key = json(created);
    String keyId = key.get("keyId").asText();
    String token = key.get("key").asText();
    assertEquals("/v1/keys/" + keyId, created.headers().firstValue("Location").orElse(""));
    assertEquals(200, get(base + "/v1/whoami", token).statusCode(), "the new key works (and is now cached)");

    HttpResponse<String> list = get(base + "/v1/keys", ADMIN);
    assertEquals(200, list.statusCode());
    assertFalse(list.body().contains(token), "a listing never shows a key");
    assertTrue(list.body().contains(keyId));
    assertEquals("ops team", json(get(base + "/v1/keys/" + keyId, ADMIN)).get("name").asText());

    HttpResponse<String> revoked = send("DELETE", base + "/v1/keys/" + keyId, ADMIN, null);
    assertEquals(200, revoked.statusCode());
    assertFalse(json(revoked).get("active").asBoolean());
    assertEquals(401, get(base + "/v1/whoami", token).statusCode(), "revocation evicts the cached key immediately");
    assertEquals(404, send("DELETE", base + "/v1/keys/key_missing", ADMIN, null).statusCode());
  }

  @Test
  void invalidInputIsAnsweredWithEveryProblemAndNothingIsStored() throws Exception {
    int before = json(get(base + "/v1/keys", ADMIN)).get("keys").size();
    HttpResponse<String> r = send("POST", base + "/v1/keys", ADMIN, "{\"role\":\"boss\",\"agentId\":\"a b\"}");
    assertEquals(400, r.statusCode());
    JsonNode body = json(r);
    assertEquals("invalid_request", body.get("error").asText());
    Set<String> fields = new HashSet<>();
    for (Iterator<JsonNode> it = body.get("details").elements(); it.hasNext(); ) {
      fields.add(it.next().get("field").asText());
    }
    assertEquals(Set.of("name", "role", "agentId"), fields, body.toString());
    assertEquals(before, json(get(base + "/v1/keys", ADMIN)).get("keys").size(), "nothing stored");

    HttpResponse<String> malformed = send("POST", base + "/v1/keys", ADMIN, "{\"name\": ");
    assertEquals(400, malformed.statusCode());
    assertTrue(json(malformed).get("message").asText().contains("not valid JSON"));

    HttpRequest plain = HttpRequest.newBuilder(URI.create(base + "/v1/keys")).header("Authorization", "Bearer " + ADMIN)
        .header("Content-Type", "text/plain").POST(HttpRequest.BodyPublishers.ofString("name=x")).build();
    assertEquals(415, TestNodes.HTTP.send(plain, HttpResponse.BodyHandlers.ofString()).statusCode());

    HttpResponse<String> tooLarge = send("POST", base + "/v1/keys", ADMIN,
        "{\"name\":\"" + "x".repeat(5000) + "\",\"role\":\"operator\"}");
    assertEquals(413, tooLarge.statusCode());
    assertEquals("payload_too_large", json(tooLarge).get("error").asText());

    assertEquals(400, send("PUT", base + "/v1/agents/bad%20id", ADMIN, "{\"displayName\":\"x\"}").statusCode());
  }

  @Test
  void unknownPathsAndMethodsAreJsonErrorsAndRequestIdsAreEchoed() throws Exception {
    HttpResponse<String> missing = get(base + "/v1/nothing-here", ADMIN);
    assertEquals(404, missing.statusCode());
    assertEquals("not_found", json(missing).get("error").asText());
    assertEquals(missing.headers().firstValue("X-Request-Id").orElseThrow(), json(missing).get("requestId").asText());

    HttpResponse<String> wrongMethod = send("PATCH", base + "/v1/keys", ADMIN, "{}");
    assertEquals(405, wrongMethod.statusCode());
    assertEquals("GET, POST", wrongMethod.headers().firstValue("Allow").orElse(""));

    HttpRequest withId = HttpRequest.newBuilder(URI.create(base + "/v1/version")).header("X-Request-Id", "trace-42").build();
    assertEquals("trace-42", TestNodes.HTTP.send(withId, HttpResponse.BodyHandlers.ofString())
        .headers().firstValue("X-Request-Id").orElse(""));
  }

  @Test
  void agentsAreRegisteredIdempotentlyAndReadOnlyByTheirOwnKey() throws Exception {
    String body = "{\"displayName\":\"Triage bot\",\"labels\":{\"team\":\"sre\"}}";
    HttpResponse<String> registered = send("PUT", base + "/v1/agents/triage-1", ADMIN, body);
    assertEquals(200, registered.statusCode(), registered.body());
    assertEquals("shadow", json(registered).get("phase").asText());
    assertEquals(200, send("PUT", base + "/v1/agents/triage-1", ADMIN, body).statusCode(), "same registration again");
    HttpResponse<String> conflict = send("PUT", base + "/v1/agents/triage-1", ADMIN, "{\"displayName\":\"Other\"}");
    assertEquals(409, conflict.statusCode());

    String own = createKey("agent", "triage-1");
    assertEquals("Triage bot", json(get(base + "/v1/agents/triage-1", own)).get("displayName").asText());
    send("PUT", base + "/v1/agents/other-2", ADMIN, "{\"displayName\":\"Other\"}");
    assertEquals(403, get(base + "/v1/agents/other-2", own).statusCode());
    assertEquals(404, get(base + "/v1/agents/never-registered", ADMIN).statusCode());
    HttpResponse<String> badLabels = send("PUT", base + "/v1/agents/x-1", ADMIN, "{\"displayName\":\"X\",\"labels\":{\"a\":1}}");
    assertEquals(400, badLabels.statusCode());
    assertEquals("labels.a", json(badLabels).get("details").get(0).get("field").asText());
  }
}

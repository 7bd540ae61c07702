package dev.vigil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.trust.TrustPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Authensor policies loaded unchanged, decided with Authensor's semantics. */
class AuthensorPolicyTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant NOW = Instant.parse("2024-03-01T12:00:00Z");

  private final CompiledPolicy base = Fixtures.policy("authensor-base.json");
  private final CompiledPolicy payments = Fixtures.policy("authensor-payments.json");
  private final CompiledPolicy passthrough = Fixtures.policy("authensor-passthrough.json");
  private final CompiledPolicy disabled = Fixtures.policy("authensor-disabled.json");
  // Given in the "wrong" order on purpose: priority decides, not list order.
  private final PolicySet set = PolicySet.of(base, passthrough, disabled, payments);

  private static EvaluationRequest envelope(String json) throws Exception {
    JsonNode node = JSON.readTree(json);
    return EvaluationRequest.fromAuthensorEnvelope(node, TrustPhase.AUTONOMOUS, NOW);
  }

  private static EvaluationRequest payment(String principalId, String principalType, Object amount, String country,
      String environment) throws Exception {
    return envelope("""
        {"action": {"type": "payment.send", "resource": "acct/1", "parameters": {"amount": %s, "country": "%s"}},
         "principal": {"type": "%s", "id": "%s"}, "context": {"environment": "%s"}}
        """.formatted(JSON.writeValueAsString(amount), country, principalType, principalId, environment));
  }

  private Decision decide(EvaluationRequest request) {
    return set.evaluate(request, new InMemoryQuotaLedger());
  }

  @Test
  void detectedByShapeAndKeepsTheirIdentity() {
    assertEquals(PolicyFormat.AUTHENSOR, payments.format());
    assertEquals("authensor-payments", payments.id());
    assertEquals("1.0.3", payments.version());
    assertEquals(100, payments.priority());
    assertEquals(Effect.ESCALATE, payments.defaultEffect());
    assertNull(passthrough.defaultEffect());
    assertEquals(List.of("large-needs-two", "blocked-countries", "small-ok"), payments.ruleIds());
  }

  @Test
  void higherPriorityPolicyDecidesFirstAndFirstMatchingRuleWins() throws Exception {
    // amount 900 to KP: both large-needs-two and blocked-countries match; the first in order wins (no deny-overrides)
    Decision decision = decide(payment("bot", "agent", 900, "KP", "production"));
    assertEquals(Effect.ESCALATE, decision.effect());
    assertEquals("large-needs-two", decision.ruleId());
    assertEquals(payments.ref(), decision.policy());
    assertEquals(new ApprovalConfig(List.of("alice", "bob", "carol"), 2, Duration.ofHours(2)), decision.approval());
    assertEquals("Large payments need two approvers", decision.reason());

    Decision blocked = decide(payment("bot", "agent", 100, "KP", "production"));
    assertEquals("blocked-countries", blocked.ruleId());
    assertEquals(Effect.DENY, blocked.effect());
  }

  @Test
  void defaultEffectAppliesWhenNoRuleOfAScopedPolicyMatches() throws Exception {
    Decision decision = decide(payment("bot", "agent", 100, "FR", "production"));
    assertEquals(Effect.ESCALATE, decision.effect());
    assertNull(decision.ruleId());
    assertEquals(payments.ref(), decision.policy());
    assertEquals(ApprovalConfig.DEFAULT, decision.approval());
  }

  @Test
  void outOfScopeFallsToTheNextPolicyByPriority() throws Exception {
    // staging is outside the payments scope; passthrough has no matching rule and no default; base denies by default
    Decision staging = decide(payment("bot", "agent", 10, "FR", "staging"));
    assertEquals(base.ref(), staging.policy());
    assertEquals(Effect.DENY, staging.effect());
    assertNull(staging.ruleId());
    // a human principal is outside the payments scope too
    assertEquals(base.ref(), decide(payment("alice", "human", 10, "FR", "production")).policy());
    List<Explanation.RuleTrace> trace = staging.explanation().rulesConsidered();
    assertEquals("authensor-payments", trace.get(0).policyId());
    assertEquals("out of the policy's scope", trace.get(0).note());
    assertTrue(trace.stream().anyMatch(t -> "read-docs".equals(t.ruleId()) && !t.matched()));
  }

  @Test
  void conditionCombinatorsNotAndAny() throws Exception {
    assertEquals("small-ok", decide(payment("bot", "agent", 20, "FR", "production")).ruleId());
    // not (principal.id neq trusted-bot) == principal.id eq trusted-bot
    assertEquals("small-ok", decide(payment("trusted-bot", "agent", 400, "FR", "production")).ruleId());
    assertNull(decide(payment("bot", "agent", 400, "FR", "production")).ruleId());
  }

  @Test
  void rateLimitOfAnAuthensorRule() throws Exception {
    InMemoryQuotaLedger ledger = new InMemoryQuotaLedger();
    for (int i = 0; i < 3; i++) {
      assertEquals(Effect.ALLOW, set.evaluate(payment("bot", "agent", 5, "FR", "production"), ledger).effect());
    }
    Decision limited = set.evaluate(payment("bot", "agent", 5, "FR", "production"), ledger);
    assertEquals(Effect.DENY, limited.effect());
    assertEquals("small-ok", limited.ruleId());
    assertTrue(limited.reason().startsWith("rate limit exceeded: at most 3 requests per 10m"), limited.reason());
  }

  @Test
  void firstMatchMeansALaterDenyIsNeverReached() throws Exception {
    Decision shell = decide(envelope("""
        {"action": {"type": "shell.exec", "parameters": {"command": "ls -la"}}, "principal": {"type": "agent", "id": "a"}}
        """));
    assertEquals("allow-shell", shell.ruleId());
    assertEquals(Effect.ALLOW, shell.effect());
    Decision rm = decide(envelope("""
        {"action": {"type": "shell.exec", "parameters": {"command": "rm  -rf /"}}, "principal": {"type": "agent", "id": "a"}}
        """));
    assertEquals("block-rm-rf", rm.ruleId());
    assertEquals("Block recursive deletes", rm.reason());
  }

  @Test
  void operationResourceAndContextFieldsOfTheEnvelope() throws Exception {
    Decision docs = decide(envelope("""
        {"action": {"type": "repo.file", "resource": "README.md", "operation": "read"},
         "principal": {"type": "agent", "id": "a"}, "context": {"ticket": "OPS-1"}}
        """));
    assertEquals("read-docs", docs.ruleId());
    assertEquals(passthrough.ref(), docs.policy());
    Decision write = decide(envelope("""
        {"action": {"type": "repo.file", "resource": "README.md", "operation": "write"},
         "principal": {"type": "agent", "id": "a"}, "context": {"ticket": "OPS-1"}}
        """));
    assertEquals(base.ref(), write.policy());
  }

  @Test
  void disabledPolicyNeverDecidesAndAnEmptySetDenies() throws Exception {
    EvaluationRequest anything = envelope("{\"action\": {\"type\": \"x.y\"}, \"principal\": {\"id\": \"a\"}}");
    assertEquals(Effect.DENY, PolicySet.of(disabled).evaluate(anything, QuotaLedger.UNLIMITED).effect());
    Decision none = PolicySet.EMPTY.evaluate(anything, QuotaLedger.UNLIMITED);
    assertEquals(Effect.DENY, none.effect());
    assertEquals("no enabled policy: denied by default", none.reason());
    Decision fallThrough = PolicySet.of(passthrough).evaluate(anything, QuotaLedger.UNLIMITED);
    assertEquals("no policy matched the request: denied by default", fallThrough.reason());
  }

  @Test
  void envelopeMapping() throws Exception {
    EvaluationRequest request = envelope("""
        {"action": {"type": "db.query", "resource": "db/users", "operation": "read", "parameters": {"limit": 5}},
         "principal": {"type": "service", "id": "svc-1", "attributes": {"team": "core"}},
         "context": {"environment": "production"}, "timestamp": "2024-05-01T00:00:00Z"}
        """);
    assertEquals("db.query", request.action());
    assertEquals("db/users", request.resource());
    assertEquals(Map.of("limit", 5), request.parameters());
    assertEquals(new Principal("svc-1", "service", Map.of("team", "core")), request.principal());
    assertEquals("read", request.context().get(EvaluationRequest.OPERATION_KEY));
    assertEquals(Instant.parse("2024-05-01T00:00:00Z"), request.time());
    assertThrows(IllegalArgumentException.class, () -> envelope("{\"action\": {}, \"principal\": {\"id\": \"a\"}}"));
    assertThrows(IllegalArgumentException.class, () -> EvaluationRequest.fromAuthensorEnvelope(
        Map.of("action", Map.of("type", "a.b"), "principal", Map.of("id", "x")), null, NOW));
    assertEquals(TrustPhase.READ_ONLY, EvaluationRequest.fromAuthensorEnvelope(Map.of("action", Map.of("type", "a.b"),
        "principal", Map.of("id", "x"), "context", Map.of("phase", "read-only")), null, NOW).phase());
  }
}

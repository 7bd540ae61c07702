package dev.vigil.policy;

import static dev.vigil.policy.Fixtures.MONDAY_MORNING;
import static dev.vigil.policy.Fixtures.request;
import static dev.vigil.policy.Fixtures.vigil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.policy.Explanation.RuleTrace;
import dev.vigil.scan.Finding;
import dev.vigil.scan.FindingType;
import dev.vigil.scan.ScanResult;
import dev.vigil.scan.Severity;
import dev.vigil.trust.TrustPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VigilPolicyTest {

  private final CompiledPolicy example = Fixtures.policy("example.yaml");

  private Decision decide(EvaluationRequest request) {
    return example.evaluate(request, new InMemoryQuotaLedger());
  }

  @Test
  void readsAreAllowedOutsideShadowAndClassifiedAsReads() {
    Decision allowed = decide(request("file.read", TrustPhase.READ_ONLY).resource("docs/a.md").build());
    assertEquals(Effect.ALLOW, allowed.effect());
    assertEquals("reads", allowed.ruleId());
    assertEquals(ActionKind.READ, allowed.actionKind());
    assertEquals("Reads are allowed in every phase but shadow.", allowed.reason());

    Decision shadow = decide(request("file.read", TrustPhase.SHADOW).build());
    assertEquals(Effect.DENY, shadow.effect());
    assertNull(shadow.ruleId());
    assertEquals("no rule matched: policy default is deny", shadow.reason());
    assertEquals(ActionKind.READ, shadow.actionKind());
  }

  @Test
  void singleStarActionGlobDoesNotCrossSegments() {
    assertEquals(Effect.ALLOW, decide(request("user.get", TrustPhase.READ_ONLY).build()).effect());
    assertEquals(Effect.DENY, decide(request("crm.user.get", TrustPhase.READ_ONLY).build()).effect());
    assertEquals(ActionKind.UNKNOWN, decide(request("crm.user.get", TrustPhase.READ_ONLY).build()).actionKind());
  }

  @Test
  void denyOverridesAnAllowThatAlsoMatches() {
    String rules = """
          - id: allow-writes
            action: file.write
            effect: allow
          - id: no-prod
            action: file.*
            effect: deny
            when: {resource: "prod/**"}
        """;
    CompiledPolicy policy = vigil("", rules);
    Decision prod = policy.evaluate(request("file.write", TrustPhase.AUTONOMOUS).resource("prod/x/y").build(), QuotaLedger.UNLIMITED);
    assertEquals(Effect.DENY, prod.effect());
    assertEquals("no-prod", prod.ruleId());
    Decision dev = policy.evaluate(request("file.write", TrustPhase.AUTONOMOUS).resource("dev/x").build(), QuotaLedger.UNLIMITED);
    assertEquals(Effect.ALLOW, dev.effect());
    assertEquals("allow-writes", dev.ruleId());
  }

  @Test
  void escalateBeatsAllowAndFirstAllowWinsAmongAllows() {
    String rules = """
          - id: allow-a
            action: x.do
            effect: allow
            reason: first allow
          - id: allow-b
            action: x.*
            effect: allow
            reason: second allow
          - id: ask
            action: x.do
            effect: escalate
            when: {parameters: {risky: true}}
        """;
    CompiledPolicy policy = vigil("", rules);
    Decision risky = policy.evaluate(request("x.do", TrustPhase.AUTONOMOUS).parameter("risky", true).build(), QuotaLedger.UNLIMITED);
    assertEquals(Effect.ESCALATE, risky.effect());
    assertEquals(ApprovalConfig.DEFAULT, risky.approval());
    Decision plain = policy.evaluate(request("x.do", TrustPhase.AUTONOMOUS).build(), QuotaLedger.UNLIMITED);
    assertEquals("allow-a", plain.ruleId());
    assertNull(plain.approval());
    assertEquals("allow-b", policy.evaluate(request("x.other", TrustPhase.AUTONOMOUS).build(), QuotaLedger.UNLIMITED).ruleId());
  }

  @Test
  void escalationCarriesTheRuleApprovalSettings() {
    Decision big = decide(request("payment.send", TrustPhase.LIMITED_WRITE)
        .parameter("amount", 2500).parameter("currency", "USD").build());
    assertEquals(Effect.ESCALATE, big.effect());
    assertEquals("big-payments", big.ruleId());
    assertEquals(new ApprovalConfig(List.of("finance-oncall", "cfo"), 2, Duration.ofHours(1)), big.approval());
    assertEquals(ActionKind.WRITE, big.actionKind());
  }

  @Test
  void phasesRestrictRules() {
    EvaluationRequest.Builder payment = request("payment.send", TrustPhase.READ_ONLY)
        .parameter("amount", 20).parameter("currency", "EUR");
    assertEquals(Effect.DENY, decide(payment.build()).effect());
    assertEquals(Effect.ALLOW, decide(payment.phase(TrustPhase.LIMITED_WRITE).build()).effect());
  }

  @Test
  void timeWindowUsesTheRequestTimeInThePolicyZone() {
    EvaluationRequest.Builder payment = request("payment.send", TrustPhase.AUTONOMOUS)
        .parameter("amount", 20).parameter("currency", "EUR");
    // 07:30 UTC is 08:30 in Paris (open); 17:30 UTC is 18:30 (closed); Saturday is closed.
    assertEquals(Effect.ALLOW, decide(payment.time(Instant.parse("2024-01-08T07:30:00Z")).build()).effect());
    assertEquals(Effect.DENY, decide(payment.time(Instant.parse("2024-01-08T17:30:00Z")).build()).effect());
    assertEquals(Effect.DENY, decide(payment.time(Instant.parse("2024-01-13T10:00:00Z")).build()).effect());
  }

  @Test
  void timeWindowsWrapPastMidnight() {
    CompiledPolicy night = vigil("", """
          - id: nightly
            action: backup.run
            effect: allow
            when: {time: {from: "22:00", to: "02:00"}}
        """);
    assertEquals(Effect.ALLOW, night.evaluate(request("backup.run", TrustPhase.AUTONOMOUS)
        .time(Instant.parse("2024-01-08T23:10:00Z")).build(), QuotaLedger.UNLIMITED).effect());
    assertEquals(Effect.ALLOW, night.evaluate(request("backup.run", TrustPhase.AUTONOMOUS)
        .time(Instant.parse("2024-01-09T01:59:59Z")).build(), QuotaLedger.UNLIMITED).effect());
    assertEquals(Effect.DENY, night.evaluate(request("backup.run", TrustPhase.AUTONOMOUS)
        .time(Instant.parse("2024-01-09T02:00:00Z")).build(), QuotaLedger.UNLIMITED).effect());
  }

  @Test
  void scanFindingsDenyEvenAReadThatIsOtherwiseAllowed() {
    EvaluationRequest withKey = request("file.read", TrustPhase.AUTONOMOUS)
        .scan(new ScanSummary(Severity.CRITICAL, Set.of("secret"))).build();
    Decision decision = decide(withKey);
    assertEquals(Effect.DENY, decision.effect());
    assertEquals("no-secrets-out", decision.ruleId());
    EvaluationRequest highOnly = request("file.read", TrustPhase.AUTONOMOUS)
        .scan(new ScanSummary(Severity.HIGH, Set.of("secret"))).build();
    assertEquals(Effect.ALLOW, decide(highOnly).effect());
    EvaluationRequest otherType = request("file.read", TrustPhase.AUTONOMOUS)
        .scan(new ScanSummary(Severity.CRITICAL, Set.of("pii"))).build();
    assertEquals(Effect.ALLOW, decide(otherType).effect());
  }

  @Test
  void scanSummaryOfAScannerResult() {
    ScanResult result = new ScanResult(List.of(
        new Finding(FindingType.PII, "email", Severity.MEDIUM, 0, 5, "an email address", 0.9),
        new Finding(FindingType.SECRET, "aws-access-key", Severity.CRITICAL, 6, 26, "an AWS key", 1.0)),
        Optional.empty());
    ScanSummary summary = ScanSummary.of(result);
    assertEquals(new ScanSummary(Severity.CRITICAL, Set.of("pii", "secret")), summary);
    assertEquals("no-secrets-out", decide(request("file.read", TrustPhase.AUTONOMOUS).scan(summary).build()).ruleId());
    assertEquals(ScanSummary.NONE, ScanSummary.of(ScanResult.clean()));
  }

  @Test
  void scanSeverityCanBeTestedAsAField() {
    CompiledPolicy policy = vigil("", """
          - id: hot
            effect: deny
            when: {fields: {scan.maxSeverity: {gte: high}}}
          - id: rest
            effect: allow
        """);
    assertEquals("hot", policy.evaluate(request("a.b", TrustPhase.AUTONOMOUS)
        .scan(new ScanSummary(Severity.HIGH, Set.of())).build(), QuotaLedger.UNLIMITED).ruleId());
    assertEquals("rest", policy.evaluate(request("a.b", TrustPhase.AUTONOMOUS)
        .scan(new ScanSummary(Severity.MEDIUM, Set.of())).build(), QuotaLedger.UNLIMITED).ruleId());
  }

  @Test
  void principalLabelsAndRegexNegation() {
    EvaluationRequest.Builder exec = request("db.exec", TrustPhase.AUTONOMOUS);
    assertEquals("team-db-writes", decide(exec.parameter("sql", "update t set a = 1").build()).ruleId());
    assertEquals(Effect.DENY, decide(exec.parameter("sql", "DROP TABLE t").build()).effect());
    EvaluationRequest otherTeam = EvaluationRequest.builder("db.exec")
        .principal(new Principal("agent-9", "agent", Map.of("team", "growth"))).phase(TrustPhase.AUTONOMOUS)
        .time(MONDAY_MORNING).parameter("sql", "select 1").build();
    assertEquals(Effect.DENY, decide(otherTeam).effect());
  }

  @Test
  void defaultCanAllowEscalateOrPassToTheNextPolicy() {
    String rules = """
          - id: no-delete
            action: "*.delete"
            effect: deny
        """;
    assertEquals(Effect.ALLOW, vigil("default: allow\n", rules)
        .evaluate(request("x.read", TrustPhase.SHADOW).build(), QuotaLedger.UNLIMITED).effect());
    Decision escalated = vigil("default: escalate\ndefault_reason: ask a human\n", rules)
        .evaluate(request("x.read", TrustPhase.SHADOW).build(), QuotaLedger.UNLIMITED);
    assertEquals(Effect.ESCALATE, escalated.effect());
    assertEquals("ask a human", escalated.reason());
    assertEquals(ApprovalConfig.DEFAULT, escalated.approval());
    Decision passed = vigil("default: none\n", rules).evaluate(request("x.read", TrustPhase.SHADOW).build(), QuotaLedger.UNLIMITED);
    assertEquals(Effect.DENY, passed.effect());
    assertEquals("no policy matched the request: denied by default", passed.reason());
  }

  @Test
  void ruleKindOverridesThePolicyClassification() {
    CompiledPolicy policy = vigil("action_kinds: {read: [\"report.*\"]}\n", """
          - id: export
            action: report.export
            effect: allow
            kind: write
          - id: view
            action: report.view
            effect: allow
        """);
    assertEquals(ActionKind.WRITE, policy.evaluate(request("report.export", TrustPhase.AUTONOMOUS).build(), QuotaLedger.UNLIMITED).actionKind());
    assertEquals(ActionKind.READ, policy.evaluate(request("report.view", TrustPhase.AUTONOMOUS).build(), QuotaLedger.UNLIMITED).actionKind());
    assertEquals(ActionKind.READ, policy.kindOf("report.other"));
  }

  @Test
  void disabledRulesAndPoliciesAreIgnored() {
    CompiledPolicy policy = vigil("", """
          - id: off
            effect: allow
            enabled: false
        """);
    assertEquals(Effect.DENY, policy.evaluate(request("a.b", TrustPhase.AUTONOMOUS).build(), QuotaLedger.UNLIMITED).effect());
    CompiledPolicy disabled = PolicyCompiler.compile(
        "schema: vigil/v1\nid: off\nversion: 1\nenabled: false\ndefault: allow\nrules: []\n");
    assertEquals(Effect.DENY, disabled.evaluate(request("a.b", TrustPhase.AUTONOMOUS).build(), QuotaLedger.UNLIMITED).effect());
  }

  @Test
  void explanationNamesTheRuleThePolicyAndEachCondition() {
    Decision decision = decide(request("payment.send", TrustPhase.LIMITED_WRITE)
        .parameter("amount", 20).parameter("currency", "EUR").build());
    assertEquals("small-payments", decision.ruleId());
    assertEquals(new PolicyRef("payments-agent", "1.4.0", example.sha256()), decision.policy());
    Explanation explanation = decision.explanation();
    assertEquals("small-payments", explanation.decidingRule().orElseThrow());
    List<RuleTrace> considered = explanation.rulesConsidered();
    // deny rules first (no-secrets-out matches every action), then escalate, then the allow that decided
    assertEquals(List.of("no-secrets-out", "big-payments", "small-payments"),
        considered.stream().map(RuleTrace::ruleId).toList());
    assertEquals(List.of(false, false, true), considered.stream().map(RuleTrace::matched).toList());
    RuleTrace big = considered.get(1);
    assertTrue(big.conditions().stream().anyMatch(c -> c.condition().equals("parameters.amount gt 1000") && !c.matched()));
    RuleTrace small = considered.get(2);
    assertTrue(small.conditions().stream().anyMatch(c -> c.condition().equals("parameters.currency in ['USD', 'EUR']") && c.matched()));
    String rendered = explanation.render();
    assertTrue(rendered.contains("rule small-payments (allow) MATCHED"), rendered);
    assertTrue(rendered.contains("[ ] parameters.amount gt 1000"), rendered);
  }

  @Test
  void explanationOfADefaultListsEveryRuleLookedAt() {
    Decision decision = decide(request("file.read", TrustPhase.SHADOW).build());
    List<RuleTrace> considered = decision.explanation().rulesConsidered();
    assertEquals("no-secrets-out", considered.get(0).ruleId());
    assertEquals("reads", considered.get(1).ruleId());
    assertTrue(considered.get(1).conditions().stream().anyMatch(c -> c.condition().startsWith("phase in") && !c.matched()));
    assertTrue(considered.get(2).note().contains("policy default is deny"));
    assertTrue(decision.explanation().decidingRule().isEmpty());
  }

  @Test
  void sha256IsStableAcrossLineEndingsAndChangesWithContent() {
    String source = Fixtures.resource("example.yaml");
    CompiledPolicy again = PolicyCompiler.compile(source);
    CompiledPolicy crlf = PolicyCompiler.compile("\uFEFF" + source.replace("\n", "\r\n"));
    assertEquals(example.sha256(), again.sha256());
    assertEquals(example.sha256(), crlf.sha256());
    assertEquals(PolicyCompiler.sha256(source), example.sha256());
    assertEquals(64, example.sha256().length());
    CompiledPolicy edited = PolicyCompiler.compile(source.replace("expires_in: 30m", "expires_in: 31m"));
    assertNotEquals(example.sha256(), edited.sha256());
  }

  @Test
  void jsonSourceCompilesLikeYaml() {
    CompiledPolicy json = PolicyCompiler.compile("""
        {"schema": "vigil/v1", "id": "j", "version": "1",
         "rules": [{"id": "r", "action": "file.*", "effect": "allow", "when": {"parameters": {"n": {"lt": 3}}}}]}
        """);
    assertEquals(PolicyFormat.VIGIL, json.format());
    assertEquals(Effect.ALLOW, json.evaluate(request("file.read", TrustPhase.SHADOW).parameter("n", 2).build(), QuotaLedger.UNLIMITED).effect());
    assertEquals(Effect.DENY, json.evaluate(request("file.read", TrustPhase.SHADOW).parameter("n", 3).build(), QuotaLedger.UNLIMITED).effect());
    assertFalse(json.evaluate(request("file.read", TrustPhase.SHADOW).build(), QuotaLedger.UNLIMITED).allowed());
  }
}

package dev.vigil.policy;

import static dev.vigil.policy.Fixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.trust.TrustPhase;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each operator of the Vigil language, on a parameter, against values that must and must not match. */
class OperatorTest {

  /** Compiles {@code when: {parameters: {v: <spec>}}} and says whether a request with v = value matches. */
  private static boolean matches(String spec, Object value) {
    CompiledPolicy policy = Fixtures.vigil("", "  - id: r\n    effect: allow\n    when: {parameters: {v: " + spec + "}}\n");
    EvaluationRequest.Builder builder = request("t.op", TrustPhase.AUTONOMOUS);
    if (value != ABSENT) {
      builder.parameter("v", value);
    }
    return policy.evaluate(builder.build(), QuotaLedger.UNLIMITED).effect() == Effect.ALLOW;
  }

  private static final Object ABSENT = new Object();

  private static void check(String spec, Object value, boolean expected) {
    assertEquals(expected, matches(spec, value), spec + " on " + value);
  }

  @Test
  void equality() {
    check("{eq: 5}", 5, true);
    check("{eq: 5}", 5.0, true);
    check("{eq: 5}", "5", true);
    check("{eq: 5}", 6, false);
    check("{eq: prod}", "prod", true);
    check("{eq: prod}", "Prod", false);
    check("{eq: true}", true, true);
    check("{eq: true}", "true", false);
    check("prod", "prod", true);
    check("{eq: prod}", ABSENT, false);
    check("{neq: prod}", "dev", true);
    check("{neq: prod}", "prod", false);
    check("{neq: prod}", ABSENT, true);
  }

  @Test
  void membership() {
    check("{in: [USD, EUR]}", "EUR", true);
    check("{in: [USD, EUR]}", "GBP", false);
    check("[1, 2, 3]", 2L, true);
    check("{in: [1, 2, 3]}", "3", true);
    check("{in: [USD]}", ABSENT, false);
    check("{not_in: [KP, IR]}", "FR", true);
    check("{not_in: [KP, IR]}", "KP", false);
    check("{not_in: [KP, IR]}", ABSENT, true);
  }

  @Test
  void numericOrderingOnNumbersAndNumericStrings() {
    check("{lt: 10}", 9.99, true);
    check("{lt: 10}", 10, false);
    check("{lte: 10}", 10, true);
    check("{gt: 10}", "10.5", true);
    check("{gt: 10}", 10, false);
    check("{gte: 10}", 10L, true);
    check("{gte: 10}", "ten", false);
    check("{gt: 10}", ABSENT, false);
    check("{gt: \"1e3\"}", 1001, true);
    check("{gt: 0, lt: 100}", 50, true);
    check("{gt: 0, lt: 100}", 150, false);
  }

  @Test
  void stringOperators() {
    check("{contains: secret}", "top-secret-file", true);
    check("{contains: secret}", "public", false);
    check("{contains: b}", List.of("a", "b"), true);
    check("{contains: c}", List.of("a", "b"), false);
    check("{contains: k}", Map.of("k", 1), true);
    check("{starts_with: \"s3://\"}", "s3://bucket", true);
    check("{prefix: \"s3://\"}", "gs://bucket", false);
    check("{ends_with: .csv}", "a.csv", true);
    check("{ends_with: .csv}", "a.json", false);
  }

  @Test
  void regexIsUnanchoredFind() {
    check("{matches: \"^[a-z]+$\"}", "abc", true);
    check("{matches: \"^[a-z]+$\"}", "abc1", false);
    check("{matches: \"rm\\\\s+-rf\"}", "sudo rm  -rf /", true);
    check("{regex: \"\\\\d{4}\"}", 12345, true);
    check("{matches: x}", ABSENT, false);
  }

  @Test
  void existence() {
    check("{exists: true}", "x", true);
    check("{exists: true}", ABSENT, false);
    check("{exists: false}", ABSENT, true);
    check("{exists: false}", 0, false);
  }

  @Test
  void nestedParameterPaths() {
    CompiledPolicy policy = Fixtures.vigil("", "  - id: r\n    effect: allow\n    when: {parameters: {card.country: FR}}\n");
    assertEquals(Effect.ALLOW, policy.evaluate(request("t.op", TrustPhase.AUTONOMOUS)
        .parameter("card", Map.of("country", "FR")).build(), QuotaLedger.UNLIMITED).effect());
    assertEquals(Effect.DENY, policy.evaluate(request("t.op", TrustPhase.AUTONOMOUS)
        .parameter("card", "FR").build(), QuotaLedger.UNLIMITED).effect());
  }

  @Test
  void combinators() {
    CompiledPolicy policy = Fixtures.vigil("", """
          - id: r
            effect: allow
            when:
              any:
                - {parameters: {a: 1}}
                - all:
                    - {parameters: {b: 2}}
                    - not: {context: {env: prod}}
        """);
    assertEquals(Effect.ALLOW, eval(policy, Map.of("a", 1), Map.of()));
    assertEquals(Effect.ALLOW, eval(policy, Map.of("b", 2), Map.of("env", "dev")));
    assertEquals(Effect.DENY, eval(policy, Map.of("b", 2), Map.of("env", "prod")));
    assertEquals(Effect.DENY, eval(policy, Map.of("b", 3), Map.of()));
  }

  private static Effect eval(CompiledPolicy policy, Map<String, Object> parameters, Map<String, Object> context) {
    return policy.evaluate(request("t.op", TrustPhase.AUTONOMOUS).parameters(parameters).context(context).build(),
        QuotaLedger.UNLIMITED).effect();
  }

  @Test
  void resourceRegexPrefixAndPrincipal() {
    CompiledPolicy policy = Fixtures.vigil("", """
          - id: r
            effect: allow
            when:
              resource: {prefix: "db/", regex: "users$"}
              principal: {id: "agent-*", type: [agent, service]}
              phase: [autonomous]
        """);
    assertEquals(Effect.ALLOW, policy.evaluate(request("t.op", TrustPhase.AUTONOMOUS).resource("db/main/users").build(),
        QuotaLedger.UNLIMITED).effect());
    assertEquals(Effect.DENY, policy.evaluate(request("t.op", TrustPhase.AUTONOMOUS).resource("db/main/orders").build(),
        QuotaLedger.UNLIMITED).effect());
    assertEquals(Effect.DENY, policy.evaluate(request("t.op", TrustPhase.LIMITED_WRITE).resource("db/main/users").build(),
        QuotaLedger.UNLIMITED).effect());
    assertEquals(Effect.DENY, policy.evaluate(EvaluationRequest.builder("t.op").resource("db/users")
        .principal(new Principal("human-1", "human", Map.of())).phase(TrustPhase.AUTONOMOUS).build(),
        QuotaLedger.UNLIMITED).effect());
  }
}

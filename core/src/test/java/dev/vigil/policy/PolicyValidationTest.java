package dev.vigil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad policies are rejected whole, with every error located by line, rule id and path. */
class PolicyValidationTest {

  private static List<PolicyError> errors(String source) {
    return assertThrows(PolicyValidationException.class, () -> PolicyCompiler.compile(source)).errors();
  }

  private static PolicyError find(List<PolicyError> errors, String path) {
    return errors.stream().filter(e -> e.path().equals(path)).findFirst()
        .orElseThrow(() -> new AssertionError("no error at " + path + " in " + errors));
  }

  @Test
  void reportsAllThreeMistakesWithLinesAndRuleIds() {
    List<PolicyError> errors = errors(Fixtures.resource("three-mistakes.yaml"));
    assertEquals(3, errors.size(), errors.toString());
    PolicyError effect = find(errors, "/rules/1/effect");
    assertEquals(10, effect.line());
    assertEquals("second", effect.ruleId());
    assertTrue(effect.message().contains("unknown effect 'permit'"), effect.message());
    PolicyError bound = find(errors, "/rules/2/when/parameters/rows/gt");
    assertEquals(16, bound.line());
    assertEquals("third", bound.ruleId());
    assertTrue(bound.message().contains("expected a number"), bound.message());
    PolicyError phase = find(errors, "/rules/3/phases");
    assertEquals(19, phase.line());
    assertEquals("fourth", phase.ruleId());
    assertTrue(phase.message().contains("shadow, read-only, limited-write, autonomous"), phase.message());
  }

  @Test
  void syntaxErrorsCarryTheirLine() {
    List<PolicyError> errors = errors("schema: vigil/v1\nid: x\nrules:\n  - id: [unclosed\n");
    assertEquals(1, errors.size());
    assertTrue(errors.get(0).line() >= 4, errors.toString());
    assertTrue(errors.get(0).message().startsWith("syntax error"), errors.toString());
    List<PolicyError> json = errors("{\"id\": \"x\",\n \"rules\": [\n}");
    assertEquals(3, json.get(0).line(), json.toString());
  }

  @Test
  void unknownKeysDuplicateIdsAndMissingFieldsAreErrors() {
    List<PolicyError> errors = errors("""
        schema: vigil/v1
        id: x
        rules:
          - id: a
            effect: allow
            whne: {resource: x}
          - id: a
            effect: deny
            rate_limit: {requests: 3, window: 1m}
          - effect: allow
            when: {resource: {regex: "(unclosed"}, time: {from: "25:00"}}
        """);
    assertEquals("'version' is required", find(errors, "/version").message());
    assertTrue(find(errors, "/rules/0/whne").message().startsWith("unknown key 'whne'"));
    assertEquals(7, find(errors, "/rules/1/id").line());
    assertTrue(find(errors, "/rules/1/id").message().contains("duplicate rule id 'a'"));
    assertTrue(find(errors, "/rules/1").message().contains("deny rule cannot carry"));
    assertNull(find(errors, "/rules/2/id").ruleId());
    assertTrue(find(errors, "/rules/2/when/resource/regex").message().startsWith("invalid regular expression"));
    assertTrue(find(errors, "/rules/2/when/time/from").message().contains("time of day"));
    assertEquals(7, errors.size(), errors.toString());
  }

  @Test
  void authensorErrorsToo() {
    List<PolicyError> errors = errors("""
        {
          "id": "a",
          "version": "one",
          "defaultEffect": "maybe",
          "rules": [
            {"id": "r1", "effect": "allow",
             "condition": {"field": "action.nowhere", "operator": "like", "value": 1}},
            {"id": "r2", "effect": "require_approval", "condition": {"field": "action.type", "operator": "in", "value": "x"},
             "rateLimit": {"requests": 0, "window": "soon"}}
          ]
        }
        """);
    assertTrue(find(errors, "/version").message().contains("semver"));
    assertEquals(4, find(errors, "/defaultEffect").line());
    assertEquals("r1", find(errors, "/rules/0/condition/field").ruleId());
    assertEquals(7, find(errors, "/rules/0/condition/operator").line());
    assertTrue(find(errors, "/rules/1/condition/value").message().contains("expected a list"));
    assertTrue(find(errors, "/rules/1/rateLimit/requests").message().contains("at least 1"));
    assertTrue(find(errors, "/rules/1/rateLimit/window").message().contains("duration"));
    assertEquals(7, errors.size(), errors.toString());
  }

  @Test
  void notAMapOrEmptyOrTwoDocuments() {
    assertEquals("the policy is empty", errors("").get(0).message());
    assertTrue(errors("- a\n- b\n").get(0).message().contains("map at the top level"));
    assertTrue(errors("schema: vigil/v1\nid: a\nversion: 1\nrules: []\n---\nid: b\n").get(0).message()
        .contains("one document"));
  }

  @Test
  void aPolicySetReportsErrorsOfEachSource() {
    PolicyValidationException e = assertThrows(PolicyValidationException.class, () -> PolicyCompiler.compileSet(List.of(
        "schema: vigil/v1\nid: ok\nversion: 1\nrules: []\n",
        "schema: vigil/v2\nid: bad\nversion: 1\nrules: []\n")));
    assertEquals(1, e.errors().size());
    assertTrue(e.errors().get(0).message().startsWith("policy #2: unsupported schema"), e.errors().toString());
    assertEquals(2, PolicyCompiler.compileSet(List.of("schema: vigil/v1\nid: a\nversion: 1\nrules: []\n",
        "schema: vigil/v1\nid: b\nversion: 1\nrules: []\n")).policies().size());
  }
}

package dev.vigil.policy.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.policy.CompiledPolicy;
import dev.vigil.policy.Decision;
import dev.vigil.policy.Effect;
import dev.vigil.policy.PolicyCompiler;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Keeps the benchmark honest: its policy has 50 rules and its request mix reaches every kind of outcome. */
class BenchmarkMixTest {

  @Test
  void fiftyRulesAndAMixOfOutcomes() {
    CompiledPolicy policy = PolicyCompiler.compile(PolicyEvaluationBenchmark.fiftyRulePolicy());
    assertEquals(50, policy.ruleIds().size());
    PolicyEvaluationBenchmark benchmark = new PolicyEvaluationBenchmark();
    benchmark.setUp();
    Set<Effect> effects = EnumSet.noneOf(Effect.class);
    Set<String> rules = new HashSet<>();
    int defaults = 0;
    for (int i = 0; i < 64; i++) {
      Decision decision = benchmark.evaluate();
      effects.add(decision.effect());
      if (decision.ruleId() == null) {
        defaults++;
      } else {
        rules.add(decision.ruleId());
      }
    }
    assertEquals(EnumSet.allOf(Effect.class), effects);
    assertTrue(defaults > 0 && defaults < 64, "defaults: " + defaults);
    assertTrue(rules.size() >= 10, "distinct deciding rules: " + rules);
  }
}

package dev.vigil.policy;

import static dev.vigil.policy.Fixtures.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.trust.TrustPhase;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuotaTest {

  private static final CompiledPolicy PAYMENTS = Fixtures.vigil("", """
        - id: pay
          action: payment.*
          effect: allow
          rate_limit: {requests: 3, window: 1m}
          budget: {parameter: amount, limit: 100, window: 1d}
        - id: global-export
          action: data.export
          effect: allow
          rate_limit: {requests: 2, window: 1h, scope: global}
      """);

  private static EvaluationRequest payment(String agent, Object amount, Instant at) {
    return EvaluationRequest.builder("payment.send").principal(Principal.agent(agent)).phase(TrustPhase.AUTONOMOUS)
        .parameter("amount", amount).time(at).build();
  }

  @Test
  void rateLimitDeniesTheRequestOverTheLimitPerPrincipalAndNamesIt() {
    InMemoryQuotaLedger ledger = new InMemoryQuotaLedger();
    Instant t = Fixtures.MONDAY_MORNING;
    for (int i = 0; i < 3; i++) {
      assertEquals(Effect.ALLOW, PAYMENTS.evaluate(payment("a", 1, t.plusSeconds(i)), ledger).effect());
    }
    Decision fourth = PAYMENTS.evaluate(payment("a", 1, t.plusSeconds(3)), ledger);
    assertEquals(Effect.DENY, fourth.effect());
    assertEquals("pay", fourth.ruleId());
    assertEquals("rate limit exceeded: at most 3 requests per 1m per principal (rule pay)", fourth.reason());
    assertEquals("at most 3 requests per 1m per principal", fourth.explanation().limitExceeded().orElseThrow());
    // another principal has its own count; the window slides
    assertEquals(Effect.ALLOW, PAYMENTS.evaluate(payment("b", 1, t.plusSeconds(3)), ledger).effect());
    assertEquals(Effect.ALLOW, PAYMENTS.evaluate(payment("a", 1, t.plusSeconds(61)), ledger).effect());
  }

  @Test
  void budgetSumsTheParameterIncludingFractions() {
    InMemoryQuotaLedger ledger = new InMemoryQuotaLedger();
    Instant t = Fixtures.MONDAY_MORNING;
    assertEquals(Effect.ALLOW, PAYMENTS.evaluate(payment("a", 60.25, t), ledger).effect());
    assertEquals(Effect.ALLOW, PAYMENTS.evaluate(payment("a", "39.75", t.plusSeconds(120)), ledger).effect());
    Decision over = PAYMENTS.evaluate(payment("a", 0.01, t.plusSeconds(240)), ledger);
    assertEquals(Effect.DENY, over.effect());
    assertEquals("budget exceeded: at most 100 of parameter 'amount' per 1d per principal (rule pay)", over.reason());
    assertEquals(100_000, ledger.used("test/pay/budget|principal:a", Duration.ofDays(1), t.plusSeconds(240)));
    assertEquals(Effect.ALLOW, PAYMENTS.evaluate(payment("a", 5, t.plus(Duration.ofDays(1))), ledger).effect());
  }

  @Test
  void budgetFailsClosedWhenTheAmountIsMissingOrNegative() {
    InMemoryQuotaLedger ledger = new InMemoryQuotaLedger();
    EvaluationRequest noAmount = EvaluationRequest.builder("payment.send").principal(Principal.agent("a"))
        .phase(TrustPhase.AUTONOMOUS).time(Fixtures.MONDAY_MORNING).build();
    Decision missing = PAYMENTS.evaluate(noAmount, ledger);
    assertEquals(Effect.DENY, missing.effect());
    assertTrue(missing.reason().contains("budget parameter 'amount' is missing"), missing.reason());
    assertEquals(Effect.DENY, PAYMENTS.evaluate(payment("a", -5, Fixtures.MONDAY_MORNING), ledger).effect());
  }

  @Test
  void globalScopeIsSharedByEveryPrincipal() {
    InMemoryQuotaLedger ledger = new InMemoryQuotaLedger();
    EvaluationRequest.Builder export = request("data.export", TrustPhase.AUTONOMOUS);
    assertEquals(Effect.ALLOW, PAYMENTS.evaluate(export.principal(Principal.agent("x")).build(), ledger).effect());
    assertEquals(Effect.ALLOW, PAYMENTS.evaluate(export.principal(Principal.agent("y")).build(), ledger).effect());
    assertEquals(Effect.DENY, PAYMENTS.evaluate(export.principal(Principal.agent("z")).build(), ledger).effect());
  }

  @Test
  void dryRunChecksWithoutConsuming() {
    InMemoryQuotaLedger ledger = new InMemoryQuotaLedger();
    Instant t = Fixtures.MONDAY_MORNING;
    for (int i = 0; i < 10; i++) {
      assertEquals(Effect.ALLOW, PAYMENTS.dryRun(payment("a", 1, t), ledger).effect());
    }
    assertEquals(0, ledger.used("test/pay/rate|principal:a", Duration.ofMinutes(1), t));
    for (int i = 0; i < 3; i++) {
      PAYMENTS.evaluate(payment("a", 1, t), ledger);
    }
    assertEquals(Effect.DENY, PAYMENTS.dryRun(payment("a", 1, t), ledger).effect());
    assertEquals(3, ledger.used("test/pay/rate|principal:a", Duration.ofMinutes(1), t));
  }

  @Test
  void ledgerRefusesAmountsAboveTheLimitAndIsThreadSafe() throws Exception {
    InMemoryQuotaLedger ledger = new InMemoryQuotaLedger();
    Instant now = Instant.parse("2024-01-01T00:00:00Z");
    assertFalse(ledger.wouldAllow("k", 11, 10, Duration.ofMinutes(1), now));
    assertFalse(ledger.tryConsume("k", 11, 10, Duration.ofMinutes(1), now));
    int threads = 8;
    java.util.concurrent.atomic.AtomicInteger granted = new java.util.concurrent.atomic.AtomicInteger();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      java.util.List<java.util.concurrent.Future<?>> futures = new java.util.ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(() -> {
          for (int j = 0; j < 100; j++) {
            if (ledger.tryConsume("shared", 1, 250, Duration.ofMinutes(1), now)) {
              granted.incrementAndGet();
            }
          }
        }));
      }
      for (java.util.concurrent.Future<?> future : futures) {
        future.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(250, granted.get());
  }
}

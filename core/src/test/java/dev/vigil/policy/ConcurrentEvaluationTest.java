package dev.vigil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.vigil.scan.Severity;
import dev.vigil.trust.TrustPhase;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Smoke test: one snapshot evaluated from many threads decides exactly as it does sequentially. */
class ConcurrentEvaluationTest {

  @Test
  void parallelEvaluationEqualsSequential() throws Exception {
    // the passthrough policy has the higher priority but no default, so most requests fall through to the example
    PolicySet set = PolicySet.of(Fixtures.policy("example.yaml"), Fixtures.policy("authensor-passthrough.json"));
    String[] actions = {"file.read", "file.write", "payment.send", "db.exec", "user.get", "shell.exec", "x.y.z"};
    TrustPhase[] phases = TrustPhase.values();
    List<EvaluationRequest> requests = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      requests.add(EvaluationRequest.builder(actions[i % actions.length])
          .principal(new Principal("agent-" + (i % 13), "agent", Map.of("team", i % 2 == 0 ? "payments" : "growth")))
          .phase(phases[i % phases.length])
          .resource(i % 3 == 0 ? "prod/file" + i : "dev/file" + i)
          .parameter("amount", (i * 37) % 3000)
          .parameter("currency", i % 5 == 0 ? "GBP" : "USD")
          .parameter("sql", i % 7 == 0 ? "drop table x" : "select 1")
          .scan(i % 11 == 0 ? new ScanSummary(Severity.CRITICAL, Set.of("secret")) : ScanSummary.NONE)
          .time(Instant.parse("2024-01-08T00:00:00Z").plusSeconds(i * 97L))
          .build());
    }
    List<Decision> sequential = new ArrayList<>();
    for (EvaluationRequest request : requests) {
      sequential.add(set.dryRun(request, QuotaLedger.UNLIMITED));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Callable<List<Decision>>> tasks = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        tasks.add(() -> {
          List<Decision> out = new ArrayList<>();
          for (EvaluationRequest request : requests) {
            out.add(set.dryRun(request, QuotaLedger.UNLIMITED));
          }
          return out;
        });
      }
      for (Future<List<Decision>> future : pool.invokeAll(tasks)) {
        List<Decision> parallel = future.get();
        for (int i = 0; i < requests.size(); i++) {
          Decision expected = sequential.get(i);
          Decision actual = parallel.get(i);
          assertEquals(expected.effect(), actual.effect(), "request " + i);
          assertEquals(expected.ruleId(), actual.ruleId(), "request " + i);
          assertEquals(expected.reason(), actual.reason(), "request " + i);
          assertEquals(expected.policy(), actual.policy(), "request " + i);
        }
      }
    } finally {
      pool.shutdownNow();
    }
    // the mix must exercise more than one outcome, or the comparison proves little
    assertEquals(3, sequential.stream().map(Decision::effect).distinct().count());
  }
}

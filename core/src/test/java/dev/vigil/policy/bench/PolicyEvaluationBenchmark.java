package dev.vigil.policy.bench;

import dev.vigil.policy.Decision;
import dev.vigil.policy.EvaluationRequest;
import dev.vigil.policy.PolicyCompiler;
import dev.vigil.policy.PolicySet;
import dev.vigil.policy.Principal;
import dev.vigil.policy.QuotaLedger;
import dev.vigil.policy.ScanSummary;
import dev.vigil.scan.Severity;
import dev.vigil.trust.TrustPhase;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Throughput of one thread evaluating a 50-rule Vigil policy over a rotating mix of 64 requests
 * (reads, writes, payments, matches of every effect and defaults). Run with {@code -prof gc} for
 * the allocation per evaluation; see core/bench/policy-jmh.sh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class PolicyEvaluationBenchmark {

  private static final String[] DOMAINS = {"file", "db", "payment", "email", "http", "shell", "crm", "k8s", "s3", "queue"};
  private static final String[] VERBS = {"read", "write", "delete", "list", "get", "send", "exec", "query"};

  private PolicySet policies;
  private EvaluationRequest[] requests;
  private int next;

  /** Fifty rules over ten action domains: globs, parameters, resources, principals, phases, regexes and time windows. */
  static String fiftyRulePolicy() {
    StringBuilder yaml = new StringBuilder("""
        schema: vigil/v1
        id: bench-50
        version: 1.0.0
        action_kinds:
          read: ["*.read", "*.list", "*.get", "db.query"]
          write: ["*.write", "*.delete", "*.send", "*.exec"]
        rules:
        """);
    for (int i = 0; i < 50; i++) {
      // five rule shapes per domain, so every domain has a deny, a read, a write, an escalation and a catch-all
      String domain = DOMAINS[i / 5];
      yaml.append("  - id: rule-").append(i).append('\n');
      switch (i % 5) {
        case 0 -> yaml.append("    action: \"").append(domain).append(".*\"\n    effect: deny\n    when:\n")
            .append("      resource: \"prod/").append(domain).append("/secret/**\"\n");
        case 1 -> yaml.append("    action: \"").append(domain).append(".read\"\n    effect: allow\n")
            .append("    phases: [read-only, limited-write, autonomous]\n");
        case 2 -> yaml.append("    action: \"").append(domain).append(".write\"\n    effect: allow\n")
            .append("    phases: [limited-write, autonomous]\n    when:\n")
            .append("      parameters: {size: {lt: ").append(1000 * (i + 1)).append("}, mode: {in: [append, replace]}}\n")
            .append("      principal: {labels: {team: payments}}\n");
        case 3 -> yaml.append("    action: \"").append(domain).append(".send\"\n    effect: escalate\n    when:\n")
            .append("      any:\n        - {parameters: {amount: {gt: ").append(500 + i).append("}}}\n")
            .append("        - {parameters: {to: {matches: \"@(evil|spam)\\\\.example$\"}}}\n");
        default -> yaml.append("    action: \"").append(domain).append(".**\"\n    effect: allow\n    when:\n")
            .append("      time: {days: [mon-fri], from: \"07:00\", to: \"19:00\", timezone: Europe/Paris}\n")
            .append("      scan: {max_severity: medium}\n")
            .append("      not: {context: {environment: prod}}\n");
      }
    }
    return yaml.toString();
  }

  @Setup
  public void setUp() {
    policies = PolicySet.of(PolicyCompiler.compile(fiftyRulePolicy()));
    requests = new EvaluationRequest[64];
    TrustPhase[] phases = TrustPhase.values();
    Instant monday = Instant.parse("2024-01-08T09:30:00Z");
    for (int i = 0; i < requests.length; i++) {
      String domain = DOMAINS[i % DOMAINS.length];
      String verb = VERBS[(i / 3) % VERBS.length];
      requests[i] = EvaluationRequest.builder(domain + "." + verb)
          .resource(i % 4 == 0 ? "prod/" + domain + "/secret/key" + i : "dev/" + domain + "/item" + i)
          .principal(new Principal("agent-" + (i % 7), "agent", Map.of("team", i % 2 == 0 ? "payments" : "growth")))
          .phase(phases[i % phases.length])
          .parameter("size", i * 700)
          .parameter("mode", i % 3 == 0 ? "append" : "truncate")
          .parameter("amount", (i * 53) % 1200)
          .parameter("to", i % 5 == 0 ? "x@spam.example" : "ops@corp.example")
          .context("environment", i % 6 == 0 ? "prod" : "dev")
          .scan(i % 9 == 0 ? new ScanSummary(Severity.HIGH, Set.of("pii")) : ScanSummary.NONE)
          .time(monday.plusSeconds(i * 1800L))
          .build();
    }
  }

  @Benchmark
  public Decision evaluate() {
    EvaluationRequest request = requests[next++ & 63];
    return policies.evaluate(request, QuotaLedger.UNLIMITED);
  }
}

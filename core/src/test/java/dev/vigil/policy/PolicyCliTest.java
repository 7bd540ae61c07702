package dev.vigil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.policy.cli.PolicyCli;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyCliTest {

  @TempDir
  Path dir;

  private Path example;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeEach
  void copyFixtures() throws IOException {
    example = write("example.yaml", Fixtures.resource("example.yaml"));
  }

  private Path write(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
  }

  private int run(String... args) {
    return PolicyCli.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void lintAcceptsGoodPoliciesAndListsEveryErrorOfBadOnes() throws IOException {
    Path authensor = write("a.json", Fixtures.resource("authensor-payments.json"));
    assertEquals(0, run("lint", example.toString(), authensor.toString()));
    assertTrue(out().contains("ok    " + example + "  vigil policy payments-agent@1.4.0, 6 rules, sha256 "), out());
    assertTrue(out().contains("authensor policy authensor-payments@1.0.3"), out());

    Path broken = write("broken.yaml", Fixtures.resource("three-mistakes.yaml"));
    out.reset();
    assertEquals(1, run("lint", example.toString(), broken.toString()));
    assertTrue(out().contains("FAIL  " + broken + "  3 error(s)"), out());
    assertTrue(out().contains(broken + ":10:"), out());
    assertTrue(out().contains("rule 'third'"), out());
  }

  @Test
  void testRunsCasesAndReportsFailuresWithTheExplanation() throws IOException {
    Path cases = write("cases.yaml", Fixtures.resource("example-cases.yaml"));
    assertEquals(0, run("test", example.toString(), cases.toString()), out() + err);
    assertTrue(out().contains("5 passed, 0 failed"), out());

    Path wrong = write("wrong.yaml", """
        cases:
          - name: expects the wrong rule
            request: {action: file.read, phase: read-only, time: "2024-01-08T09:00:00Z"}
            expect: allow
            rule: small-payments
          - name: right
            request: {action: file.read, phase: shadow}
            expect: deny
        """);
    out.reset();
    assertEquals(1, run("test", example.toString(), wrong.toString()));
    assertTrue(out().contains("FAIL  expects the wrong rule: expected allow (rule small-payments), got allow (rule reads)"), out());
    assertTrue(out().contains("rule reads (allow) MATCHED"), out());
    assertTrue(out().contains("PASS  right"), out());
    assertTrue(out().contains("1 passed, 1 failed"), out());
  }

  @Test
  void casesShareOneLedgerSoRateLimitsCanBeTested() throws IOException {
    Path policy = write("limited.yaml", """
        schema: vigil/v1
        id: limited
        version: 1
        rules:
          - id: twice
            action: api.call
            effect: allow
            rate_limit: {requests: 2, window: 1h}
        """);
    Path cases = write("cases.yaml", """
        cases:
          - {request: {action: api.call, time: "2024-01-08T09:00:00Z"}, expect: allow}
          - {request: {action: api.call, time: "2024-01-08T09:00:01Z"}, expect: allow}
          - {request: {action: api.call, time: "2024-01-08T09:00:02Z"}, expect: deny, rule: twice}
        """);
    assertEquals(0, run("test", policy.toString(), cases.toString()), out());
    assertTrue(out().contains("3 passed, 0 failed"), out());
  }

  @Test
  void diffListsTheRequestsTwoVersionsDecideDifferently() throws IOException {
    Path v2 = write("example-v2.yaml", Fixtures.resource("example.yaml")
        .replace("version: 1.4.0", "version: 1.5.0")
        .replace("amount: {gt: 1000}", "amount: {gt: 500}")
        .replace("amount: {lte: 1000}", "amount: {lte: 500}"));
    Path requests = write("requests.jsonl", Fixtures.resource("requests.jsonl"));
    assertEquals(1, run("diff", example.toString(), v2.toString(), requests.toString()));
    String report = out();
    assertTrue(report.contains("#1 payment.send by test-agent (limited-write): allow [small-payments] -> escalate [big-payments]"), report);
    assertTrue(report.contains("1 of 4 requests decided differently (1.4.0 -> 1.5.0)"), report);

    out.reset();
    assertEquals(0, run("diff", example.toString(), example.toString(), requests.toString()));
    assertTrue(out().contains("0 of 4 requests decided differently"), out());
  }

  @Test
  void usageAndInputErrorsExitWithTwo() throws IOException {
    assertEquals(2, run());
    assertEquals(2, run("frobnicate"));
    assertEquals(2, run("test", example.toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("usage: vigil policy lint"));
    assertEquals(2, run("test", dir.resolve("missing.yaml").toString(), example.toString()));
    Path broken = write("broken.yaml", Fixtures.resource("three-mistakes.yaml"));
    Path cases = write("cases.yaml", Fixtures.resource("example-cases.yaml"));
    err.reset();
    assertEquals(2, run("test", broken.toString(), cases.toString()));
    assertTrue(err.toString(StandardCharsets.UTF_8).contains("unknown effect 'permit'"), err.toString());
  }
}

package dev.vigil.policy.cli;

import dev.vigil.policy.CompiledPolicy;
import dev.vigil.policy.Decision;
import dev.vigil.policy.EvaluationRequest;
import dev.vigil.policy.InMemoryQuotaLedger;
import dev.vigil.policy.PolicyCompiler;
import dev.vigil.policy.PolicyError;
import dev.vigil.policy.PolicySet;
import dev.vigil.policy.PolicyValidationException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code vigil policy}: {@code lint} policy files, {@code test} a policy against a file of
 * cases (request, expected effect and optionally rule, as {@code opa test} does), {@code diff}
 * two policy versions over a set of requests. A policy argument may name several files separated
 * by commas, evaluated as one set. Exit codes: 0 success, 1 lint errors / failed cases /
 * differences found, 2 bad usage or unreadable input.
 */
public final class PolicyCli {

  static final String USAGE = """
      usage: vigil policy lint <policy-file>...
             vigil policy test <policy-file[,policy-file...]> <cases.yaml>
             vigil policy diff <old-policy[,...]> <new-policy[,...]> <requests.yaml|requests.jsonl>
      """;

  private PolicyCli() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0) {
      err.print(USAGE);
      return 2;
    }
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    try {
      return switch (args[0]) {
        case "lint" -> rest.length == 0 ? usage(err) : lint(rest, out);
        case "test" -> rest.length != 2 ? usage(err) : test(rest[0], Path.of(rest[1]), out);
        case "diff" -> rest.length != 3 ? usage(err) : diff(rest[0], rest[1], Path.of(rest[2]), out);
        case "help", "--help", "-h" -> {
          out.print(USAGE);
          yield 0;
        }
        default -> usage(err);
      };
    } catch (PolicyValidationException e) {
      err.println(e.getMessage());
      return 2;
    } catch (IOException | RuntimeException e) {
      err.println("error: " + e.getMessage());
      return 2;
    }
  }

  private static int usage(PrintStream err) {
    err.print(USAGE);
    return 2;
  }

  private static int lint(String[] files, PrintStream out) throws IOException {
    int failed = 0;
    for (String file : files) {
      try {
        CompiledPolicy policy = PolicyCompiler.compile(Files.readString(Path.of(file), StandardCharsets.UTF_8));
        out.println("ok    " + file + "  " + policy.format().name().toLowerCase() + " policy " + policy.id() + "@"
            + policy.version() + ", " + policy.ruleIds().size() + " rules, sha256 " + policy.sha256());
      } catch (PolicyValidationException e) {
        failed++;
        out.println("FAIL  " + file + "  " + e.errors().size() + " error(s)");
        for (PolicyError error : e.errors()) {
          out.println(file + ":" + error);
        }
      }
    }
    return failed == 0 ? 0 : 1;
  }

  private static PolicySet load(String files) throws IOException {
    List<String> sources = new ArrayList<>();
    for (String file : files.split(",")) {
      sources.add(Files.readString(Path.of(file.trim()), StandardCharsets.UTF_8));
    }
    return PolicyCompiler.compileSet(sources);
  }

  private static int test(String policyFiles, Path casesFile, PrintStream out) throws IOException {
    PolicySet policies = load(policyFiles);
    Map<String, Object> document = RequestDocuments.readMap(casesFile);
    if (!(document.get("cases") instanceof List<?> cases)) {
      throw new IllegalArgumentException(casesFile + ": expected 'cases: [...]'");
    }
    // One ledger for the whole file: cases run in order, so rate limits and budgets can be tested.
    InMemoryQuotaLedger ledger = new InMemoryQuotaLedger();
    int passed = 0;
    int failed = 0;
    for (int i = 0; i < cases.size(); i++) {
      Map<String, Object> testCase = RequestDocuments.asMap(cases.get(i), "case");
      String name = testCase.get("name") == null ? "case " + (i + 1) : testCase.get("name").toString();
      Expectation expected = Expectation.of(testCase);
      Decision decision = policies.evaluate(
          RequestDocuments.toRequest(RequestDocuments.asMap(testCase.get("request"), "request")), ledger);
      if (expected.matches(decision)) {
        passed++;
        out.println("PASS  " + name);
      } else {
        failed++;
        out.println("FAIL  " + name + ": expected " + expected + ", got " + decision.effect().wireName()
            + " (rule " + Objects.requireNonNullElse(decision.ruleId(), "none") + "): " + decision.reason());
        out.print(indent(decision.explanation().render()));
      }
    }
    out.println(passed + " passed, " + failed + " failed");
    return failed == 0 ? 0 : 1;
  }

  private static String indent(String text) {
    return text.isEmpty() ? "" : "      " + text.strip().replace("\n", "\n      ") + "\n";
  }

  /** What a case expects: an effect and, when given, the deciding rule ({@code none} for a default). */
  private record Expectation(String effect, String rule) {
    static Expectation of(Map<String, Object> testCase) {
      Object expect = testCase.get("expect");
      Object rule = testCase.get("rule");
      if (expect instanceof Map<?, ?> map) {
        rule = map.get("rule");
        expect = map.get("effect");
      }
      if (expect == null) {
        throw new IllegalArgumentException("every case needs 'expect: allow|deny|escalate'");
      }
      String effect = expect.toString().toLowerCase();
      if (!List.of("allow", "deny", "escalate").contains(effect)) {
        throw new IllegalArgumentException("unknown expected effect '" + expect + "'");
      }
      return new Expectation(effect, rule == null ? null : rule.toString());
    }

    boolean matches(Decision decision) {
      if (!decision.effect().wireName().equals(effect)) {
        return false;
      }
      return rule == null || rule.equals(Objects.requireNonNullElse(decision.ruleId(), "none"));
    }

    @Override
    public String toString() {
      return effect + (rule == null ? "" : " (rule " + rule + ")");
    }
  }

  private static int diff(String oldFiles, String newFiles, Path requestsFile, PrintStream out) throws IOException {
    PolicySet before = load(oldFiles);
    PolicySet after = load(newFiles);
    List<Map<String, Object>> documents = RequestDocuments.readRequests(requestsFile);
    int different = 0;
    for (int i = 0; i < documents.size(); i++) {
      EvaluationRequest request = RequestDocuments.toRequest(documents.get(i));
      // Dry runs against empty ledgers: each request is judged alone and nothing is consumed.
      Decision old = before.dryRun(request, new InMemoryQuotaLedger());
      Decision now = after.dryRun(request, new InMemoryQuotaLedger());
      if (old.effect() != now.effect() || !Objects.equals(old.ruleId(), now.ruleId())) {
        different++;
        out.println("#" + (i + 1) + " " + RequestDocuments.label(request) + ": " + describe(old) + " -> " + describe(now));
      }
    }
    out.println(different + " of " + documents.size() + " requests decided differently ("
        + before.ref().version() + " -> " + after.ref().version() + ")");
    return different == 0 ? 0 : 1;
  }

  private static String describe(Decision decision) {
    return decision.effect().wireName() + " [" + Objects.requireNonNullElse(decision.ruleId(), "default") + "]";
  }
}

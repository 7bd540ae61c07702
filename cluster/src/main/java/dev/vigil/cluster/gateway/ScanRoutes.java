package dev.vigil.cluster.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

import dev.vigil.actors.scanner.ScannerClient;
import dev.vigil.protocol.PolicyProtocol.EvaluationInput;
import dev.vigil.persistence.keys.Role;
import dev.vigil.protocol.ScannerProtocol.FindingView;
import dev.vigil.protocol.ScannerProtocol.ScanView;

/**
 * {@code POST /v1/scan} {@code {text, source: agent|tool-result, mode: detect|redact}}: scans text with the scanner
 * pool (e.g. what a tool returned to an agent before the agent reads it) and answers the findings, and in
 * {@code redact} mode the text with secrets, PII and exfiltration channels masked. With scanning switched off
 * ({@code VIGIL_SCANNER_ENABLED=false}) it answers {@code "scanned": false} and no findings.
 */
public final class ScanRoutes {

  private static final Set<String> SOURCES = Set.of("agent", "tool-result", "user");

  private final ScannerClient scanner;

  public ScanRoutes(ScannerClient scanner) {
    this.scanner = scanner;
  }

  public List<Endpoint> endpoints() {
    return List.of(Endpoint.of("POST", "/v1/scan", Set.of(Role.ADMIN, Role.OPERATOR, Role.AGENT), "scan",
        this::scan));
  }

  private CompletionStage<ApiResponse> scan(Call call) {
    Json.Validator body = new Json.Validator(call.body());
    String text = body.requiredText("text", scanner.settings().maxTextChars());
    String source = body.optionalText("source", 32).orElse("agent");
    String mode = body.optionalText("mode", 16).orElse("detect");
    if (!SOURCES.contains(source)) {
      body.problem("source", "must be one of agent, tool-result, user, got '" + source + "'");
    }
    if (!mode.equals("detect") && !mode.equals("redact")) {
      body.problem("mode", "must be detect or redact, got '" + mode + "'");
    }
    body.check();
    boolean redact = mode.equals("redact");
    return scanner.scan(text, source, redact).handle((view, failure) -> {
      if (failure != null) {
        Throwable cause = ApiRouter.unwrap(failure);
        if (cause instanceof IllegalArgumentException refused) {
          throw ApiError.badRequest(refused.getMessage());
        }
        throw ApiError.unavailable("the scanner pool did not answer: " + cause.getMessage());
      }
      Map<String, Object> answer = view(view, scanner.enabled());
      answer.put("source", source);
      answer.put("mode", mode);
      if (redact && scanner.enabled()) {
        answer.put("redactedText", view.redactedText());
      }
      return ApiResponse.ok(answer);
    });
  }

  /** A scan as JSON: whether it ran, the summary policies see, and each finding. */
  static Map<String, Object> view(ScanView view, boolean scanned) {
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("scanned", scanned);
    answer.put("maxSeverity", view.maxSeverity());
    answer.put("types", view.types());
    answer.put("findings", view.findings().stream().map(ScanRoutes::finding).toList());
    return answer;
  }

  static Map<String, Object> finding(FindingView finding) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("type", finding.type());
    view.put("detector", finding.detector());
    view.put("severity", finding.severity());
    view.put("start", finding.start());
    view.put("end", finding.end());
    view.put("reason", finding.reason());
    view.put("score", finding.score());
    return view;
  }

  /**
   * The scan of an action before it is decided: the request's {@code content} and every string in its parameters,
   * each scanned as sent by the agent; findings are labelled with the field they came from.
   */
  public static final class ContentScans {

    /** At most this many texts of one request are scanned (the rest would only repeat the cost). */
    static final int MAX_TEXTS = 64;

    private ContentScans() {}

    /** What one action's scan found; {@code scanned} is false when scanning is off or there was nothing to scan. */
    public record Result(boolean scanned, String maxSeverity, List<String> types, List<Map<String, Object>> findings) {
      static final Result NOT_SCANNED = new Result(false, "none", List.of(), List.of());

      /** Adds the scan to an evaluate answer. */
      public Map<String, Object> addTo(Map<String, Object> answer) {
        Map<String, Object> scan = new LinkedHashMap<>();
        scan.put("scanned", scanned);
        scan.put("maxSeverity", maxSeverity);
        scan.put("types", types);
        scan.put("findings", findings);
        answer.put("scan", scan);
        return answer;
      }
    }

    /** The texts to scan: {@code content} and string parameters (nested ones too), by field name. */
    public static Map<String, String> texts(JsonNode body, EvaluationInput input) {
      return texts(body, input.parameters());
    }

    /** The texts to scan: {@code content} and the string values of {@code parameters} (nested ones too). */
    public static Map<String, String> texts(JsonNode body, Map<String, Object> parameters) {
      Map<String, String> texts = new LinkedHashMap<>();
      JsonNode content = body == null ? null : body.get("content");
      if (content == null && body != null && body.path("action").isObject()) {
        content = body.get("action").get("content");
      }
      if (content != null && content.isTextual() && !content.asText().isEmpty()) {
        texts.put("content", content.asText());
      }
      collect("parameters", parameters, texts);
      return texts;
    }

    private static void collect(String field, Object value, Map<String, String> texts) {
      if (texts.size() >= MAX_TEXTS) {
        return;
      }
      if (value instanceof String text && !text.isEmpty()) {
        texts.put(field, text);
      } else if (value instanceof Map<?, ?> map) {
        map.forEach((key, nested) -> collect(field + "." + key, nested, texts));
      } else if (value instanceof List<?> list) {
        for (int i = 0; i < list.size(); i++) {
          collect(field + "[" + i + "]", list.get(i), texts);
        }
      }
    }

    /** Scans each text with the pool; fails (503) when the pool does not answer: an unscanned action is not decided. */
    public static CompletionStage<Result> scan(ScannerClient scanner, Map<String, String> texts) {
      if (scanner == null || !scanner.enabled() || texts.isEmpty()) {
        return CompletableFuture.completedFuture(Result.NOT_SCANNED);
      }
      List<String> fields = new ArrayList<>(texts.keySet());
      List<CompletableFuture<ScanView>> scans = new ArrayList<>();
      for (String field : fields) {
        scans.add(scanner.scan(texts.get(field), "agent", false).toCompletableFuture());
      }
      return CompletableFuture.allOf(scans.toArray(CompletableFuture[]::new)).handle((done, failure) -> {
        if (failure != null) {
          Throwable cause = ApiRouter.unwrap(failure);
          if (cause instanceof IllegalArgumentException refused) {
            throw ApiError.badRequest(refused.getMessage());
          }
          throw ApiError.unavailable("the scanner pool did not answer: " + cause.getMessage());
        }
        dev.vigil.scan.Severity max = dev.vigil.scan.Severity.NONE;
        java.util.TreeSet<String> types = new java.util.TreeSet<>();
        List<Map<String, Object>> findings = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
          ScanView view = scans.get(i).join();
          max = dev.vigil.scan.Severity.max(max, dev.vigil.scan.Severity.fromWire(view.maxSeverity()));
          types.addAll(view.types());
          for (FindingView finding : view.findings()) {
            Map<String, Object> labelled = new LinkedHashMap<>();
            labelled.put("field", fields.get(i));
            labelled.putAll(finding(finding));
            findings.add(labelled);
          }
        }
        return new Result(true, max.wireName(), List.copyOf(types), findings);
      });
    }

    /** The policy request with the scan's summary, which rules test as {@code scan.maxSeverity}/{@code findingTypes}. */
    public static EvaluationInput withSummary(EvaluationInput input, Result scan) {
      return new EvaluationInput(input.agentId(), input.phase(), input.action(), input.resource(), input.parameters(),
          input.principalType(), input.principalLabels(), input.context(), input.time(), scan.maxSeverity(),
          scan.types());
    }
  }
}

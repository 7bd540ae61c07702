package dev.vigil.policy.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.policy.EvaluationRequest;
import dev.vigil.policy.Principal;
import dev.vigil.policy.ScanSummary;
import dev.vigil.scan.Severity;
import dev.vigil.trust.TrustPhase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Reads requests written by hand for {@code vigil policy test} and {@code diff}: YAML/JSON
 * documents, or JSON Lines when the file ends in {@code .jsonl}/{@code .ndjson}. A request is
 * either Vigil's form ({@code action: file.read}, {@code principal: {id, type, labels}},
 * {@code phase}, {@code time}, {@code scan: {max_severity, types}}) or an Authensor envelope
 * ({@code action: {type, ...}}). Missing phase means {@code shadow}; missing time means now.
 */
final class RequestDocuments {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private RequestDocuments() {}

  /** The requests of a file: a list, a map with {@code requests: [...]}, or JSON Lines. */
  static List<Map<String, Object>> readRequests(Path file) throws IOException {
    String name = file.getFileName().toString();
    List<Map<String, Object>> result = new ArrayList<>();
    if (name.endsWith(".jsonl") || name.endsWith(".ndjson")) {
      for (String line : Files.readAllLines(file)) {
        if (!line.isBlank()) {
          result.add(JSON.readValue(line, MAP));
        }
      }
      return result;
    }
    Object document = YAML.readValue(file.toFile(), Object.class);
    if (document instanceof Map<?, ?> map && map.get("requests") instanceof List<?> list) {
      document = list;
    }
    if (!(document instanceof List<?> list)) {
      throw new IOException(file + ": expected a list of requests (or requests: [...])");
    }
    for (Object item : list) {
      result.add(asMap(item, "request"));
    }
    return result;
  }

  static Map<String, Object> readMap(Path file) throws IOException {
    return YAML.readValue(file.toFile(), MAP);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> asMap(Object value, String what) {
    if (value instanceof Map<?, ?> map) {
      return (Map<String, Object>) map;
    }
    throw new IllegalArgumentException("expected " + what + " to be a map, found " + value);
  }

  static EvaluationRequest toRequest(Map<String, Object> document) {
    TrustPhase phase = document.get("phase") == null ? null : TrustPhase.parse(document.get("phase").toString());
    Instant time = document.get("time") == null ? Instant.now() : Instant.parse(document.get("time").toString());
    Object action = document.get("action");
    if (action instanceof Map<?, ?>) {
      Map<String, Object> envelope = new LinkedHashMap<>(document);
      Map<String, Object> context = document.get("context") == null ? Map.of() : asMap(document.get("context"), "context");
      TrustPhase envelopePhase = phase != null ? phase : context.get("phase") != null ? null : TrustPhase.SHADOW;
      return EvaluationRequest.fromAuthensorEnvelope(envelope, envelopePhase, time);
    }
    if (!(action instanceof String actionName)) {
      throw new IllegalArgumentException("a request needs an action (a name, or an Authensor action object)");
    }
    EvaluationRequest.Builder builder = EvaluationRequest.builder(actionName)
        .principal(principal(document.get("principal")))
        .phase(phase == null ? TrustPhase.SHADOW : phase)
        .time(time);
    if (document.get("resource") != null) {
      builder.resource(document.get("resource").toString());
    }
    if (document.get("parameters") != null) {
      builder.parameters(asMap(document.get("parameters"), "parameters"));
    }
    if (document.get("context") != null) {
      builder.context(asMap(document.get("context"), "context"));
    }
    if (document.get("scan") != null) {
      builder.scan(scan(asMap(document.get("scan"), "scan")));
    }
    return builder.build();
  }

  private static Principal principal(Object value) {
    if (value == null) {
      return Principal.agent("test-agent");
    }
    if (value instanceof String id) {
      return Principal.agent(id);
    }
    Map<String, Object> map = asMap(value, "principal");
    Map<String, String> labels = new LinkedHashMap<>();
    if (map.get("labels") != null) {
      asMap(map.get("labels"), "principal.labels").forEach((k, v) -> labels.put(k, String.valueOf(v)));
    }
    Object id = map.get("id");
    Object type = map.get("type");
    return new Principal(id == null ? "test-agent" : id.toString(), type == null ? null : type.toString(), labels);
  }

  private static ScanSummary scan(Map<String, Object> map) {
    Object severity = map.getOrDefault("max_severity", map.get("maxSeverity"));
    Object types = map.getOrDefault("types", map.get("findingTypes"));
    LinkedHashSet<String> typeNames = new LinkedHashSet<>();
    if (types instanceof List<?> list) {
      list.forEach(t -> typeNames.add(String.valueOf(t)));
    }
    return new ScanSummary(severity == null ? Severity.NONE : Severity.fromWire(severity.toString()), typeNames);
  }

  /** A one-line label for a request in reports. */
  static String label(EvaluationRequest request) {
    return request.action() + (request.resource() == null ? "" : " " + request.resource())
        + " by " + request.principal().id() + " (" + request.phase().wireName() + ")";
  }
}

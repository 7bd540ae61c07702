package dev.vigil.policy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.trust.TrustPhase;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One action an agent wants to take, as the policy engine sees it. Maps are copied into
 * unmodifiable maps (values may be null, which conditions treat as absent); nested maps and
 * lists are not copied, so callers must not change them after building the request.
 */
public record EvaluationRequest(
    String action,
    String resource,
    Map<String, Object> parameters,
    Principal principal,
    TrustPhase phase,
    Map<String, Object> context,
    Instant time,
    ScanSummary scan) {

  /** The context key under which an Authensor envelope's {@code action.operation} is kept. */
  public static final String OPERATION_KEY = "action.operation";

  private static final ObjectMapper JSON = new ObjectMapper();

  public EvaluationRequest {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(principal, "principal");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(time, "time");
    parameters = frozen(parameters);
    context = frozen(context);
    scan = scan == null ? ScanSummary.NONE : scan;
  }

  private static Map<String, Object> frozen(Map<String, Object> map) {
    return map == null || map.isEmpty() ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }

  public static Builder builder(String action) {
    return new Builder(action);
  }

  /**
   * Builds a request from an Authensor action envelope: {@code action {type, resource, operation,
   * parameters}}, {@code principal {type, id, labels|attributes}}, {@code context}, optional
   * {@code timestamp}. The phase comes from the caller (the agent's entity), or else from
   * {@code context.phase}; the time from {@code timestamp}, or else {@code now}.
   */
  public static EvaluationRequest fromAuthensorEnvelope(JsonNode envelope, TrustPhase phase, Instant now) {
    return fromAuthensorEnvelope(JSON.convertValue(envelope, new TypeReference<Map<String, Object>>() {}), phase, now);
  }

  /** Same as {@link #fromAuthensorEnvelope(JsonNode, TrustPhase, Instant)} for an already parsed map. */
  public static EvaluationRequest fromAuthensorEnvelope(Map<String, Object> envelope, TrustPhase phase, Instant now) {
    Map<String, Object> action = mapAt(envelope, "action");
    Object type = action.get("type");
    if (!(type instanceof String actionType) || actionType.isBlank()) {
      throw new IllegalArgumentException("envelope needs action.type (a string)");
    }
    Map<String, Object> principalMap = mapAt(envelope, "principal");
    Object principalId = principalMap.get("id");
    if (principalId == null) {
      throw new IllegalArgumentException("envelope needs principal.id");
    }
    Map<String, String> labels = new LinkedHashMap<>();
    for (String key : new String[] {"attributes", "labels"}) {
      mapAt(principalMap, key).forEach((k, v) -> {
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
          labels.put(k, v.toString());
        }
      });
    }
    Map<String, Object> context = new LinkedHashMap<>(mapAt(envelope, "context"));
    if (action.get("operation") != null) {
      context.put(OPERATION_KEY, action.get("operation"));
    }
    TrustPhase effectivePhase = phase;
    if (effectivePhase == null) {
      Object declared = context.get("phase");
      if (declared == null) {
        throw new IllegalArgumentException("no trust phase given and none in context.phase");
      }
      effectivePhase = TrustPhase.parse(declared.toString());
    }
    Object principalType = principalMap.get("type");
    Object resource = action.get("resource");
    return new EvaluationRequest(
        actionType,
        resource == null ? null : resource.toString(),
        mapAt(action, "parameters"),
        new Principal(principalId.toString(), principalType == null ? null : principalType.toString(), labels),
        effectivePhase,
        context,
        timestampOr(envelope.get("timestamp"), now),
        ScanSummary.NONE);
  }

  private static Instant timestampOr(Object timestamp, Instant fallback) {
    if (timestamp instanceof String text) {
      try {
        return Instant.parse(text);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("envelope timestamp is not an ISO-8601 instant: " + text, e);
      }
    }
    if (timestamp instanceof Number millis) {
      return Instant.ofEpochMilli(millis.longValue());
    }
    return Objects.requireNonNull(fallback, "now");
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> mapAt(Map<String, Object> map, String key) {
    Object value = map == null ? null : map.get(key);
    if (value == null) {
      return Map.of();
    }
    if (value instanceof Map<?, ?> nested) {
      return (Map<String, Object>) nested;
    }
    throw new IllegalArgumentException("envelope field '" + key + "' must be an object");
  }

  /** Fluent construction for code and tests; {@code principal} and {@code phase} are required. */
  public static final class Builder {
    private final String action;
    private String resource;
    private final Map<String, Object> parameters = new LinkedHashMap<>();
    private Principal principal;
    private TrustPhase phase;
    private final Map<String, Object> context = new LinkedHashMap<>();
    private Instant time;
    private ScanSummary scan = ScanSummary.NONE;

    private Builder(String action) {
      this.action = action;
    }

    public Builder resource(String resource) {
      this.resource = resource;
      return this;
    }

    public Builder parameter(String name, Object value) {
      parameters.put(name, value);
      return this;
    }

    public Builder parameters(Map<String, Object> values) {
      parameters.putAll(values);
      return this;
    }

    public Builder principal(Principal principal) {
      this.principal = principal;
      return this;
    }

    public Builder phase(TrustPhase phase) {
      this.phase = phase;
      return this;
    }

    public Builder context(String key, Object value) {
      context.put(key, value);
      return this;
    }

    public Builder context(Map<String, Object> values) {
      context.putAll(values);
      return this;
    }

    public Builder time(Instant time) {
      this.time = time;
      return this;
    }

    public Builder scan(ScanSummary scan) {
      this.scan = scan;
      return this;
    }

    public EvaluationRequest build() {
      return new EvaluationRequest(action, resource, parameters, principal, phase, context,
          time == null ? Instant.now() : time, scan);
    }
  }
}

package dev.vigil.cluster.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * The gateway's JSON: one configured mapper (ISO-8601 times, absent optionals omitted), and a validator that collects
 * every problem of a request body before answering, so a client fixes its request in one round.
 */
public final class Json {

  public static final ObjectMapper MAPPER = new ObjectMapper()
      .registerModule(new Jdk8Module())
      .registerModule(new JavaTimeModule())
      .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
      .setSerializationInclusion(JsonInclude.Include.NON_ABSENT);

  /** Identifiers chosen by clients (agent ids, key names in paths): letters, digits and {@code . _ : -}. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  private Json() {}

  /** Collects the problems of one request body. */
  public static final class Validator {
    private final JsonNode body;
    private final List<ApiError.Detail> problems = new ArrayList<>();

    public Validator(JsonNode body) {
      this.body = body;
      if (body == null || body.isMissingNode() || !body.isObject()) {
        problems.add(new ApiError.Detail("", "the body must be a JSON object"));
      }
    }

    public String requiredText(String field, int maxLength) {
      JsonNode node = body == null ? null : body.get(field);
      if (node == null || node.isNull()) {
        problems.add(new ApiError.Detail(field, "is required"));
        return null;
      }
      return text(field, node, maxLength);
    }

    public Optional<String> optionalText(String field, int maxLength) {
      JsonNode node = body == null ? null : body.get(field);
      if (node == null || node.isNull()) {
        return Optional.empty();
      }
      return Optional.ofNullable(text(field, node, maxLength));
    }

    public Map<String, String> optionalStringMap(String field, int maxEntries) {
      JsonNode node = body == null ? null : body.get(field);
      Map<String, String> values = new LinkedHashMap<>();
      if (node == null || node.isNull()) {
        return values;
      }
      if (!node.isObject()) {
        problems.add(new ApiError.Detail(field, "must be an object of string values"));
        return values;
      }
      if (node.size() > maxEntries) {
        problems.add(new ApiError.Detail(field, "has more than " + maxEntries + " entries"));
      }
      node.fields().forEachRemaining(e -> {
        if (!e.getValue().isTextual()) {
          problems.add(new ApiError.Detail(field + "." + e.getKey(), "must be a string"));
        } else {
          values.put(e.getKey(), e.getValue().asText());
        }
      });
      return values;
    }

    /** Records a problem found by the caller's own check. */
    public void problem(String field, String problem) {
      problems.add(new ApiError.Detail(field, problem));
    }

    /** Throws a 400 listing every problem, if there is any. */
    public void check() {
      if (!problems.isEmpty()) {
        throw ApiError.badRequest("the request body is invalid: " + problems.size() + " problem(s)", problems);
      }
    }

    private String text(String field, JsonNode node, int maxLength) {
      if (!node.isTextual()) {
        problems.add(new ApiError.Detail(field, "must be a string"));
        return null;
      }
      String value = node.asText();
      if (value.isBlank()) {
        problems.add(new ApiError.Detail(field, "must not be blank"));
      } else if (value.length() > maxLength) {
        problems.add(new ApiError.Detail(field, "must be at most " + maxLength + " characters"));
      }
      return value;
    }
  }

  /** Checks a client-chosen id from a path, answering 400 with the rule when it does not fit. */
  public static String id(String field, String value) {
    if (!ID.matcher(value).matches()) {
      throw ApiError.badRequest(field + " must be 1-128 characters of letters, digits and . _ : - (starting with a letter or digit)",
          List.of(new ApiError.Detail(field, "invalid identifier")));
    }
    return value;
  }
}

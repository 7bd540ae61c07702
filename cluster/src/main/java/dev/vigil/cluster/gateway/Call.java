package dev.vigil.cluster.gateway;

import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;

import dev.vigil.persistence.keys.Principal;

/**
 * One authenticated request as a handler sees it: the request id, the caller (absent on public endpoints), the path
 * parameters of the endpoint's template, the query parameters, the parsed JSON body (a missing node when empty or not
 * JSON), for YAML bodies ({@code application/yaml}) the raw text, and the bearer token as presented (public endpoints
 * that authenticate with their own tokens, such as an investigation's, check it themselves).
 */
public record Call(String requestId, Optional<Principal> principal, Map<String, String> pathParams,
    Map<String, String> query, JsonNode body, Optional<String> yamlBody, Optional<String> bearerToken) {

  public String path(String name) {
    String value = pathParams.get(name);
    if (value == null) {
      throw new IllegalStateException("endpoint template has no {" + name + "}");
    }
    return value;
  }

  public Principal caller() {
    return principal.orElseThrow(() -> new IllegalStateException("public endpoint asked for a caller"));
  }
}

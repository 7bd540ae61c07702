package dev.vigil.cluster.gateway;

import java.util.Map;

/** A handler's answer: status, a body the router renders as JSON (null for none), and extra headers. */
public record ApiResponse(int status, Object body, Map<String, String> headers) {

  public static ApiResponse ok(Object body) {
    return new ApiResponse(200, body, Map.of());
  }

  public static ApiResponse created(Object body, String location) {
    return new ApiResponse(201, body, Map.of("Location", location));
  }

  public static ApiResponse accepted(Object body, String location) {
    return new ApiResponse(202, body, Map.of("Location", location));
  }
}

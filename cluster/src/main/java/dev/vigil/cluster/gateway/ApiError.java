package dev.vigil.cluster.gateway;

import java.util.List;

/**
 * A failure with a meaning for the client: its HTTP status, a stable machine-readable code, a sentence saying what is
 * wrong, and (for invalid input) one detail per problem. Rendered as the gateway's JSON error body.
 */
public final class ApiError extends RuntimeException {

  /** One problem with one field of the request; for a policy, also its line and rule. */
  public record Detail(String field, String problem, Integer line, String ruleId) {
    public Detail(String field, String problem) {
      this(field, problem, null, null);
    }
  }

  private final int status;
  private final String code;
  private final List<Detail> details;

  public ApiError(int status, String code, String message, List<Detail> details) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.details = List.copyOf(details);
  }

  public ApiError(int status, String code, String message) {
    this(status, code, message, List.of());
  }

  public static ApiError badRequest(String message, List<Detail> details) {
    return new ApiError(400, "invalid_request", message, details);
  }

  public static ApiError badRequest(String message) {
    return new ApiError(400, "invalid_request", message);
  }

  public static ApiError notFound(String message) {
    return new ApiError(404, "not_found", message);
  }

  public static ApiError conflict(String message) {
    return new ApiError(409, "conflict", message);
  }

  public static ApiError forbidden(String message) {
    return new ApiError(403, "forbidden", message);
  }

  public static ApiError unavailable(String message) {
    return new ApiError(503, "unavailable", message);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public List<Detail> details() {
    return details;
  }
}

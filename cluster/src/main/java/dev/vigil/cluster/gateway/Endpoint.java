package dev.vigil.cluster.gateway;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import dev.vigil.persistence.keys.Role;

/**
 * One operation of the HTTP API: method, path template ({@code /v1/keys/{keyId}}), who may call it (no roles =
 * public), a stable name used as the metrics tag, and the handler. The list of endpoints is the single source of truth
 * for routing, and the OpenAPI test compares it with {@code openapi.json}.
 */
public record Endpoint(String method, String template, Set<Role> roles, String name,
    Function<Call, CompletionStage<ApiResponse>> handler) {

  public static Endpoint open(String method, String template, String name, Function<Call, CompletionStage<ApiResponse>> handler) {
    return new Endpoint(method, template, Set.of(), name, handler);
  }

  public static Endpoint of(String method, String template, Set<Role> roles, String name,
      Function<Call, CompletionStage<ApiResponse>> handler) {
    if (roles.isEmpty()) {
      throw new IllegalArgumentException(name + ": an authenticated endpoint needs at least one role");
    }
    return new Endpoint(method, template, EnumSet.copyOf(roles), name, handler);
  }

  public boolean isPublic() {
    return roles.isEmpty();
  }

  /** Path parameters when the path's segments fit the template's, else null. No regex, no allocation on a miss. */
  static Map<String, String> match(List<String> own, List<String> pathSegments) {
    if (own.size() != pathSegments.size()) {
      return null;
    }
    for (int i = 0; i < own.size(); i++) {
      String mine = own.get(i);
      if (!mine.startsWith("{") && !mine.equals(pathSegments.get(i))) {
        return null;
      }
    }
    Map<String, String> params = new java.util.HashMap<>(4);
    for (int i = 0; i < own.size(); i++) {
      String mine = own.get(i);
      if (mine.startsWith("{")) {
        params.put(mine.substring(1, mine.length() - 1), pathSegments.get(i));
      }
    }
    return params;
  }

  static List<String> splitPath(String path) {
    List<String> segments = new ArrayList<>(6);
    int start = path.startsWith("/") ? 1 : 0;
    while (start <= path.length()) {
      int slash = path.indexOf('/', start);
      int end = slash < 0 ? path.length() : slash;
      if (end > start) {
        segments.add(path.substring(start, end));
      }
      if (slash < 0) {
        break;
      }
      start = slash + 1;
    }
    return segments;
  }
}

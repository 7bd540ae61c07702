package dev.vigil.cluster.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;

import dev.vigil.persistence.keys.Principal;
import dev.vigil.persistence.keys.Role;

/** {@code GET /v1/version}, {@code GET /v1/openapi.json} (both public) and {@code GET /v1/whoami}. */
public final class SystemRoutes {

  private final Map<String, Object> version;
  private final JsonNode openApi;

  public SystemRoutes(String buildVersion, String profile, String nodeAddress, Set<String> roles) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("name", "vigil");
    v.put("version", buildVersion);
    v.put("apiVersion", "v1");
    v.put("profile", profile);
    v.put("node", nodeAddress);
    v.put("roles", roles.stream().sorted().toList());
    v.put("pekko", org.apache.pekko.Version.current());
    v.put("java", System.getProperty("java.version"));
    this.version = Map.copyOf(v);
    this.openApi = loadOpenApi();
  }

  public static JsonNode loadOpenApi() {
    try (InputStream in = SystemRoutes.class.getResourceAsStream("/openapi.json")) {
      if (in == null) {
        throw new IllegalStateException("openapi.json missing from the classpath");
      }
      return Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("openapi.json is not valid JSON", e);
    }
  }

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.open("GET", "/v1/version", "version", call -> CompletableFuture.completedFuture(ApiResponse.ok(version))),
        Endpoint.open("GET", "/v1/openapi.json", "openapi", call -> CompletableFuture.completedFuture(ApiResponse.ok(openApi))),
        Endpoint.of("GET", "/v1/whoami", Set.of(Role.ADMIN, Role.OPERATOR, Role.AGENT), "whoami", call -> {
          Principal who = call.caller();
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("keyId", who.keyId());
          body.put("name", who.name());
          body.put("role", who.role().wireName());
          who.agentId().ifPresent(a -> body.put("agentId", a));
          return CompletableFuture.completedFuture(ApiResponse.ok(body));
        }));
  }
}

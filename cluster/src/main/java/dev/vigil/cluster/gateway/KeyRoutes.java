package dev.vigil.cluster.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import dev.vigil.persistence.keys.ApiKey;
import dev.vigil.persistence.keys.ApiKeyStore;
import dev.vigil.persistence.keys.Role;

/**
 * API key management for admins: create (the key is in the answer once, never again), list, read, revoke. A revoked
 * key stops working on every node at once (see {@link Authenticator}).
 */
public final class KeyRoutes {

  private static final Set<Role> ADMIN = Set.of(Role.ADMIN);

  private final ApiKeyStore store;
  private final Authenticator authenticator;

  public KeyRoutes(ApiKeyStore store, Authenticator authenticator) {
    this.store = store;
    this.authenticator = authenticator;
  }

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of("POST", "/v1/keys", ADMIN, "keys.create", this::create),
        Endpoint.of("GET", "/v1/keys", ADMIN, "keys.list", call -> store.list().thenApply(keys ->
            ApiResponse.ok(Map.of("keys", keys.stream().map(KeyRoutes::view).toList())))),
        Endpoint.of("GET", "/v1/keys/{keyId}", ADMIN, "keys.get", call -> store.get(call.path("keyId")).thenApply(key ->
            ApiResponse.ok(view(key.orElseThrow(() -> ApiError.notFound("no API key " + call.path("keyId"))))))),
        Endpoint.of("DELETE", "/v1/keys/{keyId}", ADMIN, "keys.revoke", this::revoke));
  }

  private CompletionStage<ApiResponse> create(Call call) {
    Json.Validator body = new Json.Validator(call.body());
    String name = body.requiredText("name", 200);
    String roleText = body.requiredText("role", 16);
    Optional<String> agentId = body.optionalText("agentId", 128);
    Role role = null;
    if (roleText != null) {
      try {
        role = Role.parse(roleText);
      } catch (IllegalArgumentException e) {
        body.problem("role", e.getMessage());
      }
    }
    agentId.ifPresent(id -> {
      if (!Json.ID.matcher(id).matches()) {
        body.problem("agentId", "must be 1-128 characters of letters, digits and . _ : -");
      }
    });
    if (role == Role.AGENT && agentId.isEmpty()) {
      body.problem("agentId", "is required for role agent");
    }
    if (role != null && role != Role.AGENT && agentId.isPresent()) {
      body.problem("agentId", "is only allowed for role agent");
    }
    body.check();
    return store.create(name, role, agentId, Optional.of(call.caller().keyId())).thenApply(issued -> {
      Map<String, Object> view = view(issued.key());
      view.put("key", issued.token());
      return ApiResponse.created(view, "/v1/keys/" + issued.key().keyId());
    });
  }

  private CompletionStage<ApiResponse> revoke(Call call) {
    String keyId = call.path("keyId");
    return store.revoke(keyId).thenApply(key -> {
      ApiKey revoked = key.orElseThrow(() -> ApiError.notFound("no API key " + keyId));
      authenticator.revoked(keyId);
      return ApiResponse.ok(view(revoked));
    });
  }

  static Map<String, Object> view(ApiKey key) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("keyId", key.keyId());
    view.put("name", key.name());
    view.put("role", key.role().wireName());
    key.agentId().ifPresent(a -> view.put("agentId", a));
    view.put("createdAt", key.createdAt());
    key.createdBy().ifPresent(c -> view.put("createdBy", c));
    view.put("active", key.active());
    key.revokedAt().ifPresent(r -> view.put("revokedAt", r));
    return view;
  }

}

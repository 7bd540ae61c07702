package dev.vigil.cluster.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import com.fasterxml.jackson.databind.JsonNode;

import dev.vigil.actors.policy.PolicyRegistry;
import dev.vigil.persistence.keys.Role;
import dev.vigil.persistence.policies.PolicyHead;
import dev.vigil.persistence.policies.PolicyStore;
import dev.vigil.persistence.policies.StoredPolicy;
import dev.vigil.policy.CompiledPolicy;
import dev.vigil.policy.PolicyCompiler;
import dev.vigil.policy.PolicyError;
import dev.vigil.policy.PolicyValidationException;

/**
 * Policies over HTTP. Upload ({@code POST /v1/policies}: a policy as JSON, as {@code {"source": "..."}}, or raw YAML
 * with {@code Content-Type: application/yaml}) compiles first and answers 400 with every error and its line and rule,
 * storing nothing; a valid policy becomes a new revision. Activation and shadow runs move the policy's head and are
 * announced to every node, which reloads and swaps its snapshot atomically.
 */
public final class PolicyRoutes {

  private static final Set<Role> ADMIN = Set.of(Role.ADMIN);
  private static final Set<Role> READERS = Set.of(Role.ADMIN, Role.OPERATOR);

  private final PolicyStore store;
  private final PolicyRegistry registry;

  public PolicyRoutes(PolicyStore store, PolicyRegistry registry) {
    this.store = store;
    this.registry = registry;
  }

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of("POST", "/v1/policies", ADMIN, "policies.upload", this::upload),
        Endpoint.of("GET", "/v1/policies", READERS, "policies.list", call -> store.heads().thenApply(heads ->
            ApiResponse.ok(Map.of("policies", heads.stream().map(PolicyRoutes::headView).toList())))),
        Endpoint.of("GET", "/v1/policies/{policyId}", READERS, "policies.get", this::get),
        Endpoint.of("GET", "/v1/policies/{policyId}/versions/{revision}", READERS, "policies.version", this::version),
        Endpoint.of("POST", "/v1/policies/{policyId}/activate", ADMIN, "policies.activate", call -> move(call, true)),
        Endpoint.of("POST", "/v1/policies/{policyId}/shadow", ADMIN, "policies.shadow", call -> move(call, false)),
        Endpoint.of("GET", "/v1/policies/{policyId}/shadow-report", READERS, "policies.shadow-report", this::shadowReport));
  }

  private CompletionStage<ApiResponse> upload(Call call) {
    String source = source(call);
    CompiledPolicy compiled;
    try {
      compiled = PolicyCompiler.compile(source);
    } catch (PolicyValidationException e) {
      List<ApiError.Detail> details = new ArrayList<>();
      for (PolicyError error : e.errors()) {
        details.add(new ApiError.Detail(error.path(), error.message(), error.line() > 0 ? error.line() : null,
            error.ruleId()));
      }
      throw ApiError.badRequest("the policy is invalid: " + details.size() + " error(s); nothing was stored", details);
    }
    Json.id("id", compiled.id());
    boolean activate = "true".equals(call.query().get("activate"));
    return store.upload(compiled.id(), compiled.version(), compiled.format().name().toLowerCase(java.util.Locale.ROOT),
            compiled.sha256(), compiled.source(), Optional.of(call.caller().keyId()))
        .thenCompose(stored -> activate
            ? store.activate(stored.policyId(), stored.revision()).thenCompose(head -> announced(stored))
            : java.util.concurrent.CompletableFuture.completedFuture(stored))
        .thenApply(stored -> ApiResponse.created(versionView(stored, false),
            "/v1/policies/" + stored.policyId() + "/versions/" + stored.revision()));
  }

  private CompletionStage<StoredPolicy> announced(StoredPolicy stored) {
    return store.activeSet().thenApply(set -> {
      registry.announce(set.generation());
      return stored;
    });
  }

  private static String source(Call call) {
    if (call.yamlBody().isPresent()) {
      return call.yamlBody().get();
    }
    JsonNode body = call.body();
    if (body == null || body.isMissingNode() || !body.isObject()) {
      throw ApiError.badRequest("send the policy as JSON, as {\"source\": \"<yaml or json>\"}, or as application/yaml");
    }
    JsonNode wrapped = body.get("source");
    if (wrapped != null && body.size() == 1) {
      if (!wrapped.isTextual()) {
        throw ApiError.badRequest("source must be a string", List.of(new ApiError.Detail("source", "must be a string")));
      }
      return wrapped.asText();
    }
    return body.toString();
  }

  private CompletionStage<ApiResponse> get(Call call) {
    String policyId = Json.id("policyId", call.path("policyId"));
    return store.head(policyId).thenCompose(head -> {
      PolicyHead found = head.orElseThrow(() -> ApiError.notFound("no policy " + policyId));
      return store.versions(policyId).thenApply(versions -> {
        Map<String, Object> view = headView(found);
        view.put("versions", versions.stream().map(v -> versionView(v, false)).toList());
        return ApiResponse.ok(view);
      });
    });
  }

  private CompletionStage<ApiResponse> version(Call call) {
    String policyId = Json.id("policyId", call.path("policyId"));
    int revision = revision(call.path("revision"));
    return store.version(policyId, revision).thenApply(v -> ApiResponse.ok(versionView(
        v.orElseThrow(() -> ApiError.notFound("no revision " + revision + " of policy " + policyId)), true)));
  }

  private CompletionStage<ApiResponse> move(Call call, boolean activate) {
    String policyId = Json.id("policyId", call.path("policyId"));
    Optional<Integer> asked = Optional.empty();
    if (call.body() != null && call.body().has("revision")) {
      JsonNode revision = call.body().get("revision");
      if (!revision.canConvertToInt() || revision.asInt() < 1) {
        throw ApiError.badRequest("revision must be a positive integer",
            List.of(new ApiError.Detail("revision", "must be a positive integer")));
      }
      asked = Optional.of(revision.asInt());
    }
    Optional<Integer> requested = asked;
    return store.versions(policyId).thenCompose(versions -> {
      if (versions.isEmpty()) {
        throw ApiError.notFound("no policy " + policyId);
      }
      int revision = requested.orElse(versions.get(versions.size() - 1).revision());
      CompletionStage<Optional<PolicyHead>> moved = activate ? store.activate(policyId, revision)
          : store.shadow(policyId, revision);
      return moved.thenCompose(head -> {
        PolicyHead found = head.orElseThrow(() -> ApiError.notFound("no revision " + revision + " of policy " + policyId));
        return store.activeSet().thenApply(set -> {
          registry.announce(set.generation());
          Map<String, Object> view = headView(found);
          view.put("generation", set.generation());
          return ApiResponse.ok(view);
        });
      });
    });
  }

  private CompletionStage<ApiResponse> shadowReport(Call call) {
    String policyId = Json.id("policyId", call.path("policyId"));
    return store.head(policyId).thenCompose(head -> {
      PolicyHead found = head.orElseThrow(() -> ApiError.notFound("no policy " + policyId));
      Integer revision = call.query().containsKey("revision") ? revision(call.query().get("revision"))
          : found.shadowRevision().orElseThrow(() -> ApiError.notFound(
              "policy " + policyId + " has no shadow revision; pass ?revision= for an earlier shadow run"));
      return store.shadowReport(policyId, revision, 100).thenApply(report -> {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("policyId", report.policyId());
        view.put("shadowRevision", report.shadowRevision());
        view.put("activeRevision", found.activeRevision().orElse(null));
        view.put("evaluated", report.evaluated());
        view.put("disagreed", report.disagreed());
        view.put("disagreementRate", report.evaluated() == 0 ? 0.0 : (double) report.disagreed() / report.evaluated());
        view.put("latestDisagreements", report.latestDisagreements());
        return ApiResponse.ok(view);
      });
    });
  }

  private static int revision(String text) {
    try {
      int revision = Integer.parseInt(text);
      if (revision >= 1) {
        return revision;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiError.badRequest("revision must be a positive integer, got '" + text + "'");
  }

  static Map<String, Object> headView(PolicyHead head) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("policyId", head.policyId());
    view.put("activeRevision", head.activeRevision().orElse(null));
    view.put("shadowRevision", head.shadowRevision().orElse(null));
    view.put("updatedAt", head.updatedAt());
    return view;
  }

  static Map<String, Object> versionView(StoredPolicy policy, boolean withSource) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("policyId", policy.policyId());
    view.put("revision", policy.revision());
    view.put("version", policy.declaredVersion());
    view.put("format", policy.format());
    view.put("sha256", policy.sha256());
    view.put("uploadedAt", policy.uploadedAt());
    policy.uploadedBy().ifPresent(by -> view.put("uploadedBy", by));
    if (withSource) {
      view.put("source", policy.source());
    }
    return view;
  }
}

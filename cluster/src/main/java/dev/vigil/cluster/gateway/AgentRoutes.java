package dev.vigil.cluster.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;

import dev.vigil.actors.agent.AgentEntity;
import dev.vigil.persistence.agents.AgentReadModel;
import dev.vigil.persistence.keys.Principal;
import dev.vigil.persistence.keys.Role;
import dev.vigil.protocol.AgentProtocol;

/**
 * Agents over HTTP: {@code PUT /v1/agents/{agentId}} registers one (idempotent), {@code GET} reads it with its trust
 * (phase, evidence, how far each promotion criterion is, eligibility) through the sharded {@link AgentEntity};
 * {@code GET /v1/agents?phase=&after=&limit=} lists agents from the agents read model. An agent's own key may read
 * only its own agent.
 */
public final class AgentRoutes {

  private final ClusterSharding sharding;
  private final EntityAsk entityAsk;
  private final AgentReadModel readModel;

  public AgentRoutes(ActorSystem<?> system, EntityAsk entityAsk) {
    this(system, entityAsk, null);
  }

  /** With the read model, {@code GET /v1/agents} lists agents too. */
  public AgentRoutes(ActorSystem<?> system, EntityAsk entityAsk, AgentReadModel readModel) {
    this.sharding = ClusterSharding.get(system);
    this.entityAsk = entityAsk;
    this.readModel = readModel;
  }

  public List<Endpoint> endpoints() {
    List<Endpoint> endpoints = new ArrayList<>(List.of(
        Endpoint.of("PUT", "/v1/agents/{agentId}", Set.of(Role.ADMIN, Role.OPERATOR), "agents.register", this::register),
        Endpoint.of("GET", "/v1/agents/{agentId}", Set.of(Role.ADMIN, Role.OPERATOR, Role.AGENT), "agents.get", this::get)));
    if (readModel != null) {
      endpoints.add(Endpoint.of("GET", "/v1/agents", Set.of(Role.ADMIN, Role.OPERATOR), "agents.list", this::list));
    }
    return List.copyOf(endpoints);
  }

  private CompletionStage<ApiResponse> list(Call call) {
    List<ApiError.Detail> problems = new ArrayList<>();
    Optional<String> phase = Optional.ofNullable(call.query().get("phase"));
    if (phase.isPresent()) {
      try {
        phase = Optional.of(dev.vigil.trust.TrustPhase.parse(phase.get()).wireName());
      } catch (IllegalArgumentException e) {
        problems.add(new ApiError.Detail("phase", e.getMessage()));
      }
    }
    Optional<String> after = Optional.ofNullable(call.query().get("after"));
    int limit = limit(call, problems);
    if (!problems.isEmpty()) {
      throw ApiError.badRequest("the query is invalid: " + problems.size() + " problem(s)", problems);
    }
    return readModel.agents(phase, after, limit).thenApply(rows -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("agents", rows.stream().map(AgentRoutes::row).toList());
      body.put("next", rows.size() == limit ? rows.get(rows.size() - 1).agentId() : null);
      return ApiResponse.ok(body);
    });
  }

  private static Map<String, Object> row(AgentReadModel.AgentRow row) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("agentId", row.agentId());
    view.put("displayName", row.displayName());
    view.put("phase", row.phase());
    view.put("registeredAt", row.registeredAt().toString());
    view.put("phaseEnteredAt", row.phaseEnteredAt().toString());
    view.put("alerts", row.alerts());
    view.put("lastAlertAt", row.lastAlertAt() == null ? null : row.lastAlertAt().toString());
    return view;
  }

  /** The {@code limit} query parameter: 1-500, default 100. */
  static int limit(Call call, List<ApiError.Detail> problems) {
    String text = call.query().get("limit");
    if (text == null) {
      return 100;
    }
    try {
      int limit = Integer.parseInt(text);
      if (limit >= 1 && limit <= 500) {
        return limit;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(new ApiError.Detail("limit", "must be a number from 1 to 500"));
    return 100;
  }

  private CompletionStage<ApiResponse> register(Call call) {
    String agentId = Json.id("agentId", call.path("agentId"));
    Json.Validator body = new Json.Validator(call.body());
    String displayName = body.requiredText("displayName", 200);
    Map<String, String> labels = body.optionalStringMap("labels", 32);
    body.check();
    // registering is idempotent (same name and labels), so a time-out during a hand-off may be retried
    return entityAsk.<AgentProtocol.Command, AgentProtocol.AgentView>ask(entity(agentId),
            reply -> new AgentProtocol.Register(displayName, labels, reply))
        .handle((view, failure) -> {
          if (failure != null) {
            throw asApiError(failure, ApiError::conflict);
          }
          return ApiResponse.ok(view);
        });
  }

  private CompletionStage<ApiResponse> get(Call call) {
    String agentId = Json.id("agentId", call.path("agentId"));
    Principal caller = call.caller();
    if (caller.role() == Role.AGENT && !caller.agentId().orElse("").equals(agentId)) {
      throw ApiError.forbidden("an agent key may only read its own agent");
    }
    return entityAsk.<AgentProtocol.Command, AgentProtocol.AgentView>ask(entity(agentId), AgentProtocol.Get::new)
        .thenCombine(entityAsk.<AgentProtocol.Command, AgentProtocol.TrustView>ask(entity(agentId),
            AgentProtocol.GetTrust::new), (view, trust) -> {
              Map<String, Object> body = new LinkedHashMap<>();
              body.put("agentId", view.agentId());
              body.put("displayName", view.displayName());
              body.put("phase", view.phase());
              body.put("labels", view.labels());
              body.put("registeredAt", view.registeredAt().toString());
              body.put("trust", TrustRoutes.view(trust));
              return body;
            })
        .handle((body, failure) -> {
          if (failure != null) {
            throw asApiError(failure, ApiError::notFound);
          }
          return ApiResponse.ok(body);
        });
  }

  private EntityRef<AgentProtocol.Command> entity(String agentId) {
    return sharding.entityRefFor(AgentEntity.TYPE_KEY, agentId);
  }

  /** An entity's refusal becomes the given client error; anything else (time-outs) keeps its own mapping. */
  private static RuntimeException asApiError(Throwable failure, java.util.function.Function<String, ApiError> refusal) {
    Throwable cause = ApiRouter.unwrap(failure);
    if (cause instanceof StatusReply.ErrorMessage refused) {
      return refusal.apply(refused.getMessage());
    }
    return cause instanceof RuntimeException runtime ? runtime : new java.util.concurrent.CompletionException(cause);
  }
}

package dev.vigil.cluster.gateway;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

import dev.vigil.actors.agent.AgentEntity;
import dev.vigil.persistence.keys.Role;
import dev.vigil.protocol.AgentProtocol;
import dev.vigil.protocol.AgentProtocol.TrustView;
import dev.vigil.trust.Evidence;
import dev.vigil.trust.Progress;

/**
 * Graduated trust over HTTP: {@code POST /v1/agents/{agentId}/promote} ({@code {"force": false}}; 409 with every unmet
 * criterion when the agent is not eligible) and {@code POST /v1/agents/{agentId}/demote} ({@code {"target":
 * "shadow", "reason": "..."}}; without a target, one phase down). The operator is the caller's key name; the change
 * and its receipt are in the agent's journal before the answer. Not retried: a repeat would change the phase twice.
 */
public final class TrustRoutes {

  private final ClusterSharding sharding;
  private final Duration timeout;

  public TrustRoutes(ActorSystem<?> system, Duration timeout) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
  }

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of("POST", "/v1/agents/{agentId}/promote", Set.of(Role.ADMIN, Role.OPERATOR), "agents.promote",
            this::promote),
        Endpoint.of("POST", "/v1/agents/{agentId}/demote", Set.of(Role.ADMIN, Role.OPERATOR), "agents.demote",
            this::demote));
  }

  private CompletionStage<ApiResponse> promote(Call call) {
    String agentId = Json.id("agentId", call.path("agentId"));
    boolean force = false;
    if (call.body() != null && call.body().isObject() && call.body().has("force")) {
      if (!call.body().get("force").isBoolean()) {
        throw ApiError.badRequest("the request body is invalid: 1 problem(s)",
            List.of(new ApiError.Detail("force", "must be true or false")));
      }
      force = call.body().get("force").asBoolean();
    }
    boolean forced = force;
    String operator = call.caller().name();
    return ask(agentId, reply -> new AgentProtocol.Promote(operator, forced, reply));
  }

  private CompletionStage<ApiResponse> demote(Call call) {
    String agentId = Json.id("agentId", call.path("agentId"));
    Json.Validator body = new Json.Validator(call.body());
    String target = body.optionalText("target", 32).orElse(null);
    String reason = body.requiredText("reason", 1000);
    body.check();
    String operator = call.caller().name();
    return ask(agentId, reply -> new AgentProtocol.Demote(operator, target, reason, reply));
  }

  private CompletionStage<ApiResponse> ask(String agentId,
      java.util.function.Function<org.apache.pekko.actor.typed.ActorRef<StatusReply<TrustView>>, AgentProtocol.Command>
          message) {
    return sharding.entityRefFor(AgentEntity.TYPE_KEY, agentId).<TrustView>askWithStatus(message::apply, timeout)
        .handle((view, failure) -> {
          if (failure != null) {
            Throwable cause = ApiRouter.unwrap(failure);
            if (cause instanceof StatusReply.ErrorMessage refused) {
              String text = refused.getMessage();
              if (text.endsWith("is not registered")) {
                throw ApiError.notFound(text);
              }
              if (text.startsWith(AgentProtocol.NOT_ELIGIBLE)) {
                throw new ApiError(409, "not_eligible", text, shortfalls(text));
              }
              throw ApiError.conflict(text);
            }
            throw cause instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(cause);
          }
          return ApiResponse.ok(view(view));
        });
  }

  private static List<ApiError.Detail> shortfalls(String text) {
    return java.util.Arrays.stream(text.substring(AgentProtocol.NOT_ELIGIBLE.length()).split("; "))
        .filter(s -> !s.isBlank()).map(s -> new ApiError.Detail("criteria", s)).toList();
  }

  /** A trust view as JSON: phase, eligibility, every criterion with its progress, the evidence. */
  static Map<String, Object> view(TrustView trust) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("agentId", trust.agentId());
    view.put("phase", trust.phase());
    view.put("promotesTo", trust.promotesTo());
    view.put("eligible", trust.eligible());
    view.put("automaticPromotion", trust.automatic());
    view.put("criteria", trust.criteria().stream().map(TrustRoutes::criterion).toList());
    view.put("evidence", evidence(trust.evidence()));
    view.put("lastPhaseChangeReceiptId", trust.lastChangeReceiptId());
    view.put("measuredAt", trust.at().toString());
    return view;
  }

  private static Map<String, Object> criterion(Progress.Criterion criterion) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("name", criterion.name());
    view.put("unit", criterion.unit());
    view.put("required", criterion.required());
    view.put("observed", criterion.observed());
    view.put("met", criterion.met());
    view.put("shortfall", criterion.shortfall());
    return view;
  }

  private static Map<String, Object> evidence(Evidence evidence) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("phase", evidence.phase().wireName());
    view.put("phaseEnteredAt", evidence.phaseEnteredAt().toString());
    view.put("investigationsSucceeded", evidence.investigationsSucceeded());
    view.put("investigationsFailed", evidence.investigationsFailed());
    view.put("decisionsTotal", evidence.decisionsTotal());
    view.put("decisionsDenied", evidence.decisionsDenied());
    view.put("shadowProposals", evidence.shadowProposals());
    view.put("shadowAgreements", evidence.shadowAgreements());
    view.put("criticalFindings", evidence.criticalFindings());
    view.put("alerts", evidence.alerts());
    view.put("violations", evidence.violations());
    view.put("lastCriticalFindingAt", time(evidence.lastCriticalFindingAt()));
    view.put("lastAlertAt", time(evidence.lastAlertAt()));
    view.put("lastViolationAt", time(evidence.lastViolationAt()));
    return view;
  }

  private static String time(java.time.Instant at) {
    return at == null ? null : at.toString();
  }
}

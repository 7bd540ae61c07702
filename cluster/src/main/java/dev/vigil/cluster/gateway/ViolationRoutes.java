package dev.vigil.cluster.gateway;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;

import dev.vigil.actors.agent.AgentEntity;
import dev.vigil.persistence.keys.Role;
import dev.vigil.protocol.AgentProtocol;
import dev.vigil.protocol.AgentProtocol.TrustView;

/**
 * {@code POST /v1/agents/{agentId}/violations} ({@code {"rule": "...", "description": "...", "investigationId":
 * "..."}}, operator or admin): an operator reports a policy violation Vigil could not see itself (a reviewer found the
 * agent did something it should not have). The agent entity records it as evidence and demotes per the configured
 * {@code vigil.trust} policy ({@code policy-violation} trigger), with a sealed receipt in its chain; the answer is the
 * agent's trust afterwards. Not retried: a repeat would count the violation twice.
 */
public final class ViolationRoutes {

  /** The rule id recorded when the operator names none. */
  public static final String REPORTED_RULE = "reported-by-operator";

  private final ClusterSharding sharding;
  private final Duration timeout;
  private final Clock clock;

  public ViolationRoutes(ActorSystem<?> system, Duration timeout, Clock clock) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
    this.clock = clock;
  }

  public List<Endpoint> endpoints() {
    return List.of(Endpoint.of("POST", "/v1/agents/{agentId}/violations", Set.of(Role.ADMIN, Role.OPERATOR),
        "agents.violations", this::report));
  }

  private CompletionStage<ApiResponse> report(Call call) {
    String agentId = Json.id("agentId", call.path("agentId"));
    Json.Validator body = new Json.Validator(call.body());
    String rule = body.optionalText("rule", 200).orElse(REPORTED_RULE);
    String description = body.requiredText("description", 1000);
    String investigationId = body.optionalText("investigationId", 128).orElse(null);
    if (investigationId != null && !Json.ID.matcher(investigationId).matches()) {
      body.problem("investigationId", "must be 1-128 characters of letters, digits and . _ : -");
    }
    body.check();
    String operator = call.caller().name();
    String detail = description + (investigationId == null ? "" : " (investigation " + investigationId + ")")
        + "; reported by " + operator;
    EntityRef<AgentProtocol.Command> agent = sharding.entityRefFor(AgentEntity.TYPE_KEY, agentId);
    return agent.<Done>askWithStatus(reply -> new AgentProtocol.ReportViolation(rule, detail, clock.instant(), reply),
            timeout)
        .handle((done, failure) -> {
          if (failure != null) {
            throw refusal(failure);
          }
          return done;
        })
        // the violation is in the journal; the answer shows the phase it left the agent in
        .thenCompose(done -> agent.<TrustView>askWithStatus(AgentProtocol.GetTrust::new, timeout))
        .handle((trust, failure) -> {
          if (failure != null) {
            throw refusal(failure);
          }
          Map<String, Object> answer = new LinkedHashMap<>();
          answer.put("agentId", agentId);
          answer.put("rule", rule);
          answer.put("description", description);
          answer.put("investigationId", investigationId);
          answer.put("reportedBy", operator);
          answer.put("trust", TrustRoutes.view(trust));
          return ApiResponse.ok(answer);
        });
  }

  private static RuntimeException refusal(Throwable failure) {
    Throwable cause = ApiRouter.unwrap(failure);
    if (cause instanceof ApiError error) {
      return error;
    }
    if (cause instanceof StatusReply.ErrorMessage refused) {
      String text = refused.getMessage();
      return text.endsWith("is not registered") ? ApiError.notFound(text) : ApiError.conflict(text);
    }
    return cause instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(cause);
  }
}

package dev.vigil.cluster.gateway;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.pattern.StatusReply;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;

import dev.vigil.actors.agent.AgentEntity;
import dev.vigil.cluster.approvals.ApprovalService;
import dev.vigil.persistence.keys.Principal;
import dev.vigil.persistence.keys.Role;
import dev.vigil.protocol.AgentProtocol;
import dev.vigil.protocol.PolicyProtocol.DecisionView;
import dev.vigil.protocol.PolicyProtocol.EvaluationInput;

/**
 * {@code POST /v1/evaluate}: an agent (its own key) or an operator (for a named agent) asks whether an action is
 * allowed. The agent's entity adds its trust phase and quota usage, the policy pool decides, and the answer comes back
 * only once the decision's receipt is in the journal. Accepts Vigil's request {@code {action, resource, parameters,
 * principal, context}} and Authensor's envelope ({@code action} as an object {type, resource, operation, parameters}).
 */
public final class EvaluateRoutes {

  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final ClusterSharding sharding;
  private final java.time.Duration timeout;
  private final java.time.Duration attemptTimeout;
  private final Clock clock;
  private final ApprovalService approvals;
  private final dev.vigil.actors.scanner.ScannerClient scanner;

  public EvaluateRoutes(ActorSystem<?> system, java.time.Duration timeout, Clock clock, ApprovalService approvals) {
    this(system, timeout, timeout, clock, approvals, null);
  }

  /**
   * With a scanner, the request's {@code content} and string parameters are scanned before deciding; the summary goes
   * into the policy request ({@code scan.maxSeverity}, {@code scan.findingTypes}) and the findings into the answer.
   */
  public EvaluateRoutes(ActorSystem<?> system, java.time.Duration timeout, java.time.Duration attemptTimeout,
      Clock clock, ApprovalService approvals, dev.vigil.actors.scanner.ScannerClient scanner) {
    this.sharding = ClusterSharding.get(system);
    this.timeout = timeout;
    this.attemptTimeout = attemptTimeout.compareTo(timeout) < 0 ? attemptTimeout : timeout;
    this.clock = clock;
    this.approvals = approvals;
    this.scanner = scanner;
  }

  public List<Endpoint> endpoints() {
    return List.of(Endpoint.of("POST", "/v1/evaluate", Set.of(Role.ADMIN, Role.OPERATOR, Role.AGENT), "evaluate",
        this::evaluate));
  }

  private CompletionStage<ApiResponse> evaluate(Call call) {
    EvaluationInput parsed = parse(call.body(), call.caller());
    String requestId = java.util.UUID.randomUUID().toString();
    return ScanRoutes.ContentScans.scan(scanner, ScanRoutes.ContentScans.texts(call.body(), parsed))
        .thenCompose(scan -> decide(ScanRoutes.ContentScans.withSummary(parsed, scan), scan, requestId));
  }

  private CompletionStage<ApiResponse> decide(EvaluationInput input, ScanRoutes.ContentScans.Result scan,
      String requestId) {
    // Asked again every attempt time-out (a region drops the messages it buffered for a shard it hands off), earlier
    // attempts still allowed to answer, all under one request id: the Agent entity answers a repeat from its recent decisions, so a slow attempt followed by a retry
    // still consumes quota and appends a receipt once. A retry that reaches a new incarnation of the entity (the
    // first was decided just before a hand-off, its answer lost) is decided again.
    var agent = sharding.entityRefFor(AgentEntity.TYPE_KEY, input.agentId());
    return dev.vigil.actors.RetryingAsk.hedged(attemptTimeout, timeout,
            t -> agent.<DecisionView>askWithStatus(reply -> new AgentProtocol.Decide(input, true, reply, requestId), t))
        .handle((decision, failure) -> {
          if (failure != null) {
            Throwable cause = ApiRouter.unwrap(failure);
            if (cause instanceof StatusReply.ErrorMessage refused) {
              throw ApiError.unavailable(refused.getMessage());
            }
            throw cause instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(cause);
          }
          return decision;
        })
        .thenCompose(decision -> {
          if (!decision.effect().equals("escalate")) {
            return java.util.concurrent.CompletableFuture.completedFuture(
                ApiResponse.ok(scan.addTo(view(decision, input))));
          }
          // an escalation is only useful with its approval open, so the answer waits for it
          return approvals.open(input, decision).thenApply(approval -> {
            Map<String, Object> view = scan.addTo(view(decision, input));
            Map<String, Object> opened = new LinkedHashMap<>(ApprovalRoutes.view(approval));
            view.put("approval", opened);
            return ApiResponse.ok(view);
          });
        });
  }

  EvaluationInput parse(JsonNode body, Principal caller) {
    Json.Validator v = new Json.Validator(body);
    if (body == null || !body.isObject()) {
      v.check();
    }
    boolean authensor = body.path("action").isObject();
    String action;
    String resource;
    Map<String, Object> parameters;
    Map<String, Object> context = map(v, body, "context");
    JsonNode principal = body.path("principal");
    if (authensor) {
      JsonNode envelope = body.get("action");
      action = text(v, envelope, "action.type", "type", true);
      resource = text(v, envelope, "action.resource", "resource", false);
      parameters = map(v, envelope, "parameters");
      String operation = text(v, envelope, "action.operation", "operation", false);
      if (operation != null) {
        context = new LinkedHashMap<>(context);
        context.put("action.operation", operation);
      }
    } else {
      action = text(v, body, "action", "action", true);
      resource = text(v, body, "resource", "resource", false);
      parameters = map(v, body, "parameters");
    }
    String principalId = principal.isObject() ? text(v, principal, "principal.id", "id", false) : null;
    String principalType = principal.isObject() ? text(v, principal, "principal.type", "type", false) : null;
    Map<String, String> labels = new LinkedHashMap<>();
    if (principal.isObject() && principal.has("labels")) {
      principal.get("labels").fields().forEachRemaining(e -> {
        if (e.getValue().isTextual()) {
          labels.put(e.getKey(), e.getValue().asText());
        } else {
          v.problem("principal.labels." + e.getKey(), "must be a string");
        }
      });
    }
    String agentId;
    if (caller.role() == Role.AGENT) {
      agentId = caller.agentId().orElseThrow();
      if (principalId != null && !principalId.equals(agentId)) {
        throw ApiError.forbidden("an agent key may only evaluate for its own agent (" + agentId + ")");
      }
    } else {
      agentId = principalId;
      if (agentId == null) {
        v.problem("principal.id", "is required when an operator evaluates for an agent");
      }
    }
    if (agentId != null && !Json.ID.matcher(agentId).matches()) {
      v.problem("principal.id", "must be 1-128 characters of letters, digits and . _ : -");
    }
    v.check();
    return new EvaluationInput(agentId, null, action, resource, parameters, principalType, labels, context,
        clock.instant(), null, List.of());
  }

  private static String text(Json.Validator v, JsonNode node, String field, String key, boolean required) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      if (required) {
        v.problem(field, "is required");
      }
      return null;
    }
    if (!value.isTextual() || value.asText().isBlank() || value.asText().length() > 512) {
      v.problem(field, "must be a non-blank string of at most 512 characters");
      return null;
    }
    return value.asText();
  }

  private static Map<String, Object> map(Json.Validator v, JsonNode node, String key) {
    JsonNode value = node.get(key);
    if (value == null || value.isNull()) {
      return Map.of();
    }
    if (!value.isObject()) {
      v.problem(key, "must be an object");
      return Map.of();
    }
    return Json.MAPPER.convertValue(value, MAP);
  }

  static Map<String, Object> view(DecisionView decision, EvaluationInput input) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("decision", decision.effect());
    view.put("reason", decision.reason());
    view.put("rule", decision.ruleId());
    Map<String, Object> policy = new LinkedHashMap<>();
    policy.put("id", decision.policyId());
    policy.put("version", decision.policyVersion());
    policy.put("sha256", decision.policySha256());
    view.put("policy", policy);
    view.put("actionKind", decision.actionKind());
    view.put("agentId", input.agentId());
    view.put("explanation", decision.explanation());
    view.put("receiptId", decision.receiptId());
    return view;
  }
}

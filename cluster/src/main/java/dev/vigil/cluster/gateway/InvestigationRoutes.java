package dev.vigil.cluster.gateway;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.vigil.actors.investigation.Investigation;
import dev.vigil.actors.investigation.InvestigationSettings;
import dev.vigil.actors.investigation.Tokens;
import dev.vigil.persistence.investigations.InvestigationReadModel;
import dev.vigil.persistence.keys.Role;
import dev.vigil.protocol.InvestigationProtocol;
import dev.vigil.protocol.InvestigationProtocol.AdmissionCommand;
import dev.vigil.protocol.InvestigationProtocol.InvestigationView;

/**
 * Investigations over HTTP. Operators start ({@code POST /v1/investigations} -> 202 + Location), read, list (from the
 * read model) and cancel them. The agent inside the Job calls three public endpoints that authenticate with its own
 * tokens rather than an API key: it trades the single-use bootstrap token for the investigation token
 * ({@code POST .../token}), then asks for credentials ({@code GET .../credentials/{domain}}) and actions
 * ({@code POST .../actions}) with it. Those answer 401 for a missing or wrong token, 403 for another investigation's
 * id or a domain the phase does not allow, 410 once the investigation has ended, 423 ({@code paused}, naming the alert)
 * while a monitoring alert has paused it (until an operator resumes it: {@code POST .../resume}), 503 while a
 * credential rotates. An action's {@code content} and string parameters are scanned by the scanner pool before policy
 * decides, as {@code /v1/evaluate} does (the summary goes into the decision, the findings into the answer).
 * Only reads and {@code Start} (idempotent per id and request) are retried; the agent's calls are asked once.
 */
public final class InvestigationRoutes {

  private static final Set<Role> OPERATORS = Set.of(Role.ADMIN, Role.OPERATOR);
  private static final Set<String> RESOURCE_KEYS = Set.of("cpuRequest", "memoryRequest", "cpuLimit", "memoryLimit");
  private static final Set<String> STATES = Set.of("requested", "queued", "provisioning", "launching", "running",
      "concluding", "succeeded", "failed", "timed-out", "cancelled", "rejected");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final EntityAsk entityAsk;
  private final Duration askTimeout;
  private final InvestigationSettings settings;
  private final ActorRef<AdmissionCommand> admission;
  private final InvestigationReadModel readModel;
  private final dev.vigil.actors.scanner.ScannerClient scanner;

  public InvestigationRoutes(ActorSystem<?> system, EntityAsk entityAsk, Duration askTimeout,
      InvestigationSettings settings, ActorRef<AdmissionCommand> admission, InvestigationReadModel readModel) {
    this(system, entityAsk, askTimeout, settings, admission, readModel, null);
  }

  /** With a scanner (null: actions are not scanned), as {@code /v1/evaluate}. */
  public InvestigationRoutes(ActorSystem<?> system, EntityAsk entityAsk, Duration askTimeout,
      InvestigationSettings settings, ActorRef<AdmissionCommand> admission, InvestigationReadModel readModel,
      dev.vigil.actors.scanner.ScannerClient scanner) {
    this.scanner = scanner;
    this.system = system;
    this.sharding = ClusterSharding.get(system);
    this.entityAsk = entityAsk;
    this.askTimeout = askTimeout;
    this.settings = settings;
    this.admission = admission;
    this.readModel = readModel;
  }

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of("POST", "/v1/investigations", OPERATORS, "investigations.start", this::start),
        Endpoint.of("GET", "/v1/investigations", OPERATORS, "investigations.list", this::list),
        Endpoint.of("GET", "/v1/investigations/{investigationId}", OPERATORS, "investigations.get", this::get),
        Endpoint.of("POST", "/v1/investigations/{investigationId}/cancel", OPERATORS, "investigations.cancel",
            this::cancel),
        Endpoint.of("POST", "/v1/investigations/{investigationId}/resume", OPERATORS, "investigations.resume",
            this::resume),
        Endpoint.open("POST", "/v1/investigations/{investigationId}/token", "investigations.token", this::token),
        Endpoint.open("POST", "/v1/investigations/{investigationId}/actions", "investigations.actions",
            this::actions),
        Endpoint.open("GET", "/v1/investigations/{investigationId}/credentials/{domain}",
            "investigations.credentials", this::credential));
  }

  // ------------------------------------------------------------------ operators

  private CompletionStage<ApiResponse> start(Call call) {
    Json.Validator body = new Json.Validator(call.body());
    JsonNode json = call.body();
    String agentId = body.requiredText("agentId", 128);
    if (agentId != null && !Json.ID.matcher(agentId).matches()) {
      body.problem("agentId", "must be 1-128 characters of letters, digits and . _ : -");
    }
    String image = body.requiredText("image", 500);
    List<String> command = stringList(body, json, "command");
    List<String> args = stringList(body, json, "args");
    Map<String, String> env = body.optionalStringMap("env", 64);
    for (String name : env.keySet()) {
      if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        body.problem("env." + name, "is not a valid environment variable name");
      } else if (name.startsWith("VIGIL_") || name.equals("INVESTIGATION_ID")) {
        body.problem("env." + name, "is set by Vigil");
      }
    }
    long deadlineSeconds = 0;
    JsonNode deadline = json == null ? null : json.get("deadlineSeconds");
    if (deadline != null && !deadline.isNull()) {
      if (!deadline.canConvertToLong() || !deadline.isIntegralNumber() || deadline.asLong() < 1) {
        body.problem("deadlineSeconds", "must be a positive whole number of seconds");
      } else if (deadline.asLong() > settings.maxDeadline().toSeconds()) {
        body.problem("deadlineSeconds", "must be at most " + settings.maxDeadline().toSeconds());
      } else {
        deadlineSeconds = deadline.asLong();
      }
    }
    Map<String, String> resources = body.optionalStringMap("resources", 4);
    for (String key : resources.keySet()) {
      if (!RESOURCE_KEYS.contains(key)) {
        body.problem("resources." + key, "must be one of " + RESOURCE_KEYS.stream().sorted().toList());
      }
    }
    Optional<String> requestedId = body.optionalText("investigationId", 100);
    requestedId.ifPresent(id -> {
      if (!Json.ID.matcher(id).matches()) {
        body.problem("investigationId", "must be letters, digits and . _ : - (starting with a letter or digit)");
      }
    });
    body.check();
    String id = requestedId.orElseGet(InvestigationRoutes::newId);
    InvestigationProtocol.JobRequest request = new InvestigationProtocol.JobRequest(agentId, image, command, args,
        env, deadlineSeconds, resources);
    // Start is idempotent for the same id and request, so a time-out during a hand-off may be retried
    return entityAsk.<InvestigationProtocol.Command, InvestigationView>ask(entity(id),
            reply -> new InvestigationProtocol.Start(request, reply))
        .handle((view, failure) -> {
          if (failure != null) {
            throw refusal(failure, ApiError::conflict);
          }
          return ApiResponse.accepted(withLink(view, -1), "/v1/investigations/" + id);
        });
  }

  private static List<String> stringList(Json.Validator body, JsonNode json, String field) {
    JsonNode node = json == null ? null : json.get(field);
    List<String> values = new ArrayList<>();
    if (node == null || node.isNull()) {
      return values;
    }
    if (!node.isArray()) {
      body.problem(field, "must be an array of strings");
      return values;
    }
    if (node.size() > 64) {
      body.problem(field, "has more than 64 entries");
    }
    for (int i = 0; i < node.size(); i++) {
      if (!node.get(i).isTextual()) {
        body.problem(field + "[" + i + "]", "must be a string");
      } else {
        values.add(node.get(i).asText());
      }
    }
    return values;
  }

  private static String newId() {
    byte[] bytes = new byte[9];
    RANDOM.nextBytes(bytes);
    return "inv-" + java.util.HexFormat.of().formatHex(bytes);
  }

  private CompletionStage<ApiResponse> get(Call call) {
    String id = Json.id("investigationId", call.path("investigationId"));
    return entityAsk.<InvestigationProtocol.Command, InvestigationView>ask(entity(id), InvestigationProtocol.Get::new)
        .handle((view, failure) -> {
          if (failure != null) {
            throw refusal(failure, ApiError::notFound);
          }
          return view;
        })
        .thenCompose(view -> "queued".equals(view.state()) ? position(id).thenApply(p -> withLink(view, p))
            : CompletableFuture.completedFuture(withLink(view, 0)))
        .thenApply(ApiResponse::ok);
  }

  /** The live place in line of a queued investigation (the admission queue keeps the order). */
  private CompletionStage<Integer> position(String id) {
    return AskPattern.<AdmissionCommand, InvestigationProtocol.QueueStanding>ask(admission,
            reply -> new InvestigationProtocol.Position(id, reply), askTimeout, system.scheduler())
        .thenApply(InvestigationProtocol.QueueStanding::position);
  }

  private static ObjectNode withLink(InvestigationView view, int queuePosition) {
    ObjectNode json = Json.MAPPER.valueToTree(view);
    if (queuePosition >= 0) {
      json.put("queuePosition", queuePosition);
    }
    json.put("href", "/v1/investigations/" + view.investigationId());
    return json;
  }

  private CompletionStage<ApiResponse> list(Call call) {
    Optional<String> state = Optional.ofNullable(call.query().get("state"));
    Optional<String> agent = Optional.ofNullable(call.query().get("agent"));
    List<ApiError.Detail> problems = new ArrayList<>();
    state.filter(s -> !STATES.contains(s)).ifPresent(s -> problems.add(new ApiError.Detail("state",
        "must be one of " + STATES.stream().sorted().toList())));
    agent.filter(a -> !Json.ID.matcher(a).matches()).ifPresent(a -> problems.add(new ApiError.Detail("agent",
        "invalid identifier")));
    int limit = 100;
    String limitText = call.query().get("limit");
    if (limitText != null) {
      try {
        limit = Integer.parseInt(limitText);
        if (limit < 1 || limit > 1000) {
          problems.add(new ApiError.Detail("limit", "must be between 1 and 1000"));
        }
      } catch (NumberFormatException e) {
        problems.add(new ApiError.Detail("limit", "must be a whole number"));
      }
    }
    if (!problems.isEmpty()) {
      throw ApiError.badRequest("the query is invalid: " + problems.size() + " problem(s)", problems);
    }
    return readModel.list(state, agent, limit).thenApply(rows -> {
      Map<String, Object> answer = new LinkedHashMap<>();
      answer.put("investigations", rows);
      return ApiResponse.ok(answer);
    });
  }

  private CompletionStage<ApiResponse> cancel(Call call) {
    String id = Json.id("investigationId", call.path("investigationId"));
    String why = optionalReason(call);
    // asked once: a repeated Cancel after the first one ended the investigation would answer 409
    return entity(id).<InvestigationView>askWithStatus(reply -> new InvestigationProtocol.Cancel(why, reply),
            askTimeout)
        .handle(InvestigationRoutes::operatorAnswer);
  }

  private CompletionStage<ApiResponse> resume(Call call) {
    String id = Json.id("investigationId", call.path("investigationId"));
    String why = optionalReason(call);
    String operator = call.caller().name();
    // asked once: a repeat after the first resumed it would answer 409 (not paused)
    return entity(id).<InvestigationView>askWithStatus(reply -> new InvestigationProtocol.Resume(operator, why,
            reply), askTimeout)
        .handle(InvestigationRoutes::operatorAnswer);
  }

  /** The optional {@code reason} of an operator's cancel or resume (the body itself is optional). */
  private static String optionalReason(Call call) {
    JsonNode body = call.body();
    if (body == null || !body.isObject() || !body.has("reason")) {
      return null;
    }
    Json.Validator validator = new Json.Validator(body);
    String reason = validator.optionalText("reason", 500).orElse(null);
    validator.check();
    return reason;
  }

  /** An operator command's answer: the investigation, 404 when unknown, 409 when the entity refused it. */
  private static ApiResponse operatorAnswer(InvestigationView view, Throwable failure) {
    if (failure != null) {
      Throwable cause = ApiRouter.unwrap(failure);
      if (cause instanceof StatusReply.ErrorMessage refused) {
        throw refused.getMessage().startsWith("no investigation") ? ApiError.notFound(refused.getMessage())
            : ApiError.conflict(refused.getMessage());
      }
      throw refusal(failure, ApiError::conflict);
    }
    return ApiResponse.ok(withLink(view, -1));
  }

  // ------------------------------------------------------------------ the agent's calls

  private CompletionStage<ApiResponse> token(Call call) {
    String id = Json.id("investigationId", call.path("investigationId"));
    String bootstrap = presentedToken(call, id, Tokens.BOOTSTRAP_PREFIX);
    return entity(id).<InvestigationProtocol.TokenReply>ask(reply -> new InvestigationProtocol.ExchangeToken(
            bootstrap, reply), askTimeout)
        .thenApply(reply -> {
          failUnlessGranted(reply.access(), reply.message());
          Map<String, Object> answer = new LinkedHashMap<>();
          answer.put("investigationId", id);
          answer.put("token", reply.token());
          return ApiResponse.ok(answer);
        });
  }

  private CompletionStage<ApiResponse> credential(Call call) {
    String id = Json.id("investigationId", call.path("investigationId"));
    String domain = call.path("domain");
    String token = presentedToken(call, id, Tokens.INVESTIGATION_PREFIX);
    // a read: asked again if a hand-off dropped it (the entity itself waits for a lease still being issued)
    return entityAsk.<InvestigationProtocol.Command, InvestigationProtocol.CredentialReply>askPlain(entity(id),
            reply -> new InvestigationProtocol.GetCredential(token, domain, reply))
        .thenApply(reply -> {
          failUnlessGranted(reply.access(), reply.message());
          Map<String, Object> answer = new LinkedHashMap<>();
          answer.put("domain", reply.domain());
          answer.put("leaseId", reply.leaseId());
          answer.put("ttlSeconds", reply.ttlSeconds());
          answer.put("secret", reply.secret());
          return new ApiResponse(200, answer, Map.of("Cache-Control", "no-store"));
        });
  }

  private CompletionStage<ApiResponse> actions(Call call) {
    String id = Json.id("investigationId", call.path("investigationId"));
    String token = presentedToken(call, id, Tokens.INVESTIGATION_PREFIX);
    Json.Validator body = new Json.Validator(call.body());
    String action = body.requiredText("action", 200);
    String resource = body.requiredText("resource", 1000);
    Map<String, Object> parameters = Map.of();
    JsonNode params = call.body() == null ? null : call.body().get("parameters");
    if (params != null && !params.isNull()) {
      if (!params.isObject()) {
        body.problem("parameters", "must be an object");
      } else {
        parameters = Json.MAPPER.convertValue(params, Json.MAPPER.getTypeFactory()
            .constructMapType(LinkedHashMap.class, String.class, Object.class));
      }
    }
    String content = body.optionalText("content", 256 * 1024).orElse(null);
    body.check();
    Map<String, Object> finalParameters = parameters;
    // scanned before deciding (an unanswered scan fails with 503: an unscanned action is not decided); the summary
    // reaches the agent entity with the decision, so a critical finding is evidence there as for /v1/evaluate
    return ScanRoutes.ContentScans.scan(scanner, ScanRoutes.ContentScans.texts(call.body(), finalParameters))
        .thenCompose(scan -> decideAction(id, token, action, resource, finalParameters, content, scan));
  }

  private CompletionStage<ApiResponse> decideAction(String id, String token, String action, String resource,
      Map<String, Object> parameters, String content, ScanRoutes.ContentScans.Result scan) {
    String severity = scan.scanned() ? scan.maxSeverity() : null;
    List<String> types = scan.scanned() ? scan.types() : null;
    // asked once: each decision is recorded with its own receipt
    return entity(id).<InvestigationProtocol.ActionReply>ask(reply -> new InvestigationProtocol.DecideAction(token,
            action, resource, parameters, content, severity, types, reply), askTimeout)
        .thenApply(reply -> {
          failUnlessGranted(reply.access(), reply.message());
          ObjectNode answer = Json.MAPPER.createObjectNode();
          answer.put("effect", reply.effect());
          answer.put("policyEffect", reply.policyEffect());
          answer.put("reason", reply.reason());
          answer.put("ruleId", reply.ruleId());
          answer.put("policyVersion", reply.policyVersion());
          try {
            answer.set("receipt", Json.MAPPER.readTree(reply.receiptJson()));
          } catch (java.io.IOException e) {
            throw new IllegalStateException("the entity answered an unreadable receipt", e);
          }
          answer.set("scan", Json.MAPPER.valueToTree(scan.addTo(new LinkedHashMap<>()).get("scan")));
          return ApiResponse.ok(answer);
        });
  }

  /**
   * The bearer token of an agent call: 401 when missing or not one of ours, 403 when it names another investigation
   * (checked here, without asking the entity).
   */
  private static String presentedToken(Call call, String investigationId, String prefix) {
    String token = call.bearerToken().orElseThrow(() -> new ApiError(401, "unauthenticated",
        "send the investigation's token as 'Authorization: Bearer <token>'"));
    Optional<String> named = Tokens.investigationOf(token);
    if (named.isEmpty() || !token.startsWith(prefix + ".")) {
      throw new ApiError(401, "unauthenticated", "the token is not a " + (prefix.equals(Tokens.BOOTSTRAP_PREFIX)
          ? "bootstrap" : "investigation") + " token");
    }
    if (!named.get().equals(investigationId)) {
      throw ApiError.forbidden("the token belongs to another investigation");
    }
    return token;
  }

  private static void failUnlessGranted(String access, String message) {
    switch (access) {
      case InvestigationProtocol.GRANTED -> { }
      case InvestigationProtocol.UNAUTHORIZED -> throw new ApiError(401, "unauthenticated", message);
      case InvestigationProtocol.FORBIDDEN -> throw ApiError.forbidden(message);
      case InvestigationProtocol.GONE -> throw new ApiError(410, "gone", message);
      case InvestigationProtocol.PAUSED -> throw new ApiError(423, "paused", message);
      case InvestigationProtocol.NOT_FOUND -> throw ApiError.notFound(message);
      case InvestigationProtocol.NOT_READY -> throw ApiError.unavailable(message);
      default -> throw new IllegalStateException("unknown access outcome " + access);
    }
  }

  private EntityRef<InvestigationProtocol.Command> entity(String id) {
    return sharding.entityRefFor(Investigation.TYPE_KEY, id);
  }

  private static RuntimeException refusal(Throwable failure, java.util.function.Function<String, ApiError> mapping) {
    Throwable cause = ApiRouter.unwrap(failure);
    if (cause instanceof StatusReply.ErrorMessage refused) {
      return mapping.apply(refused.getMessage());
    }
    return cause instanceof RuntimeException runtime ? runtime : new java.util.concurrent.CompletionException(cause);
  }
}

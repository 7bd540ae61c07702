package dev.vigil.cluster.gateway;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import dev.vigil.cluster.approvals.ApprovalService;
import dev.vigil.persistence.approvals.Approval;
import dev.vigil.persistence.keys.Principal;
import dev.vigil.persistence.keys.Role;

/**
 * Approvals over HTTP: operators list and answer them ({@code POST /v1/approvals/{id}} with approve or reject and a
 * comment; only approvers the rule names, by key name or key id, may vote when it names any); the agent waits on
 * {@code GET /v1/approvals/{id}} for the final decision.
 */
public final class ApprovalRoutes {

  private static final Set<String> STATES = Set.of("pending", "approved", "rejected", "expired");

  private final ApprovalService approvals;

  public ApprovalRoutes(ApprovalService approvals) {
    this.approvals = approvals;
  }

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of("GET", "/v1/approvals", Set.of(Role.ADMIN, Role.OPERATOR, Role.AGENT), "approvals.list", this::list),
        Endpoint.of("GET", "/v1/approvals/{approvalId}", Set.of(Role.ADMIN, Role.OPERATOR, Role.AGENT), "approvals.get",
            this::get),
        Endpoint.of("POST", "/v1/approvals/{approvalId}", Set.of(Role.ADMIN, Role.OPERATOR), "approvals.answer",
            this::answer));
  }

  private CompletionStage<ApiResponse> list(Call call) {
    Optional<String> state = Optional.ofNullable(call.query().get("state"));
    if (state.isPresent() && !STATES.contains(state.get())) {
      throw ApiError.badRequest("state must be one of " + STATES + ", got '" + state.get() + "'");
    }
    Principal caller = call.caller();
    Optional<String> agent = caller.role() == Role.AGENT ? caller.agentId() : Optional.ofNullable(call.query().get("agent"));
    return approvals.list(state, agent, 500).thenApply(found ->
        ApiResponse.ok(Map.of("approvals", found.stream().map(ApprovalRoutes::view).toList())));
  }

  private CompletionStage<ApiResponse> get(Call call) {
    String id = Json.id("approvalId", call.path("approvalId"));
    return approvals.get(id).thenApply(found -> {
      Approval approval = found.orElseThrow(() -> ApiError.notFound("no approval " + id));
      Principal caller = call.caller();
      if (caller.role() == Role.AGENT && !caller.agentId().orElse("").equals(approval.agentId())) {
        throw ApiError.notFound("no approval " + id);
      }
      return ApiResponse.ok(view(approval));
    });
  }

  private CompletionStage<ApiResponse> answer(Call call) {
    String id = Json.id("approvalId", call.path("approvalId"));
    Json.Validator body = new Json.Validator(call.body());
    String decision = body.requiredText("decision", 16);
    Optional<String> comment = body.optionalText("comment", 2000);
    if (decision != null && !decision.equals("approve") && !decision.equals("reject")) {
      body.problem("decision", "must be approve or reject");
    }
    body.check();
    Principal caller = call.caller();
    return approvals.get(id).thenCompose(found -> {
      Approval approval = found.orElseThrow(() -> ApiError.notFound("no approval " + id));
      if (!approval.approvers().isEmpty() && !approval.approvers().contains(caller.name())
          && !approval.approvers().contains(caller.keyId())) {
        throw ApiError.forbidden("only " + approval.approvers() + " may answer this approval");
      }
      return approvals.vote(id, caller.keyId(), caller.name(), decision.equals("approve"), comment);
    }).thenApply(result -> switch (result.outcome()) {
      case NOT_FOUND -> throw ApiError.notFound("no approval " + id);
      case NOT_PENDING -> throw ApiError.conflict("approval " + id + " is already " + result.approval().orElseThrow().state());
      case ALREADY_VOTED -> throw ApiError.conflict("you have already answered approval " + id);
      case EXPIRED -> throw ApiError.conflict("approval " + id + " expired before your answer");
      default -> ApiResponse.ok(view(result.approval().orElseThrow()));
    });
  }

  static Map<String, Object> view(Approval approval) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("approvalId", approval.approvalId());
    view.put("agentId", approval.agentId());
    view.put("action", approval.action());
    view.put("state", approval.state());
    approval.policyId().ifPresent(p -> view.put("policyId", p));
    approval.ruleId().ifPresent(r -> view.put("rule", r));
    approval.reason().ifPresent(r -> view.put("reason", r));
    view.put("approvers", approval.approvers());
    view.put("requiredApprovals", approval.requiredApprovals());
    view.put("approvals", approval.approvals());
    view.put("votes", approval.votes().stream().map(v -> {
      Map<String, Object> vote = new LinkedHashMap<>();
      vote.put("voter", v.voterName());
      vote.put("vote", v.vote());
      v.comment().ifPresent(c -> vote.put("comment", c));
      vote.put("at", v.votedAt());
      return vote;
    }).toList());
    approval.finalDecision().ifPresent(d -> view.put("finalDecision", d));
    approval.finalReason().ifPresent(r -> view.put("finalReason", r));
    approval.decisionReceipt().ifPresent(r -> view.put("decisionReceipt", r));
    approval.finalReceipt().ifPresent(r -> view.put("finalReceipt", r));
    view.put("createdAt", approval.createdAt());
    view.put("expiresAt", approval.expiresAt());
    approval.closedAt().ifPresent(c -> view.put("closedAt", c));
    return view;
  }
}

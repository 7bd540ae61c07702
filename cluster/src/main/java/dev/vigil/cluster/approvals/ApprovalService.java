package dev.vigil.cluster.approvals;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import dev.vigil.actors.agent.AgentEntity;
import dev.vigil.persistence.approvals.Approval;
import dev.vigil.persistence.approvals.ApprovalStore;
import dev.vigil.persistence.approvals.ApprovalStore.VoteResult;
import dev.vigil.protocol.AgentProtocol;
import dev.vigil.protocol.PolicyProtocol.DecisionView;
import dev.vigil.protocol.PolicyProtocol.EvaluationInput;

/**
 * The life of an approval. An escalated decision opens one; operators named by the rule vote; any reject closes it
 * as a deny; the vote that reaches the required count triggers a fresh evaluation of the same request against the
 * policy active at that moment (so a policy tightened meanwhile wins), and its outcome is final. Pending approvals past
 * their deadline expire as denies. Every step is a receipt in the agent's chain. A periodic sweep on every node
 * expires overdue approvals and finishes approvals whose re-evaluation a dying node left unfinished; the store's
 * locked, conditional transitions make the sweeps of several nodes safe.
 */
public final class ApprovalService {

  private static final Logger log = LoggerFactory.getLogger(ApprovalService.class);
  private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());

  private final ApprovalStore store;
  private final ClusterSharding sharding;
  private final Duration askTimeout;
  private final Clock clock;
  private final Cancellable sweeping;

  public ApprovalService(ActorSystem<?> system, ApprovalStore store, Duration askTimeout, Duration sweepInterval,
      Clock clock) {
    this.store = store;
    this.sharding = ClusterSharding.get(system);
    this.askTimeout = askTimeout;
    this.clock = clock;
    this.sweeping = system.scheduler().scheduleWithFixedDelay(sweepInterval, sweepInterval, this::sweep,
        system.executionContext());
  }

  /** Opens the approval an escalated decision asks for. */
  public CompletionStage<Approval> open(EvaluationInput input, DecisionView decision) {
    Instant now = clock.instant();
    long expiresIn = decision.approval() == null ? Duration.ofHours(1).toMillis() : decision.approval().expiresInMillis();
    Approval approval = new Approval("ap-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20),
        input.agentId(), input.action(), toJson(input), Optional.ofNullable(decision.receiptId()),
        Optional.ofNullable(decision.policyId()), Optional.ofNullable(decision.policyVersion()),
        Optional.ofNullable(decision.ruleId()), Optional.ofNullable(decision.reason()),
        decision.approval() == null ? List.of() : decision.approval().approvers(),
        decision.approval() == null ? 1 : Math.max(1, decision.approval().requiredApprovals()),
        "pending", Optional.empty(), Optional.empty(), Optional.empty(), now, now.plusMillis(expiresIn),
        Optional.empty(), List.of());
    return store.open(approval).thenCompose(opened -> {
      ObjectNode body = JSON.createObjectNode();
      body.put("approvalId", opened.approvalId());
      body.put("decisionReceipt", opened.decisionReceipt().orElse(null));
      body.set("approvers", JSON.valueToTree(opened.approvers()));
      body.put("requiredApprovals", opened.requiredApprovals());
      body.put("expiresAt", opened.expiresAt().toString());
      return receipt(opened.agentId(), "approval.opened", body).thenApply(id -> opened);
    });
  }

  public CompletionStage<Optional<Approval>> get(String approvalId) {
    return store.get(approvalId);
  }

  public CompletionStage<List<Approval>> list(Optional<String> state, Optional<String> agentId, int limit) {
    return store.list(state, agentId, limit);
  }

  /** Records a vote and, when it settles the approval, closes it; the result is the approval as it now stands. */
  public CompletionStage<VoteResult> vote(String approvalId, String voterKeyId, String voterName, boolean approve,
      Optional<String> comment) {
    return store.vote(approvalId, voterKeyId, voterName, approve, comment, clock.instant()).thenCompose(result -> {
      Approval approval = result.approval().orElse(null);
      return switch (result.outcome()) {
        case RECORDED, APPROVED, REJECTED -> {
          ObjectNode body = JSON.createObjectNode();
          body.put("approvalId", approvalId);
          body.put("voter", voterName);
          body.put("voterKeyId", voterKeyId);
          body.put("vote", approve ? "approve" : "reject");
          body.put("comment", comment.orElse(null));
          CompletionStage<String> voted = receipt(approval.agentId(), "approval.vote", body);
          if (result.outcome() == ApprovalStore.VoteOutcome.APPROVED) {
            yield voted.thenCompose(id -> reEvaluate(approval)).thenApply(done -> new VoteResult(result.outcome(), done));
          }
          if (result.outcome() == ApprovalStore.VoteOutcome.REJECTED) {
            yield voted.thenCompose(id -> closedReceipt(approval)).thenApply(id -> result);
          }
          yield voted.thenApply(id -> result);
        }
        case EXPIRED -> closedReceipt(approval).thenApply(id -> result);
        default -> CompletableFuture.completedFuture(result);
      };
    });
  }

  /** The approved request, decided again now; allowed unless the policy now denies it. */
  private CompletionStage<Optional<Approval>> reEvaluate(Approval approval) {
    EvaluationInput original = fromJson(approval.requestJson());
    EvaluationInput now = new EvaluationInput(original.agentId(), original.phase(), original.action(),
        original.resource(), original.parameters(), original.principalType(), original.principalLabels(),
        original.context(), clock.instant(), original.scanMaxSeverity(), original.scanFindingTypes());
    return sharding.entityRefFor(AgentEntity.TYPE_KEY, approval.agentId())
        .<DecisionView>askWithStatus(reply -> new AgentProtocol.Decide(now, true, reply), askTimeout)
        .thenCompose(decision -> {
          boolean denied = decision.effect().equals("deny");
          String finalDecision = denied ? "deny" : "allow";
          String reason = denied ? "approved, but the policy active now denies it: " + decision.reason()
              : "approved by " + approval.requiredApprovals() + " approver(s); re-evaluated under " + decision.policyId()
                  + "@" + decision.policyVersion();
          return store.finish(approval.approvalId(), finalDecision, reason, decision.receiptId(), clock.instant());
        })
        // only the re-evaluation whose decision was recorded closes the approval in the chain
        .thenCompose(finished -> finished.won() && finished.approval().isPresent()
            ? closedReceipt(finished.approval().get()).thenApply(id -> finished.approval())
            : CompletableFuture.completedFuture(finished.approval()));
  }

  private CompletionStage<String> closedReceipt(Approval approval) {
    ObjectNode body = JSON.createObjectNode();
    body.put("approvalId", approval.approvalId());
    body.put("state", approval.state());
    body.put("finalDecision", approval.finalDecision().orElse(null));
    body.put("finalReason", approval.finalReason().orElse(null));
    body.put("reEvaluationReceipt", approval.finalReceipt().orElse(null));
    return receipt(approval.agentId(), "approval.closed", body);
  }

  private CompletionStage<String> receipt(String agentId, String kind, ObjectNode body) {
    return sharding.entityRefFor(AgentEntity.TYPE_KEY, agentId)
        .askWithStatus(reply -> new AgentProtocol.RecordReceipt(kind, body.toString(), reply), askTimeout);
  }

  /** Expires overdue approvals and finishes interrupted re-evaluations. */
  void sweep() {
    // a re-evaluation is two entity asks; one not finished well after that was left by a node that died
    Instant now = clock.instant();
    store.overdue(now, now.minus(askTimeout.multipliedBy(3)), 100).thenAccept(overdue -> {
      for (Approval approval : overdue) {
        if (approval.pending()) {
          store.expire(approval.approvalId(), clock.instant()).thenCompose(won -> won
              ? store.get(approval.approvalId()).thenCompose(a -> closedReceipt(a.orElseThrow()))
              : CompletableFuture.completedFuture(null));
        } else {
          reEvaluate(approval);
        }
      }
    }).exceptionally(failure -> {
      log.warn("Approval sweep failed (next sweep retries): {}", failure.getMessage());
      return null;
    });
  }

  public void stop() {
    sweeping.cancel();
  }

  private static String toJson(EvaluationInput input) {
    try {
      return JSON.writeValueAsString(input);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static EvaluationInput fromJson(String json) {
    try {
      return JSON.readValue(json, EvaluationInput.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored approval request is not readable", e);
    }
  }
}

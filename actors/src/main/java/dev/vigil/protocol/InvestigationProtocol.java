package dev.vigil.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;

/**
 * The {@code Investigation} entity's protocol (sharded by investigation id), and the admission queue's. An
 * investigation is one agent run as one Kubernetes Job: Requested -> (Queued) -> Provisioning -> Launching ->
 * Running -> Concluding -> Succeeded | Failed | TimedOut | Cancelled | Rejected. Events carry lease ids, TTLs and
 * token hashes, never a secret or a token.
 */
public final class InvestigationProtocol {
  private InvestigationProtocol() {}

  // ---------------------------------------------------------------- commands

  /** Commands the entity accepts; the entity's own timer and pipeToSelf messages also implement it (local only). */
  public interface Command extends VigilSerializable {}

  /** What an operator asks to run; {@code resources} keys: cpuRequest, memoryRequest, cpuLimit, memoryLimit. */
  @StableName("investigation.job-request.v1")
  public record JobRequest(String agentId, String image, List<String> command, List<String> args,
      Map<String, String> env, long deadlineSeconds, Map<String, String> resources) implements VigilSerializable {}

  /** Starts the investigation; starting it again with the same request answers its current view. */
  @StableName("investigation.start.v1")
  public record Start(JobRequest request, ActorRef<StatusReply<InvestigationView>> replyTo) implements Command {}

  /** Reads the investigation; an error reply if it was never started. */
  @StableName("investigation.get.v1")
  public record Get(ActorRef<StatusReply<InvestigationView>> replyTo) implements Command {}

  /** Ends it as {@code Cancelled}; an error reply if it has already ended or never started. */
  @StableName("investigation.cancel.v1")
  public record Cancel(String reason, ActorRef<StatusReply<InvestigationView>> replyTo) implements Command {}

  /** The agent trades its single-use bootstrap token for the investigation token. */
  @StableName("investigation.exchange-token.v1")
  public record ExchangeToken(String bootstrapToken, ActorRef<TokenReply> replyTo) implements Command {}

  /** The agent asks for the current secret of a credential domain, with its investigation token. */
  @StableName("investigation.get-credential.v1")
  public record GetCredential(String token, String domain, ActorRef<CredentialReply> replyTo) implements Command {}

  /**
   * The agent asks whether it may take an action, with its investigation token. {@code scanMaxSeverity} and
   * {@code scanFindingTypes} are what the gateway's scan of {@code content} and the string parameters found (null:
   * not scanned by the caller; the entity then scans {@code content} itself when it has a local scanner).
   */
  @StableName("investigation.decide-action.v1")
  public record DecideAction(String token, String action, String resource, Map<String, Object> parameters,
      String content, String scanMaxSeverity, List<String> scanFindingTypes, ActorRef<ActionReply> replyTo)
      implements Command {}

  /**
   * A monitoring alert asks to pause the investigation (idempotent per alert id): the agent's credential and action
   * calls answer {@link #PAUSED} until an operator resumes it or it ends. {@code replyTo} may be null.
   */
  @StableName("investigation.pause.v1")
  public record Pause(String alertId, String reason, ActorRef<StatusReply<InvestigationView>> replyTo)
      implements Command {}

  /** An operator resumes a paused investigation. */
  @StableName("investigation.resume.v1")
  public record Resume(String operator, String reason, ActorRef<StatusReply<InvestigationView>> replyTo)
      implements Command {}

  /** The Job's status as a node's informer saw it (phase: pending, running, succeeded, failed, gone). */
  @StableName("investigation.job-observed.v1")
  public record JobObserved(String jobName, String phase, String reason) implements Command {}

  /** From the admission queue: a running slot is this investigation's. */
  @StableName("investigation.admission-granted.v1")
  public record AdmissionGranted() implements Command {}

  /** From the admission queue: the investigation waits at {@code position} (1 = next). */
  @StableName("investigation.queue-position-changed.v1")
  public record QueuePositionChanged(int position) implements Command {}

  // ---------------------------------------------------------------- replies

  /** Access outcomes of the agent-facing commands (the gateway maps them to 200, 401, 403, 410, 503). */
  public static final String GRANTED = "granted";
  public static final String UNAUTHORIZED = "unauthorized";
  public static final String FORBIDDEN = "forbidden";
  public static final String GONE = "gone";
  public static final String NOT_READY = "not-ready";
  public static final String NOT_FOUND = "not-found";
  /** Paused by a monitoring alert until an operator resumes it (the gateway answers 423). */
  public static final String PAUSED = "paused";

  @StableName("investigation.token-reply.v1")
  public record TokenReply(String access, String token, String message) implements VigilSerializable {}

  /** A credential: only in this reply (over the wire to the gateway), never in an event. */
  @StableName("investigation.credential-reply.v1")
  public record CredentialReply(String access, String domain, String leaseId, long ttlSeconds,
      Map<String, String> secret, String message) implements VigilSerializable {
    @Override
    public String toString() {
      return "CredentialReply[" + access + ", " + domain + ", " + leaseId + ", secret hidden]";
    }
  }

  /**
   * The answer to an action: {@code effect} is what the agent must do (allow, deny, escalate, or shadow = never
   * execute), {@code policyEffect} what policy alone said, and the sealed receipt of the decision.
   */
  @StableName("investigation.action-reply.v1")
  public record ActionReply(String access, String effect, String policyEffect, String reason, String ruleId,
      String policyVersion, String receiptJson, String message) implements VigilSerializable {}

  /** A lease as callers see it: no secret. */
  @StableName("investigation.lease-view.v1")
  public record LeaseView(String domain, String leaseId, long ttlSeconds, boolean renewable, Instant grantedAt,
      Instant revokedAt) implements VigilSerializable {}

  /** What callers see of an investigation. */
  @StableName("investigation.view.v1")
  public record InvestigationView(String investigationId, String agentId, String state, String phase,
      String jobName, String serviceAccount, List<String> credentialDomains, List<LeaseView> leases,
      Map<String, Instant> timestamps, int decisions, String outcome, String reason, Instant deadline,
      String pausedBy) implements VigilSerializable {}

  // ---------------------------------------------------------------- events

  public sealed interface Event extends JournalEvent
      permits Requested, Queued, Admitted, Provisioned, LeaseGranted, LeaseRenewed, LeaseRevoked,
      BootstrapTokenIssued, JobLaunched, JobStarted, TokenExchanged, ActionDecided, ConclusionReached, Concluded,
      Paused, Resumed, ScopeOpened, ScopeClosed {}

  /**
   * The Vault token this investigation's leases are read with exists; only its accessor is kept. Revoking it revokes
   * every lease read with it, also one whose {@code LeaseGranted} a crash kept out of the journal.
   */
  @StableName("investigation.scope-opened.v1")
  public record ScopeOpened(String accessor, Instant expiresAt, Instant at) implements Event {}

  /** Vault confirmed the scope's token revoked (and with it every lease read with it). */
  @StableName("investigation.scope-closed.v1")
  public record ScopeClosed(String accessor, Instant at) implements Event {}

  @StableName("investigation.requested.v1")
  public record Requested(String investigationId, JobRequest request, Instant at) implements Event {}

  @StableName("investigation.queued.v1")
  public record Queued(int position, Instant at) implements Event {}

  @StableName("investigation.admitted.v1")
  public record Admitted(Instant at) implements Event {}

  /** The phase is fixed: service account, credential domains and the action rules of this run. */
  @StableName("investigation.provisioned.v1")
  public record Provisioned(String phase, String serviceAccount, List<String> credentialDomains, String actions,
      Instant at) implements Event {}

  @StableName("investigation.lease-granted.v1")
  public record LeaseGranted(String domain, String leaseId, long ttlSeconds, boolean renewable, Instant at)
      implements Event {}

  @StableName("investigation.lease-renewed.v1")
  public record LeaseRenewed(String domain, String leaseId, long ttlSeconds, Instant at) implements Event {}

  @StableName("investigation.lease-revoked.v1")
  public record LeaseRevoked(String domain, String leaseId, Instant at) implements Event {}

  /** A bootstrap token went into the Job spec; only its SHA-256 is kept. */
  @StableName("investigation.bootstrap-token-issued.v1")
  public record BootstrapTokenIssued(String tokenSha256, Instant expiresAt) implements Event {}

  @StableName("investigation.job-launched.v1")
  public record JobLaunched(String jobName, boolean adopted, Instant deadline, Instant at) implements Event {}

  @StableName("investigation.job-started.v1")
  public record JobStarted(Instant at) implements Event {}

  /** The bootstrap token was used up; the investigation token's SHA-256 is kept. */
  @StableName("investigation.token-exchanged.v1")
  public record TokenExchanged(String tokenSha256, Instant at) implements Event {}

  /** One action decided, with its sealed receipt (canonical JSON) in the investigation's chain. */
  @StableName("investigation.action-decided.v1")
  public record ActionDecided(long sequence, String action, String resource, String effect, String policyEffect,
      String ruleId, String receiptJson, Instant at) implements Event {}

  /** The outcome is decided (succeeded, failed, timed-out, cancelled, rejected); leases are being revoked. */
  @StableName("investigation.conclusion-reached.v1")
  public record ConclusionReached(String outcome, String reason, Instant at) implements Event {}

  /** Every lease is revoked: the investigation has ended. */
  @StableName("investigation.concluded.v1")
  public record Concluded(String outcome, Instant at) implements Event {}

  /** A monitoring alert paused the agent's calls; {@code receiptJson} is the sealed receipt in the chain. */
  @StableName("investigation.paused.v1")
  public record Paused(String alertId, String reason, String receiptJson, Instant at) implements Event {}

  /** An operator resumed the agent's calls; {@code receiptJson} is the sealed receipt in the chain. */
  @StableName("investigation.resumed.v1")
  public record Resumed(String operator, String reason, String receiptJson, Instant at) implements Event {}

  // ---------------------------------------------------------------- admission queue

  /** Commands of the admission queue (a cluster singleton); its own batching messages also implement it. */
  public interface AdmissionCommand extends VigilSerializable {}

  /** Asks for a running slot; idempotent (an admitted or waiting id is told its standing again). */
  @StableName("investigation.admission.admit.v1")
  public record Admit(String investigationId) implements AdmissionCommand {}

  /** Frees the slot (or the place in the line) of an ended investigation. */
  @StableName("investigation.admission.release.v1")
  public record Release(String investigationId) implements AdmissionCommand {}

  /** Where an investigation waits: 0 = admitted or unknown. */
  @StableName("investigation.admission.position.v1")
  public record Position(String investigationId, ActorRef<QueueStanding> replyTo) implements AdmissionCommand {}

  /** An investigation's place in the line: 0 = not waiting (admitted, ended or unknown), 1 = next. */
  @StableName("investigation.admission.standing.v1")
  public record QueueStanding(String investigationId, int position) implements VigilSerializable {}

  public sealed interface AdmissionEvent extends JournalEvent permits Enqueued, SlotGranted, SlotReleased {}

  @StableName("investigation.admission.enqueued.v1")
  public record Enqueued(String investigationId) implements AdmissionEvent {}

  @StableName("investigation.admission.slot-granted.v1")
  public record SlotGranted(String investigationId) implements AdmissionEvent {}

  @StableName("investigation.admission.slot-released.v1")
  public record SlotReleased(String investigationId) implements AdmissionEvent {}

  /** The admission queue's snapshot: running ids and the waiting line, in order. */
  @StableName("investigation.admission.state.v1")
  public record AdmissionState(java.util.LinkedHashSet<String> running, java.util.LinkedHashSet<String> waiting)
      implements VigilSerializable {}
}

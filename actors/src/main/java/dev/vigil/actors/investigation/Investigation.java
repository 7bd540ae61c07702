package dev.vigil.actors.investigation;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionException;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.vigil.actors.lease.Lease;
import dev.vigil.actors.lease.LeaseBroker;
import dev.vigil.actors.lease.LeaseExpiredException;
import dev.vigil.k8s.JobSpecInput;
import dev.vigil.k8s.JobTemplate;
import dev.vigil.k8s.jobs.JobObservation;
import dev.vigil.k8s.jobs.JobRunner;
import dev.vigil.policy.ScanSummary;
import dev.vigil.protocol.InvestigationProtocol.ActionDecided;
import dev.vigil.protocol.InvestigationProtocol.ActionReply;
import dev.vigil.protocol.InvestigationProtocol.Admit;
import dev.vigil.protocol.InvestigationProtocol.Admitted;
import dev.vigil.protocol.InvestigationProtocol.AdmissionGranted;
import dev.vigil.protocol.InvestigationProtocol.BootstrapTokenIssued;
import dev.vigil.protocol.InvestigationProtocol.Cancel;
import dev.vigil.protocol.InvestigationProtocol.Command;
import dev.vigil.protocol.InvestigationProtocol.Concluded;
import dev.vigil.protocol.InvestigationProtocol.ConclusionReached;
import dev.vigil.protocol.InvestigationProtocol.CredentialReply;
import dev.vigil.protocol.InvestigationProtocol.DecideAction;
import dev.vigil.protocol.InvestigationProtocol.Event;
import dev.vigil.protocol.InvestigationProtocol.ExchangeToken;
import dev.vigil.protocol.InvestigationProtocol.Get;
import dev.vigil.protocol.InvestigationProtocol.GetCredential;
import dev.vigil.protocol.InvestigationProtocol.InvestigationView;
import dev.vigil.protocol.InvestigationProtocol.JobLaunched;
import dev.vigil.protocol.InvestigationProtocol.JobObserved;
import dev.vigil.protocol.InvestigationProtocol.JobStarted;
import dev.vigil.protocol.InvestigationProtocol.Pause;
import dev.vigil.protocol.InvestigationProtocol.Paused;
import dev.vigil.protocol.InvestigationProtocol.LeaseGranted;
import dev.vigil.protocol.InvestigationProtocol.LeaseRenewed;
import dev.vigil.protocol.InvestigationProtocol.LeaseRevoked;
import dev.vigil.protocol.InvestigationProtocol.Provisioned;
import dev.vigil.protocol.InvestigationProtocol.QueuePositionChanged;
import dev.vigil.protocol.InvestigationProtocol.Queued;
import dev.vigil.protocol.InvestigationProtocol.Release;
import dev.vigil.protocol.InvestigationProtocol.Requested;
import dev.vigil.protocol.InvestigationProtocol.Resume;
import dev.vigil.protocol.InvestigationProtocol.Resumed;
import dev.vigil.protocol.InvestigationProtocol.ScopeClosed;
import dev.vigil.protocol.InvestigationProtocol.ScopeOpened;
import dev.vigil.protocol.InvestigationProtocol.Start;
import dev.vigil.protocol.InvestigationProtocol.TokenExchanged;
import dev.vigil.protocol.InvestigationProtocol.TokenReply;
import dev.vigil.protocol.PolicyProtocol;
import dev.vigil.receipt.Receipt;
import dev.vigil.receipt.ReceiptChain;
import dev.vigil.trust.TrustPhase;

import static dev.vigil.protocol.InvestigationProtocol.FORBIDDEN;
import static dev.vigil.protocol.InvestigationProtocol.GONE;
import static dev.vigil.protocol.InvestigationProtocol.GRANTED;
import static dev.vigil.protocol.InvestigationProtocol.NOT_FOUND;
import static dev.vigil.protocol.InvestigationProtocol.NOT_READY;
import static dev.vigil.protocol.InvestigationProtocol.PAUSED;
import static dev.vigil.protocol.InvestigationProtocol.UNAUTHORIZED;

/**
 * The {@code Investigation} entity: one agent run as one Kubernetes Job, sharded by investigation id across nodes of
 * role {@code entities}, event-sourced in the journal (tagged for the read-model projection, snapshotted).
 *
 * <p>Lifecycle: Requested -> (Queued, until the admission queue grants a slot) -> Provisioning (phase fixed from the
 * agent, one Vault lease per allowed credential domain) -> Launching (bootstrap token issued, Job created or adopted)
 * -> Running (the Job's pod runs; leases renewed; actions decided) -> Concluding (Job deleted unless it succeeded,
 * every lease revoked until Vault confirms) -> succeeded | failed | timed-out | cancelled | rejected.
 *
 * <p>Side effects run after their event is persisted. Secrets and raw tokens live only in this actor's memory, so on
 * recovery (after a crash or a rebalance) the entity reconciles from its events: a running investigation's leases are
 * rotated (new secret, old lease revoked), its Job is looked up and its deadline re-armed; an ending one revokes every
 * lease still without a {@link LeaseRevoked}.
 */
public final class Investigation extends EventSourcedBehavior<Command, Event, InvestigationState> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Investigation");
  public static final String ROLE = "entities";
  public static final String TAG_PREFIX = "investigation-";

  // ---------------------------------------------------------------- the entity's own messages (local only)

  private enum ResolvePhase implements Command { INSTANCE }

  private record PhaseResolved(String phase) implements Command {}

  private record PhaseFailed(Throwable error) implements Command {}

  private record IssueLease(String domain, String replaces) implements Command {}

  private record LeaseIssued(String domain, String replaces, Lease lease) implements Command {}

  private record LeaseIssueFailed(String domain, String replaces, Throwable error) implements Command {}

  private record RenewDue(String leaseId) implements Command {}

  private record Renewed(String leaseId, Duration ttl) implements Command {}

  private record RenewFailed(String leaseId, Throwable error) implements Command {}

  private record RevokeLease(String domain, String leaseId) implements Command {}

  private record Revoked(String domain, String leaseId) implements Command {}

  private record RevokeFailed(String domain, String leaseId, Throwable error) implements Command {}

  private enum LaunchJob implements Command { INSTANCE }

  private record Launched(JobRunner.Launch how) implements Command {}

  private record LaunchFailed(Throwable error) implements Command {}

  private record LookedUp(Optional<JobObservation> observation) implements Command {}

  private enum DeadlineReached implements Command { INSTANCE }

  private record DeleteJob(String jobName, int attempt) implements Command {}

  private record JobDeleteDone(String jobName, int attempt, Throwable error) implements Command {}

  private record ActionEvaluated(DecideAction request, PolicyProtocol.DecisionView decision, ScanSummary scan)
      implements Command {}

  private record ActionFailed(DecideAction request, Throwable error) implements Command {}

  private record CredentialWaitOver(String domain) implements Command {}

  private enum FlushGrants implements Command { INSTANCE }

  private enum AdmitAgain implements Command { INSTANCE }

  /** How often an investigation still waiting for admission asks the queue again (its Admit may have been lost). */
  private static final Duration ADMIT_AGAIN = Duration.ofSeconds(10);

  private record ScopeReady(LeaseBroker.Scope scope) implements Command {}

  private record ScopeFailed(Throwable error) implements Command {}

  private enum RetryScope implements Command { INSTANCE }

  private record CloseScope(String accessor) implements Command {}

  /**
   * Sent by the shard instead of stopping the entity outright (hand-off in a drain or rebalance, passivation): the
   * entity stops once no agent action is being decided and no token request is in flight ({@link #idle}), so neither
   * answer is lost.
   */
  private enum HandOffStop implements Command { INSTANCE }

  private record ScopeCloseDone(String accessor, Throwable error) implements Command {}

  /** The longest an issued lease waits for its siblings before it is recorded on its own. */
  private static final Duration GRANT_BATCH_WAIT = Duration.ofMillis(50);

  // ---------------------------------------------------------------- wiring

  /** Starts sharding of investigations on this node (a proxy only on nodes without the entities role). */
  public static void initSharding(ActorSystem<?> system, InvestigationServices services) {
    ClusterShardingSettings shardingSettings = ClusterShardingSettings.create(system)
        // an investigation in flight must come back after a crash even if nobody asks for it: its leases and Job
        // are only reconciled by a running entity
        .withRememberEntities(true)
        .withRememberEntitiesStoreMode(ClusterShardingSettings.RememberEntitiesStoreModeEventSourced$.MODULE$);
    ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId(), services,
            ctx.getShard()))
        .withStopMessage(HandOffStop.INSTANCE)
        .withRole(ROLE)
        .withSettings(shardingSettings)
        .withMessageExtractor(new HashCodeMessageExtractor<>(services.settings().numberOfShards())));
  }

  /** Agent actions asked of the policy pool and not answered yet. */
  private int actionsInFlight;
  /** The investigation has ended: passivate as soon as nothing is in flight ({@link #idle}). */
  private boolean passivateWhenIdle;
  /** The shard asked this entity to stop (hand-off or passivation): stop as soon as nothing is in flight. */
  private boolean stopWhenIdle;

  /** The entity; {@code shard} receives its passivation request once it has ended (null in tests). */
  public static Behavior<Command> create(String investigationId, InvestigationServices services,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new Investigation(investigationId, services, context, timers, shard)));
  }

  /** The projection tag of an investigation's events. */
  public static String tagFor(String investigationId, int tagCount) {
    return TAG_PREFIX + Math.floorMod(investigationId.hashCode(), tagCount);
  }

  private final String investigationId;
  private final InvestigationServices services;
  private final InvestigationSettings settings;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final ActorRef<ClusterSharding.ShardCommand> shard;
  private final Set<String> tags;

  // in memory only: secrets, work in flight, retry counters
  private final Map<String, Lease> secrets = new HashMap<>();
  private final Set<String> issuing = new HashSet<>();
  private final Set<String> revoking = new HashSet<>();
  private final Map<String, Integer> attempts = new HashMap<>();
  /** Credential requests waiting for their domain's lease to be issued, by domain. */
  private final Map<String, List<GetCredential>> waitingForCredential = new HashMap<>();
  /** Leases issued by Vault, not yet recorded (see {@link #onLeaseIssued}); their secrets are not handed out yet. */
  private final List<LeaseIssued> pendingGrants = new ArrayList<>();
  /**
   * The Vault token this incarnation reads leases with (memory only: its accessor is in the journal). Null until its
   * {@code ScopeOpened} is persisted; a recovered incarnation opens a new one and closes the old ones.
   */
  private LeaseBroker.Scope scope;
  private boolean scopeInFlight;
  /** A token asked for at admission that arrived before the phase: recorded with it. */
  private LeaseBroker.Scope unrecordedScope;
  /** The phase arrived before the token asked for at admission: recorded when the token comes (or fails). */
  private String phaseAwaitingScope;
  /** Leases to issue once the scope exists: domain -> the lease each replaces (or ""). */
  private final Map<String, String> waitingForScope = new LinkedHashMap<>();
  private final Set<String> closingScopes = new HashSet<>();
  private boolean phaseInFlight;
  /** The queue granted a slot; {@code Admitted} is persisted with the phase (not in the journal yet). */
  private boolean admitting;
  private boolean launchInFlight;

  private Investigation(String investigationId, InvestigationServices services, ActorContext<Command> context,
      TimerScheduler<Command> timers, ActorRef<ClusterSharding.ShardCommand> shard) {
    super(PersistenceId.of(TYPE_KEY.name(), investigationId));
    this.investigationId = investigationId;
    this.services = services;
    this.settings = services.settings();
    this.context = context;
    this.timers = timers;
    this.shard = shard;
    this.tags = Set.of(tagFor(investigationId, settings.tagCount()));
  }

  @Override
  public InvestigationState emptyState() {
    return InvestigationState.empty(investigationId);
  }

  @Override
  public Set<String> tagsFor(Event event) {
    return tags;
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public EventHandler<InvestigationState, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(InvestigationState::apply);
  }

  @Override
  public SignalHandler<InvestigationState> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::reconcile).build();
  }

  @Override
  public CommandHandler<Command, Event, InvestigationState> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Start.class, this::onStart)
        .onCommand(Get.class, this::onGet)
        .onCommand(Cancel.class, this::onCancel)
        .onCommand(Pause.class, this::onPause)
        .onCommand(Resume.class, this::onResume)
        .onCommand(AdmissionGranted.class, this::onAdmissionGranted)
        .onCommand(QueuePositionChanged.class, this::onQueuePosition)
        .onCommand(ResolvePhase.class, (state, cmd) -> resolvePhase(state))
        .onCommand(PhaseResolved.class, this::onPhaseResolved)
        .onCommand(PhaseFailed.class, this::onPhaseFailed)
        .onCommand(IssueLease.class, this::onIssueLease)
        .onCommand(LeaseIssued.class, this::onLeaseIssued)
        .onCommand(LeaseIssueFailed.class, this::onLeaseIssueFailed)
        .onCommand(FlushGrants.class, (state, cmd) -> flushGrants(state))
        .onCommand(AdmitAgain.class, (state, cmd) -> onAdmitAgain(state))
        .onCommand(ScopeReady.class, this::onScopeReady)
        .onCommand(ScopeFailed.class, this::onScopeFailed)
        .onCommand(RetryScope.class, (state, cmd) -> {
          openScope(state);
          return Effect().none();
        })
        .onCommand(CloseScope.class, (state, cmd) -> {
          closeScope(cmd.accessor());
          return Effect().none();
        })
        .onCommand(ScopeCloseDone.class, this::onScopeCloseDone)
        .onCommand(RenewDue.class, this::onRenewDue)
        .onCommand(Renewed.class, this::onRenewed)
        .onCommand(RenewFailed.class, this::onRenewFailed)
        .onCommand(RevokeLease.class, this::onRevokeLease)
        .onCommand(Revoked.class, this::onRevoked)
        .onCommand(RevokeFailed.class, this::onRevokeFailed)
        .onCommand(LaunchJob.class, (state, cmd) -> onLaunchJob(state))
        .onCommand(Launched.class, this::onLaunched)
        .onCommand(LaunchFailed.class, this::onLaunchFailed)
        .onCommand(JobObserved.class, this::onJobObserved)
        .onCommand(LookedUp.class, this::onLookedUp)
        .onCommand(DeadlineReached.class, (state, cmd) -> onDeadline(state))
        .onCommand(DeleteJob.class, this::onDeleteJob)
        .onCommand(JobDeleteDone.class, this::onJobDeleteDone)
        .onCommand(ExchangeToken.class, this::onExchangeToken)
        .onCommand(GetCredential.class, this::onGetCredential)
        .onCommand(CredentialWaitOver.class, this::onCredentialWaitOver)
        .onCommand(DecideAction.class, this::onDecideAction)
        .onCommand(ActionEvaluated.class, this::onActionEvaluated)
        .onCommand(ActionFailed.class, this::onActionFailed)
        .onCommand(HandOffStop.class, (state, cmd) -> onHandOffStop())
        .build();
  }

  // ---------------------------------------------------------------- lifecycle commands

  private Effect<Event, InvestigationState> onStart(InvestigationState state, Start cmd) {
    if (state.started()) {
      if (cmd.request().equals(state.request())) {
        return Effect().reply(cmd.replyTo(), StatusReply.success(state.view()));
      }
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "investigation " + investigationId + " already exists with another request"));
    }
    return Effect().persist(new Requested(investigationId, cmd.request(), now()))
        .thenRun(this::askForAdmission)
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.view()));
  }

  private Effect<Event, InvestigationState> onGet(InvestigationState state, Get cmd) {
    if (!state.started()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("no investigation " + investigationId));
    }
    return Effect().reply(cmd.replyTo(), StatusReply.success(state.view()));
  }

  private Effect<Event, InvestigationState> onCancel(InvestigationState state, Cancel cmd) {
    if (!state.started()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("no investigation " + investigationId));
    }
    if (state.ended()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "investigation " + investigationId + " has already ended: " + state.outcome()));
    }
    if (state.concluding()) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state.view()));
    }
    String reason = cmd.reason() == null || cmd.reason().isBlank() ? "cancelled by an operator" : cmd.reason();
    return conclude(state, "cancelled", reason).thenReply(cmd.replyTo(), s -> StatusReply.success(s.view()));
  }

  /**
   * A monitoring alert pauses the agent's calls. The Job keeps running: its deadline still bounds it, the leases it
   * already holds stay valid until revoked, and ending it is what {@code Cancel} is for; a pause only stops new
   * credentials and decisions until an operator looked. Idempotent per alert id (a resumed investigation is not paused
   * again by a repeat of the same alert).
   */
  private Effect<Event, InvestigationState> onPause(InvestigationState state, Pause cmd) {
    if (!state.started()) {
      return replyIfAsked(cmd.replyTo(), StatusReply.error("no investigation " + investigationId));
    }
    if (!state.open() || state.concluding() || state.paused() || state.pauseAlerts().contains(cmd.alertId())) {
      return replyIfAsked(cmd.replyTo(), StatusReply.success(state.view()));
    }
    String reason = cmd.reason() == null || cmd.reason().isBlank() ? "monitoring alert " + cmd.alertId()
        : cmd.reason();
    ObjectNode body = chainBody(state, "paused");
    body.put("alertId", cmd.alertId());
    body.put("reason", reason);
    Instant at = now();
    String receipt = seal(state, "investigation.paused", body, at);
    context.getLog().warn("Investigation {} of agent {} paused by alert {}: {}", investigationId, state.agentId(),
        cmd.alertId(), reason);
    EffectBuilder<Event, InvestigationState> effect = Effect().persist(new Paused(cmd.alertId(), reason, receipt, at));
    return cmd.replyTo() == null ? effect : effect.thenReply(cmd.replyTo(), s -> StatusReply.success(s.view()));
  }

  private Effect<Event, InvestigationState> onResume(InvestigationState state, Resume cmd) {
    if (!state.started()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("no investigation " + investigationId));
    }
    if (!state.open() || state.concluding()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "investigation " + investigationId + " has already ended: " + state.outcome()));
    }
    if (!state.paused()) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(
          "investigation " + investigationId + " is not paused"));
    }
    String reason = cmd.reason() == null || cmd.reason().isBlank() ? "resumed by " + cmd.operator() : cmd.reason();
    ObjectNode body = chainBody(state, "resumed");
    body.put("operator", cmd.operator());
    body.put("pausedBy", state.pausedBy());
    body.put("reason", reason);
    Instant at = now();
    String receipt = seal(state, "investigation.resumed", body, at);
    context.getLog().info("Investigation {} resumed by {} (paused by alert {})", investigationId, cmd.operator(),
        state.pausedBy());
    return Effect().persist(new Resumed(cmd.operator(), reason, receipt, at))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(s.view()));
  }

  private ObjectNode chainBody(InvestigationState state, String type) {
    ObjectNode body = ReceiptJson.MAPPER.createObjectNode();
    body.put("type", type);
    body.put("investigationId", investigationId);
    body.put("agentId", state.agentId());
    body.put("phase", state.phase());
    return body;
  }

  /** The next receipt of the investigation's chain, sealed and written as JSON. */
  private String seal(InvestigationState state, String kind, ObjectNode body, Instant at) {
    long sequence = state.chainSequence() + 1;
    Receipt receipt = ReceiptChain.resume(ReceiptJson.chainId(investigationId), state.chainHead())
        .next(kind, body, at, investigationId + "-" + sequence);
    return ReceiptJson.write(receipt);
  }

  private <T> Effect<Event, InvestigationState> replyIfAsked(ActorRef<T> replyTo, T reply) {
    return replyTo == null ? Effect().none() : Effect().reply(replyTo, reply);
  }

  /**
   * Asks the admission queue for a slot, and again every {@link #ADMIT_AGAIN} until it answers: an Admit can be lost
   * with the singleton (a hand-over, a node lost before the queue wrote it); asking twice is harmless.
   */
  private void askForAdmission(InvestigationState state) {
    services.admission().tell(new Admit(investigationId));
    timers.startTimerWithFixedDelay("admit", AdmitAgain.INSTANCE, ADMIT_AGAIN);
  }

  private Effect<Event, InvestigationState> onAdmitAgain(InvestigationState state) {
    if (state.waitingForAdmission() && !admitting) {
      services.admission().tell(new Admit(investigationId));
    } else {
      timers.cancel("admit");
    }
    return Effect().none();
  }

  /**
   * A slot: the agent's phase is resolved first, so {@code Admitted} and {@code Provisioned} reach the journal in one
   * write. Until then the slot is held only by the queue; if this incarnation dies first, the recovered one asks for
   * admission again and the queue, which already counts it as running, grants it at once.
   */
  private Effect<Event, InvestigationState> onAdmissionGranted(InvestigationState state, AdmissionGranted cmd) {
    if (state.waitingForAdmission()) {
      admitting = true;
      openScopeEarly(state);
      return resolvePhase(state);
    }
    if (state.ended()) {
      services.admission().tell(new Release(investigationId));
    }
    return Effect().none();
  }

  private Effect<Event, InvestigationState> onQueuePosition(InvestigationState state, QueuePositionChanged cmd) {
    if (InvestigationState.REQUESTED.equals(state.stage()) && cmd.position() > 0) {
      return Effect().persist(new Queued(cmd.position(), now()));
    }
    return Effect().none();
  }

  /** The phase is wanted: admitted but not recorded yet, or recorded as admitted without a phase (older journals). */
  private boolean needsPhase(InvestigationState state) {
    return (admitting && state.waitingForAdmission())
        || (InvestigationState.PROVISIONING.equals(state.stage()) && state.phase() == null);
  }

  private Effect<Event, InvestigationState> resolvePhase(InvestigationState state) {
    if (!needsPhase(state) || phaseInFlight) {
      return Effect().none();
    }
    phaseInFlight = true;
    context.pipeToSelf(services.agents().phaseOf(state.agentId()),
        (phase, failure) -> failure == null ? new PhaseResolved(phase) : new PhaseFailed(unwrap(failure)));
    return Effect().none();
  }

  private Effect<Event, InvestigationState> onPhaseResolved(InvestigationState state, PhaseResolved msg) {
    phaseInFlight = false;
    if (!needsPhase(state)) {
      return Effect().none();
    }
    if (scopeInFlight && scope == null) {
      phaseAwaitingScope = msg.phase(); // the token asked for at admission is on its way: one write for both
      return Effect().none();
    }
    LeaseBroker.Scope early = unrecordedScope;
    unrecordedScope = null;
    return provisioned(state, msg.phase(), early);
  }

  /**
   * Records the admission (if not yet), the phase and, when the token asked for at admission is there, its accessor:
   * one write. Without it the token is asked for again once leases are wanted.
   */
  private Effect<Event, InvestigationState> provisioned(InvestigationState state, String phaseName,
      LeaseBroker.Scope early) {
    List<Event> events = new ArrayList<>();
    Instant at = now();
    if (state.waitingForAdmission()) {
      events.add(new Admitted(at));
    }
    TrustPhase phase;
    try {
      phase = TrustPhase.parse(phaseName);
    } catch (IllegalArgumentException e) {
      if (early != null) {
        services.leases().closeScope(early.accessor()); // nothing was read with it; else it ends at its TTL
      }
      return conclude(state, events, "rejected", "the agent's phase is unknown: " + phaseName);
    }
    PhasePermissions permissions = settings.permissions(phase);
    events.add(new Provisioned(phase.wireName(), permissions.serviceAccount(), permissions.credentialDomains(),
        permissions.actions().wireName(), at));
    if (early != null) {
      events.add(new ScopeOpened(early.accessor(), at.plus(early.ttl()), at));
    }
    return Effect().persist(events).thenRun(s -> {
      if (early != null) {
        scope = early;
      }
      provision(s);
    });
  }

  private Effect<Event, InvestigationState> onPhaseFailed(InvestigationState state, PhaseFailed msg) {
    phaseInFlight = false;
    if (msg.error() instanceof AgentPhases.UnknownAgentException unknown) {
      if (!needsPhase(state)) {
        return Effect().none();
      }
      if (unrecordedScope != null) {
        services.leases().closeScope(unrecordedScope.accessor());
        unrecordedScope = null;
      }
      return conclude(state, state.waitingForAdmission() ? List.of(new Admitted(now())) : List.of(), "rejected",
          unknown.getMessage());
    }
    context.getLog().warn("Investigation {}: agent phase not available ({}); retrying", investigationId,
        msg.error().toString());
    timers.startSingleTimer("phase", ResolvePhase.INSTANCE, backoff("phase"));
    return Effect().none();
  }

  // ---------------------------------------------------------------- leases

  /** Issues a lease for every allowed domain that has no secret in memory, then launches the Job once all have. */
  private void provision(InvestigationState state) {
    if (!InvestigationState.PROVISIONING.equals(state.stage()) || state.phase() == null) {
      return;
    }
    boolean complete = true;
    for (String domain : state.credentialDomains()) {
      if (secrets.containsKey(domain)) {
        continue;
      }
      complete = false;
      if (pendingGrants.stream().anyMatch(i -> i.domain().equals(domain))) {
        continue; // issued, about to be recorded
      }
      issue(state, domain, currentLease(state, domain).map(InvestigationState.LeaseRecord::leaseId).orElse(null));
    }
    if (complete) {
      context.getSelf().tell(LaunchJob.INSTANCE);
    }
  }

  private static Optional<InvestigationState.LeaseRecord> currentLease(InvestigationState state, String domain) {
    InvestigationState.LeaseRecord latest = null;
    for (InvestigationState.LeaseRecord lease : state.leases()) {
      if (lease.live() && lease.domain().equals(domain)) {
        latest = lease;
      }
    }
    return Optional.ofNullable(latest);
  }

  private void issue(InvestigationState state, String domain, String replaces) {
    if (!issuing.add(domain)) {
      return;
    }
    if (scope == null) {
      waitingForScope.put(domain, replaces == null ? "" : replaces);
      openScope(state);
      return;
    }
    sendIssue(state, domain, replaces, scope);
  }

  private void sendIssue(InvestigationState state, String domain, String replaces, LeaseBroker.Scope with) {
    String path = settings.permissions(TrustPhase.parse(state.phase())).pathFor(domain);
    context.pipeToSelf(services.leases().issue(path, with), (lease, failure) -> failure == null
        ? new LeaseIssued(domain, replaces, lease) : new LeaseIssueFailed(domain, replaces, unwrap(failure)));
  }

  // ---------------------------------------------------------------- the Vault token the leases are read with

  /**
   * At admission: the token is asked for while the phase is looked up, so that both are recorded in one write
   * ({@link #provisioned}). A token that never gets recorded has had nothing read with it and ends at its TTL.
   */
  private void openScopeEarly(InvestigationState state) {
    if (scope != null || scopeInFlight || unrecordedScope != null) {
      return;
    }
    requestScope(state);
  }

  /** Asks Vault for this incarnation's token, unless one is on its way or nothing waits for it. */
  private void openScope(InvestigationState state) {
    if (scope != null || scopeInFlight || waitingForScope.isEmpty() || !state.open() || state.concluding()) {
      return;
    }
    requestScope(state);
  }

  private void requestScope(InvestigationState state) {
    scopeInFlight = true;
    context.pipeToSelf(services.leases().openScope("investigation-" + investigationId,
            Duration.ofSeconds(deadlineSeconds(state))),
        (opened, failure) -> failure == null ? new ScopeReady(opened) : new ScopeFailed(unwrap(failure)));
  }

  /**
   * The token exists: its accessor is persisted before any lease is read with it, so whatever Vault issues to it can
   * be revoked by whoever recovers this investigation, even a lease whose answer never arrived.
   */
  private Effect<Event, InvestigationState> onScopeReady(InvestigationState state, ScopeReady msg) {
    scopeInFlight = false;
    passivateIfIdle();
    stopIfAskedAndIdle();
    attempts.remove("scope");
    LeaseBroker.Scope opened = msg.scope();
    if (state.open() && !state.concluding() && needsPhase(state)) {
      // asked for at admission: recorded with the phase
      if (phaseAwaitingScope != null) {
        String phase = phaseAwaitingScope;
        phaseAwaitingScope = null;
        return provisioned(state, phase, opened);
      }
      unrecordedScope = opened;
      return Effect().none();
    }
    if (!state.open() || state.concluding() || waitingForScope.isEmpty()) {
      // nothing was read with it; if revoking it fails, it ends at its TTL
      services.leases().closeScope(opened.accessor());
      return Effect().none();
    }
    Instant at = now();
    return Effect().persist(new ScopeOpened(opened.accessor(), at.plus(opened.ttl()), at)).thenRun(s -> {
      scope = opened;
      Map<String, String> waiting = new LinkedHashMap<>(waitingForScope);
      waitingForScope.clear();
      waiting.forEach((domain, replaces) -> sendIssue(s, domain, replaces.isEmpty() ? null : replaces, opened));
    });
  }

  private Effect<Event, InvestigationState> onScopeFailed(InvestigationState state, ScopeFailed msg) {
    scopeInFlight = false;
    passivateIfIdle();
    stopIfAskedAndIdle();
    if (phaseAwaitingScope != null && needsPhase(state)) {
      // the phase is known: record it now, the token is asked for again when the leases are
      String phase = phaseAwaitingScope;
      phaseAwaitingScope = null;
      return provisioned(state, phase, null);
    }
    if (state.open() && !state.concluding() && !waitingForScope.isEmpty()) {
      Duration delay = backoff("scope");
      context.getLog().warn("Investigation {}: Vault did not create the investigation's token ({}); retrying in {} ms",
          investigationId, msg.error().toString(), delay.toMillis());
      timers.startSingleTimer("scope", RetryScope.INSTANCE, delay);
    }
    return Effect().none();
  }

  /** Revokes a scope's token by its accessor (and with it every lease read with it), retried until Vault confirms. */
  private void closeScope(String accessor) {
    if (!closingScopes.add(accessor)) {
      return;
    }
    timers.cancel("close-" + accessor);
    context.pipeToSelf(services.leases().closeScope(accessor),
        (done, failure) -> new ScopeCloseDone(accessor, failure == null ? null : unwrap(failure)));
  }

  /** Closes every open scope but the one this incarnation reads with (all of them once the investigation ends). */
  private void closeOtherScopes(InvestigationState state) {
    for (InvestigationState.ScopeRecord open : state.openScopes()) {
      if (scope == null || !open.accessor().equals(scope.accessor())) {
        closeScope(open.accessor());
      }
    }
  }

  private Effect<Event, InvestigationState> onScopeCloseDone(InvestigationState state, ScopeCloseDone msg) {
    closingScopes.remove(msg.accessor());
    if (msg.error() != null) {
      Duration delay = backoff("close-" + msg.accessor());
      context.getLog().warn("Investigation {}: revoking token {} failed ({}); retrying in {} ms", investigationId,
          msg.accessor(), msg.error().toString(), delay.toMillis());
      timers.startSingleTimer("close-" + msg.accessor(), new CloseScope(msg.accessor()), delay);
      return Effect().none();
    }
    attempts.remove("close-" + msg.accessor());
    boolean open = state.openScopes().stream().anyMatch(r -> r.accessor().equals(msg.accessor()));
    if (!open) {
      return Effect().none();
    }
    if (scope != null && scope.accessor().equals(msg.accessor())) {
      scope = null;
    }
    return recordRevocation(state, new ScopeClosed(msg.accessor(), now()));
  }

  /** Records a confirmed revocation; the last one of a concluding investigation also ends it. */
  private Effect<Event, InvestigationState> recordRevocation(InvestigationState state, Event revocation) {
    List<Event> events = new ArrayList<>();
    events.add(revocation);
    InvestigationState after = state.apply(revocation);
    if (after.concluding() && nothingLeftToRevoke(after)) {
      events.add(new Concluded(after.outcome(), now()));
    }
    return Effect().persist(events).thenRun(s -> {
      if (s.ended()) {
        afterEnd(s);
      }
    });
  }

  /** No live lease, no open scope, and no revocation or token revocation still on its way. */
  private boolean nothingLeftToRevoke(InvestigationState state) {
    return state.nothingToRevoke() && revoking.isEmpty() && closingScopes.isEmpty();
  }

  private Effect<Event, InvestigationState> onIssueLease(InvestigationState state, IssueLease msg) {
    if (state.open() && !state.concluding() && !secrets.containsKey(msg.domain())) {
      issue(state, msg.domain(), msg.replaces());
    }
    return Effect().none();
  }

  /**
   * A lease Vault issued. Leases issued together (one per domain of the phase) are recorded in one write, with the
   * bootstrap token when they complete the set: the grant waits for the other domains' answers, or at most
   * {@link #GRANT_BATCH_WAIT}, so a slow domain does not leave an issued lease unrecorded for long.
   */
  private Effect<Event, InvestigationState> onLeaseIssued(InvestigationState state, LeaseIssued msg) {
    issuing.remove(msg.domain());
    attempts.remove("issue-" + msg.domain());
    Lease lease = msg.lease();
    if (!state.open() || state.concluding()) {
      // issued while the investigation ended: record it, then revoke it at once
      return Effect().persist(new LeaseGranted(msg.domain(), lease.leaseId(), lease.ttl().toSeconds(),
          lease.renewable(), now())).thenRun(s -> revoke(msg.domain(), lease.leaseId()));
    }
    pendingGrants.add(msg);
    if (!issuing.isEmpty()) {
      timers.startSingleTimer("flush-grants", FlushGrants.INSTANCE, GRANT_BATCH_WAIT);
      return Effect().none();
    }
    return flushGrants(state);
  }

  /** Records the leases issued and not yet recorded, with the bootstrap token if they complete the phase's set. */
  private Effect<Event, InvestigationState> flushGrants(InvestigationState state) {
    timers.cancel("flush-grants");
    if (pendingGrants.isEmpty()) {
      return Effect().none();
    }
    Instant at = now();
    List<LeaseIssued> issued = List.copyOf(pendingGrants);
    List<Event> events = new ArrayList<>(takePendingGrants(at));
    Set<String> held = new HashSet<>(secrets.keySet());
    issued.forEach(i -> held.add(i.domain()));
    String bootstrapToken = null;
    if (InvestigationState.PROVISIONING.equals(state.stage()) && state.phase() != null && !state.jobLaunched()
        && !launchInFlight && held.containsAll(state.credentialDomains())) {
      launchInFlight = true;
      bootstrapToken = Tokens.newToken(Tokens.BOOTSTRAP_PREFIX, investigationId);
      events.add(new BootstrapTokenIssued(Tokens.sha256(bootstrapToken), at.plus(settings.bootstrapTokenTtl())));
    }
    String token = bootstrapToken;
    return Effect().persist(events).thenRun(s -> {
      for (LeaseIssued i : issued) {
        secrets.put(i.domain(), i.lease());
        answerWaitingCredentials(s, i.domain());
        scheduleRenewal(i.lease().leaseId(), i.lease().renewable(), i.lease().ttl(), at);
        if (i.replaces() != null) {
          revoke(i.domain(), i.replaces());
        }
      }
      if (token != null) {
        startJob(s, token);
      } else {
        provision(s);
      }
      if (secrets.keySet().containsAll(s.credentialDomains())) {
        // every credential comes from this incarnation's token: the older ones (an earlier incarnation's, lost with
        // its memory) are revoked, and with them any lease that incarnation got but never recorded
        closeOtherScopes(s);
      }
    });
  }

  /** The {@code LeaseGranted} events of the leases issued and not yet recorded; they are recorded by the caller. */
  private List<Event> takePendingGrants(Instant at) {
    List<Event> events = new ArrayList<>();
    for (LeaseIssued i : pendingGrants) {
      events.add(new LeaseGranted(i.domain(), i.lease().leaseId(), i.lease().ttl().toSeconds(), i.lease().renewable(),
          at));
    }
    pendingGrants.clear();
    return events;
  }

  private Effect<Event, InvestigationState> onLeaseIssueFailed(InvestigationState state, LeaseIssueFailed msg) {
    issuing.remove(msg.domain());
    if (state.open() && !state.concluding()) {
      Duration delay = backoff("issue-" + msg.domain());
      context.getLog().warn("Investigation {}: Vault did not issue a {} lease ({}); retrying in {} ms",
          investigationId, msg.domain(), msg.error().toString(), delay.toMillis());
      timers.startSingleTimer("issue-" + msg.domain(), new IssueLease(msg.domain(), msg.replaces()), delay);
    }
    // the leases that did come back are recorded now rather than after the retry
    return issuing.isEmpty() ? flushGrants(state) : Effect().none();
  }

  private void scheduleRenewal(String leaseId, boolean renewable, Duration ttl, Instant from) {
    if (!renewable || ttl.isZero() || ttl.isNegative()) {
      return;
    }
    timers.startSingleTimer("renew-" + leaseId, new RenewDue(leaseId),
        settings.renewal().delayUntilRenewal(now(), from, ttl));
  }

  private Optional<String> domainOfSecret(String leaseId) {
    return secrets.entrySet().stream().filter(e -> e.getValue().leaseId().equals(leaseId)).map(Map.Entry::getKey)
        .findFirst();
  }

  private Effect<Event, InvestigationState> onRenewDue(InvestigationState state, RenewDue msg) {
    if (!state.open() || state.concluding() || domainOfSecret(msg.leaseId()).isEmpty()) {
      return Effect().none();
    }
    context.pipeToSelf(services.leases().renew(msg.leaseId(), settings.renewIncrement()), (ttl, failure) ->
        failure == null ? new Renewed(msg.leaseId(), ttl) : new RenewFailed(msg.leaseId(), unwrap(failure)));
    return Effect().none();
  }

  private Effect<Event, InvestigationState> onRenewed(InvestigationState state, Renewed msg) {
    attempts.remove("renew-" + msg.leaseId());
    Optional<String> domain = domainOfSecret(msg.leaseId());
    if (!state.open() || state.concluding() || domain.isEmpty()) {
      return Effect().none();
    }
    if (settings.renewal().mustRotate(msg.ttl())) {
      // running into the max TTL: a fresh secret before this one dies
      issue(state, domain.get(), msg.leaseId());
      return Effect().none();
    }
    Instant at = now();
    return Effect().persist(new LeaseRenewed(domain.get(), msg.leaseId(), msg.ttl().toSeconds(), at))
        .thenRun(s -> scheduleRenewal(msg.leaseId(), true, msg.ttl(), at));
  }

  private Effect<Event, InvestigationState> onRenewFailed(InvestigationState state, RenewFailed msg) {
    Optional<String> domain = domainOfSecret(msg.leaseId());
    if (!state.open() || state.concluding() || domain.isEmpty()) {
      return Effect().none();
    }
    if (msg.error() instanceof LeaseExpiredException) {
      context.getLog().info("Investigation {}: lease {} expired; rotating", investigationId, msg.leaseId());
      secrets.remove(domain.get());
      issue(state, domain.get(), msg.leaseId());
      return Effect().none();
    }
    Duration delay = backoff("renew-" + msg.leaseId());
    context.getLog().warn("Investigation {}: renewing {} failed ({}); retrying in {} ms", investigationId,
        msg.leaseId(), msg.error().toString(), delay.toMillis());
    timers.startSingleTimer("renew-" + msg.leaseId(), new RenewDue(msg.leaseId()), delay);
    return Effect().none();
  }

  private void revoke(String domain, String leaseId) {
    if (!revoking.add(leaseId)) {
      return;
    }
    timers.cancel("renew-" + leaseId);
    context.pipeToSelf(services.leases().revoke(leaseId), (done, failure) -> failure == null
        ? new Revoked(domain, leaseId) : new RevokeFailed(domain, leaseId, unwrap(failure)));
  }

  private void revokeAll(InvestigationState state) {
    for (InvestigationState.LeaseRecord lease : state.liveLeases()) {
      revoke(lease.domain(), lease.leaseId());
    }
  }

  private Effect<Event, InvestigationState> onRevokeLease(InvestigationState state, RevokeLease msg) {
    boolean live = state.liveLeases().stream().anyMatch(l -> l.leaseId().equals(msg.leaseId()));
    if (live) {
      revoke(msg.domain(), msg.leaseId());
    }
    return Effect().none();
  }

  private Effect<Event, InvestigationState> onRevoked(InvestigationState state, Revoked msg) {
    revoking.remove(msg.leaseId());
    attempts.remove("revoke-" + msg.leaseId());
    Lease current = secrets.get(msg.domain());
    if (current != null && current.leaseId().equals(msg.leaseId())) {
      secrets.remove(msg.domain());
    }
    boolean live = state.liveLeases().stream().anyMatch(l -> l.leaseId().equals(msg.leaseId()));
    if (!live) {
      return Effect().none();
    }
    return recordRevocation(state, new LeaseRevoked(msg.domain(), msg.leaseId(), now()));
  }

  private Effect<Event, InvestigationState> onRevokeFailed(InvestigationState state, RevokeFailed msg) {
    revoking.remove(msg.leaseId());
    Duration delay = backoff("revoke-" + msg.leaseId());
    context.getLog().warn("Investigation {}: revoking {} failed ({}); retrying in {} ms", investigationId,
        msg.leaseId(), msg.error().toString(), delay.toMillis());
    timers.startSingleTimer("revoke-" + msg.leaseId(), new RevokeLease(msg.domain(), msg.leaseId()), delay);
    return Effect().none();
  }

  // ---------------------------------------------------------------- the Job

  private Effect<Event, InvestigationState> onLaunchJob(InvestigationState state) {
    if (!InvestigationState.PROVISIONING.equals(state.stage()) || state.phase() == null || state.jobLaunched()
        || launchInFlight || !secrets.keySet().containsAll(state.credentialDomains())) {
      return Effect().none();
    }
    launchInFlight = true;
    String bootstrapToken = Tokens.newToken(Tokens.BOOTSTRAP_PREFIX, investigationId);
    return Effect().persist(new BootstrapTokenIssued(Tokens.sha256(bootstrapToken),
            now().plus(settings.bootstrapTokenTtl())))
        .thenRun(s -> startJob(s, bootstrapToken));
  }

  private void startJob(InvestigationState state, String bootstrapToken) {
    var request = state.request();
    Map<String, String> resources = request.resources() == null ? Map.of() : request.resources();
    long deadlineSeconds = deadlineSeconds(state);
    io.fabric8.kubernetes.api.model.batch.v1.Job job;
    try {
      job = services.template().render(new JobSpecInput(investigationId, state.phase(), request.image(),
          request.command(), request.args(), request.env(), deadlineSeconds, resources.get("cpuRequest"),
          resources.get("memoryRequest"), resources.get("cpuLimit"), resources.get("memoryLimit"),
          settings.gatewayUrl(), bootstrapToken));
      job.getSpec().getTemplate().getSpec().setServiceAccountName(state.serviceAccount());
    } catch (IllegalArgumentException e) {
      context.getSelf().tell(new LaunchFailed(e));
      return;
    }
    context.pipeToSelf(services.jobs().launch(job), (how, failure) -> failure == null
        ? new Launched(how) : new LaunchFailed(unwrap(failure)));
  }

  private long deadlineSeconds(InvestigationState state) {
    long asked = state.request().deadlineSeconds();
    return asked > 0 ? asked : settings.defaultDeadline().toSeconds();
  }

  private Effect<Event, InvestigationState> onLaunched(InvestigationState state, Launched msg) {
    launchInFlight = false;
    attempts.remove("launch");
    String jobName = JobTemplate.jobName(investigationId);
    if (!InvestigationState.PROVISIONING.equals(state.stage())) {
      if (state.concluding() || state.ended()) {
        context.getSelf().tell(new DeleteJob(jobName, 0));
      }
      return Effect().none();
    }
    Instant at = now();
    boolean adopted = msg.how() == JobRunner.Launch.ADOPTED;
    return Effect().persist(new JobLaunched(jobName, adopted, at.plusSeconds(deadlineSeconds(state)), at))
        .thenRun(s -> {
          armDeadline(s);
          if (adopted) {
            lookUpJob();
          }
        })
        .thenUnstashAll();
  }

  private Effect<Event, InvestigationState> onLaunchFailed(InvestigationState state, LaunchFailed msg) {
    launchInFlight = false;
    if (msg.error() instanceof IllegalArgumentException invalid) {
      return conclude(state, "rejected", "the Job cannot be created: " + invalid.getMessage());
    }
    if (msg.error() instanceof IllegalStateException conflict) {
      return conclude(state, "failed", conflict.getMessage());
    }
    Duration delay = backoff("launch");
    context.getLog().warn("Investigation {}: creating the Job failed ({}); retrying in {} ms", investigationId,
        msg.error().toString(), delay.toMillis());
    timers.startSingleTimer("launch", LaunchJob.INSTANCE, delay);
    return Effect().unstashAll();
  }

  private void lookUpJob() {
    context.pipeToSelf(services.jobs().lookup(investigationId), (found, failure) -> {
      if (failure != null) {
        context.getLog().warn("Investigation {}: Job lookup failed ({}); waiting for the informer", investigationId,
            failure.toString());
        return new LookedUp(null);
      }
      return new LookedUp(found);
    });
  }

  private Effect<Event, InvestigationState> onLookedUp(InvestigationState state, LookedUp msg) {
    if (msg.observation() == null) {
      return Effect().none();
    }
    JobObservation observation = msg.observation().orElse(new JobObservation(investigationId,
        JobTemplate.jobName(investigationId), JobObservation.JobPhase.GONE, "the Job disappeared"));
    return onJobObserved(state, new JobObserved(observation.jobName(),
        observation.phase().name().toLowerCase(Locale.ROOT), observation.reason()));
  }

  private Effect<Event, InvestigationState> onJobObserved(InvestigationState state, JobObserved msg) {
    if (InvestigationState.PROVISIONING.equals(state.stage()) && launchInFlight) {
      return Effect().stash(); // the informer was quicker than the create call's answer
    }
    if (!state.jobLaunched() || !state.open() || state.concluding()) {
      return Effect().none();
    }
    return switch (msg.phase()) {
      case "running" -> InvestigationState.LAUNCHING.equals(state.stage())
          ? Effect().persist(new JobStarted(now())) : Effect().none();
      case "succeeded" -> conclude(state, "succeeded", "the agent exited successfully");
      case "failed" -> "DeadlineExceeded".equals(msg.reason())
          ? conclude(state, "timed-out", "Kubernetes ended the Job: DeadlineExceeded")
          : conclude(state, "failed", msg.reason().isBlank() ? "the Job failed" : msg.reason());
      case "gone" -> conclude(state, "failed", msg.reason().isBlank() ? "the Job disappeared" : msg.reason());
      default -> Effect().none();
    };
  }

  private void armDeadline(InvestigationState state) {
    if (state.deadline() == null) {
      return;
    }
    Duration left = Duration.between(now(), state.deadline());
    if (left.isNegative() || left.isZero()) {
      context.getSelf().tell(DeadlineReached.INSTANCE);
    } else {
      timers.startSingleTimer("deadline", DeadlineReached.INSTANCE, left);
    }
  }

  private Effect<Event, InvestigationState> onDeadline(InvestigationState state) {
    if (!state.open() || state.concluding() || !state.jobLaunched()) {
      return Effect().none();
    }
    return conclude(state, "timed-out", "the investigation's deadline passed");
  }

  private Effect<Event, InvestigationState> onDeleteJob(InvestigationState state, DeleteJob msg) {
    context.pipeToSelf(services.jobs().delete(msg.jobName()),
        (done, failure) -> new JobDeleteDone(msg.jobName(), msg.attempt(), failure == null ? null : unwrap(failure)));
    return Effect().none();
  }

  private Effect<Event, InvestigationState> onJobDeleteDone(InvestigationState state, JobDeleteDone msg) {
    if (msg.error() != null && msg.attempt() < 10) {
      Duration delay = settings.backoff(msg.attempt());
      context.getLog().warn("Investigation {}: deleting Job {} failed ({}); retrying in {} ms", investigationId,
          msg.jobName(), msg.error().toString(), delay.toMillis());
      timers.startSingleTimer("delete-job", new DeleteJob(msg.jobName(), msg.attempt() + 1), delay);
    }
    return Effect().none();
  }

  // ---------------------------------------------------------------- ending

  /** Records the outcome; leases are revoked (and the Job deleted unless it succeeded) after it is persisted. */
  private EffectBuilder<Event, InvestigationState> conclude(InvestigationState state, String outcome, String reason) {
    return conclude(state, List.of(), outcome, reason);
  }

  /**
   * The same, after {@code before} in the same write. Leases issued but not yet recorded ({@link #pendingGrants}) are
   * recorded with the conclusion, so the revocation that follows it covers them too.
   */
  private EffectBuilder<Event, InvestigationState> conclude(InvestigationState state, List<Event> before,
      String outcome, String reason) {
    List<Event> events = new ArrayList<>(before);
    Instant at = now();
    events.addAll(takePendingGrants(at));
    events.add(new ConclusionReached(outcome, reason, at));
    InvestigationState after = state;
    for (Event event : events) {
      after = after.apply(event);
    }
    if (nothingLeftToRevoke(after)) {
      events.add(new Concluded(outcome, at));
    }
    return Effect().persist(events).thenRun(this::afterConclusion);
  }

  private void afterConclusion(InvestigationState state) {
    timers.cancel("deadline");
    timers.cancel("launch");
    for (InvestigationState.LeaseRecord lease : state.leases()) {
      timers.cancel("renew-" + lease.leaseId());
    }
    secrets.clear(); // nothing is handed out after the outcome is known
    for (String domain : List.copyOf(waitingForCredential.keySet())) {
      answerWaitingCredentials(state, domain);
    }
    if (state.jobLaunched() && !"succeeded".equals(state.outcome())) {
      context.getSelf().tell(new DeleteJob(state.jobName(), 0));
    }
    waitingForScope.keySet().forEach(issuing::remove);
    waitingForScope.clear();
    timers.cancel("scope");
    scope = null;
    phaseAwaitingScope = null;
    if (unrecordedScope != null) {
      services.leases().closeScope(unrecordedScope.accessor());
      unrecordedScope = null;
    }
    if (state.concluding()) {
      revokeAll(state);
      closeOtherScopes(state);
    } else if (state.ended()) {
      afterEnd(state);
    }
  }

  private void afterEnd(InvestigationState state) {
    secrets.clear();
    services.admission().tell(new Release(investigationId));
    reportToAgent(state);
    passivateWhenIdle = true;
    passivateIfIdle();
  }

  /**
   * Passivates an ended investigation once no agent action is still being decided: an action whose policy answer
   * arrives after the stop would never be answered, and its caller would wait out its whole time-out.
   */
  private void passivateIfIdle() {
    if (passivateWhenIdle && idle() && shard != null) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
  }

  /** The agent's evidence counts concluded investigations (rejected ones for an unknown agent have nobody to tell). */
  private void reportToAgent(InvestigationState state) {
    if (state.agentId() != null && state.outcome() != null) {
      services.agents().concluded(state.agentId(), investigationId, state.outcome(),
          state.timestamps().getOrDefault("ended", now()));
    }
  }

  // ---------------------------------------------------------------- recovery

  private void reconcile(InvestigationState state) {
    if (!state.started()) {
      return;
    }
    if (state.waitingForAdmission()) {
      askForAdmission(state);
    } else if (InvestigationState.PROVISIONING.equals(state.stage())) {
      if (state.phase() == null) {
        context.getSelf().tell(ResolvePhase.INSTANCE);
      } else {
        provision(state);
      }
    } else if (state.concluding()) {
      afterConclusion(state);
    } else if (state.ended()) {
      if (!state.liveLeases().isEmpty()) {
        revokeAll(state);
      }
      closeOtherScopes(state); // an ending recorded before its tokens were confirmed revoked
      reportToAgent(state); // the first report may have been lost with the node; the agent ignores repeats
    } else {
      // launching or running: the secrets were only in the old incarnation's memory
      Set<String> rotated = new HashSet<>();
      List<InvestigationState.LeaseRecord> live = new ArrayList<>(state.liveLeases());
      java.util.Collections.reverse(live);
      for (InvestigationState.LeaseRecord lease : live) {
        if (rotated.add(lease.domain())) {
          issue(state, lease.domain(), lease.leaseId());
        } else {
          revoke(lease.domain(), lease.leaseId());
        }
      }
      for (String domain : state.credentialDomains()) {
        if (!rotated.contains(domain)) {
          issue(state, domain, null);
        }
      }
      armDeadline(state);
      lookUpJob();
    }
    if (!state.liveLeases().isEmpty() || state.open()) {
      context.getLog().info("Investigation {} recovered in stage {} with {} live lease(s); reconciling",
          investigationId, state.stage(), state.liveLeases().size());
    }
  }

  // ---------------------------------------------------------------- the agent's calls

  private Effect<Event, InvestigationState> onExchangeToken(InvestigationState state, ExchangeToken cmd) {
    if (!state.started()) {
      return Effect().reply(cmd.replyTo(), new TokenReply(NOT_FOUND, null, "no investigation " + investigationId));
    }
    if (!state.open() || state.concluding()) {
      return Effect().reply(cmd.replyTo(), new TokenReply(GONE, null, "the investigation has ended"));
    }
    String hash = cmd.bootstrapToken() == null ? "" : Tokens.sha256(cmd.bootstrapToken());
    boolean known = state.bootstrapTokenHashes().stream()
        .anyMatch(h -> java.security.MessageDigest.isEqual(h.getBytes(), hash.getBytes()));
    if (!known || state.tokenHash() != null || state.bootstrapExpiresAt() == null
        || now().isAfter(state.bootstrapExpiresAt())) {
      return Effect().reply(cmd.replyTo(), new TokenReply(UNAUTHORIZED, null,
          "the bootstrap token is unknown, already used or expired"));
    }
    String token = Tokens.newToken(Tokens.INVESTIGATION_PREFIX, investigationId);
    return Effect().persist(new TokenExchanged(Tokens.sha256(token), now()))
        .thenReply(cmd.replyTo(), s -> new TokenReply(GRANTED, token, ""));
  }

  private Effect<Event, InvestigationState> onGetCredential(InvestigationState state, GetCredential cmd) {
    CredentialReply reply = credentialReply(state, cmd);
    if (reply != null) {
      return Effect().reply(cmd.replyTo(), reply);
    }
    // the lease is being issued (first provisioning, or again after this entity moved to another node: secret values
    // live only in memory): the request waits for it rather than fail the agent's call with "retry"
    List<GetCredential> waiting = waitingForCredential.computeIfAbsent(cmd.domain(), d -> new ArrayList<>());
    if (waiting.isEmpty()) {
      timers.startSingleTimer("credential-wait-" + cmd.domain(), new CredentialWaitOver(cmd.domain()),
          settings.credentialWait());
    }
    waiting.add(cmd);
    return Effect().none();
  }

  /** The answer to a credential request now, or null when its domain's lease is still being issued. */
  private CredentialReply credentialReply(InvestigationState state, GetCredential cmd) {
    String refusal = agentCallRefusal(state, cmd.token());
    if (refusal != null) {
      return new CredentialReply(refusal, cmd.domain(), null, 0, Map.of(), refusalMessage(refusal, state));
    }
    if (!state.credentialDomains().contains(cmd.domain())) {
      return new CredentialReply(FORBIDDEN, cmd.domain(), null, 0, Map.of(),
          "the " + state.phase() + " phase does not allow credential domain '" + cmd.domain() + "'");
    }
    Lease lease = secrets.get(cmd.domain());
    if (lease == null) {
      return null;
    }
    long ttl = state.leases().stream().filter(l -> l.leaseId().equals(lease.leaseId())).findFirst()
        .map(l -> Math.max(0, Duration.between(now(), l.renewedAt().plusSeconds(l.ttlSeconds())).toSeconds()))
        .orElse(lease.ttl().toSeconds());
    return new CredentialReply(GRANTED, cmd.domain(), lease.leaseId(), ttl, lease.secret(), "");
  }

  /** Answers the requests waiting for a domain's lease (granted, or refused if the investigation moved on). */
  private void answerWaitingCredentials(InvestigationState state, String domain) {
    List<GetCredential> waiting = waitingForCredential.remove(domain);
    if (waiting == null) {
      return;
    }
    timers.cancel("credential-wait-" + domain);
    for (GetCredential cmd : waiting) {
      CredentialReply reply = credentialReply(state, cmd);
      cmd.replyTo().tell(reply != null ? reply : new CredentialReply(NOT_READY, domain, null, 0, Map.of(),
          "the credential is being issued; retry shortly"));
    }
  }

  private Effect<Event, InvestigationState> onCredentialWaitOver(InvestigationState state, CredentialWaitOver msg) {
    answerWaitingCredentials(state, msg.domain());
    return Effect().none();
  }

  /** Null when an agent call may proceed, else the access outcome to answer. */
  private String agentCallRefusal(InvestigationState state, String token) {
    if (!state.started()) {
      return NOT_FOUND;
    }
    if (!state.open() || state.concluding()) {
      return GONE;
    }
    if (!Tokens.matches(token, state.tokenHash())) {
      return UNAUTHORIZED;
    }
    if (state.paused()) {
      return PAUSED;
    }
    return null;
  }

  private static String refusalMessage(String access, InvestigationState state) {
    if (PAUSED.equals(access)) {
      return "the investigation is paused by alert " + state.pausedBy() + " (" + state.pauseReason()
          + "); an operator must resume it";
    }
    return refusalMessage(access);
  }

  private static String refusalMessage(String access) {
    return switch (access) {
      case NOT_FOUND -> "no such investigation";
      case GONE -> "the investigation has ended";
      case UNAUTHORIZED -> "the investigation token is not valid";
      default -> access;
    };
  }

  private Effect<Event, InvestigationState> onDecideAction(InvestigationState state, DecideAction cmd) {
    String refusal = agentCallRefusal(state, cmd.token());
    if (refusal != null) {
      return Effect().reply(cmd.replyTo(), refusedAction(refusal, refusalMessage(refusal, state)));
    }
    ScanSummary scan = ScanSummary.NONE;
    if (cmd.scanMaxSeverity() != null) {
      // scanned by the gateway through the scanner pool (content and string parameters)
      scan = new ScanSummary(dev.vigil.scan.Severity.fromWire(cmd.scanMaxSeverity()),
          cmd.scanFindingTypes() == null ? Set.of() : new java.util.LinkedHashSet<>(cmd.scanFindingTypes()));
    } else if (cmd.content() != null && !cmd.content().isEmpty() && services.scanner() != null) {
      scan = ScanSummary.of(services.scanner().scan(cmd.content()));
    }
    PolicyProtocol.EvaluationInput input = new PolicyProtocol.EvaluationInput(state.agentId(), state.phase(),
        cmd.action(), cmd.resource(), cmd.parameters() == null ? Map.of() : cmd.parameters(), "agent", Map.of(),
        Map.of("investigationId", investigationId), now(), scan.maxSeverity().wireName(),
        scan.findingTypes().stream().sorted().toList());
    ScanSummary scanned = scan;
    actionsInFlight++;
    context.pipeToSelf(services.decider().decide(input), (decision, failure) -> failure == null
        ? new ActionEvaluated(cmd, decision, scanned) : new ActionFailed(cmd, unwrap(failure)));
    return Effect().none();
  }

  private static ActionReply refusedAction(String access, String message) {
    return new ActionReply(access, null, null, null, null, null, null, message);
  }

  private Effect<Event, InvestigationState> onHandOffStop() {
    if (idle()) {
      return Effect().stop();
    }
    context.getLog().debug("Investigation {}: stopping once {} action(s) and the token request in flight are answered",
        investigationId, actionsInFlight);
    stopWhenIdle = true;
    return Effect().none();
  }

  /**
   * No agent action is being decided and no token is being created: a stop now loses no answer. A token whose answer
   * arrived after the stop was never recorded or revoked, and lived until its TTL.
   */
  private boolean idle() {
    return actionsInFlight == 0 && !scopeInFlight;
  }

  /** Something in flight has been answered: the stop the shard asked for can happen now (after any write). */
  private void stopIfAskedAndIdle() {
    if (stopWhenIdle && idle()) {
      context.getSelf().tell(HandOffStop.INSTANCE);
    }
  }

  private Effect<Event, InvestigationState> onActionFailed(InvestigationState state, ActionFailed msg) {
    actionsInFlight--;
    passivateIfIdle();
    stopIfAskedAndIdle();
    context.getLog().warn("Investigation {}: policy decision failed: {}", investigationId, msg.error().toString());
    return Effect().reply(msg.request().replyTo(), refusedAction(NOT_READY, "the policy pool did not answer; retry"));
  }

  private Effect<Event, InvestigationState> onActionEvaluated(InvestigationState state, ActionEvaluated msg) {
    actionsInFlight--;
    passivateIfIdle();
    stopIfAskedAndIdle();
    DecideAction cmd = msg.request();
    if (!state.open() || state.concluding()) {
      return Effect().reply(cmd.replyTo(), refusedAction(GONE, "the investigation has ended"));
    }
    if (state.paused()) { // paused while policy decided: not recorded, not executed
      return Effect().reply(cmd.replyTo(), refusedAction(PAUSED, refusalMessage(PAUSED, state)));
    }
    PolicyProtocol.DecisionView decision = msg.decision();
    String policyEffect = decision.effect();
    String effect = policyEffect;
    String reason = decision.reason();
    String ruleId = decision.ruleId();
    TrustPhase actions = TrustPhase.parse(state.actions());
    if (actions == TrustPhase.SHADOW) {
      effect = "shadow";
      reason = "shadow phase: evaluated and recorded, never executed (policy: " + policyEffect + ", "
          + decision.reason() + ")";
    } else if (actions == TrustPhase.READ_ONLY && !"read".equalsIgnoreCase(decision.actionKind())) {
      effect = "deny";
      reason = "the read-only phase allows only actions the policy marks as reads";
      ruleId = "phase:read-only";
    }
    Instant at = now();
    ObjectNode body = ReceiptJson.MAPPER.createObjectNode();
    body.put("investigationId", investigationId);
    body.put("agentId", state.agentId());
    body.put("phase", state.phase());
    body.put("action", cmd.action());
    body.put("resource", cmd.resource());
    body.set("parameters", ReceiptJson.MAPPER.valueToTree(cmd.parameters() == null ? Map.of() : cmd.parameters()));
    body.put("effect", effect);
    body.put("policyEffect", policyEffect);
    body.put("reason", reason);
    body.put("ruleId", ruleId);
    body.put("actionKind", decision.actionKind());
    ObjectNode policy = body.putObject("policy");
    policy.put("id", decision.policyId());
    policy.put("version", decision.policyVersion());
    policy.put("sha256", decision.policySha256());
    body.put("scanMaxSeverity", msg.scan().maxSeverity().wireName());
    long sequence = state.chainSequence() + 1;
    Receipt receipt = ReceiptChain.resume(ReceiptJson.chainId(investigationId), state.chainHead())
        .next("decision", body, at, investigationId + "-" + sequence);
    String receiptJson = ReceiptJson.write(receipt);
    String finalEffect = effect;
    String finalReason = reason;
    String finalRule = ruleId;
    return Effect().persist(new ActionDecided(sequence, cmd.action(), cmd.resource(), effect, policyEffect, ruleId,
            receiptJson, at))
        .thenReply(cmd.replyTo(), s -> new ActionReply(GRANTED, finalEffect, policyEffect, finalReason, finalRule,
            decision.policyVersion(), receiptJson, ""));
  }

  // ---------------------------------------------------------------- helpers

  private Instant now() {
    return services.clock().instant();
  }

  private Duration backoff(String key) {
    int attempt = attempts.merge(key, 1, Integer::sum) - 1;
    return settings.backoff(attempt);
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}

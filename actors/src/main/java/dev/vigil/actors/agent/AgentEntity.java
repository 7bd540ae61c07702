package dev.vigil.actors.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.actors.RetryingAsk;
import dev.vigil.actors.policy.PolicyClient;
import dev.vigil.protocol.AgentProtocol;
import dev.vigil.protocol.AgentProtocol.AgentView;
import dev.vigil.protocol.AgentProtocol.AlertRaised;
import dev.vigil.protocol.AgentProtocol.Command;
import dev.vigil.protocol.AgentProtocol.Decide;
import dev.vigil.protocol.AgentProtocol.Decided;
import dev.vigil.protocol.AgentProtocol.DecisionRecorded;
import dev.vigil.protocol.AgentProtocol.Demote;
import dev.vigil.protocol.AgentProtocol.Event;
import dev.vigil.protocol.AgentProtocol.Get;
import dev.vigil.protocol.AgentProtocol.GetTrust;
import dev.vigil.protocol.AgentProtocol.InvestigationConcluded;
import dev.vigil.protocol.AgentProtocol.InvestigationEnded;
import dev.vigil.protocol.AgentProtocol.PhaseChanged;
import dev.vigil.protocol.AgentProtocol.Promote;
import dev.vigil.protocol.AgentProtocol.RecordReceipt;
import dev.vigil.protocol.AgentProtocol.ReceiptRecorded;
import dev.vigil.protocol.AgentProtocol.Register;
import dev.vigil.protocol.AgentProtocol.Registered;
import dev.vigil.protocol.AgentProtocol.ReportViolation;
import dev.vigil.protocol.AgentProtocol.TrustView;
import dev.vigil.protocol.AgentProtocol.ViolationRecorded;
import dev.vigil.protocol.PolicyProtocol.DecisionView;
import dev.vigil.protocol.PolicyProtocol.EvaluationInput;
import dev.vigil.protocol.PolicyProtocol.QuotaConsumption;
import dev.vigil.protocol.PolicyProtocol.QuotaUsage;
import dev.vigil.protocol.PolicyProtocol.QuotaUse;
import dev.vigil.receipt.ChainAnchor;
import dev.vigil.receipt.Receipt;
import dev.vigil.receipt.ReceiptChain;
import dev.vigil.scan.Severity;
import dev.vigil.sentinel.AgentMonitor;
import dev.vigil.sentinel.Alert;
import dev.vigil.sentinel.Observation;
import dev.vigil.trust.AgentTrust;
import dev.vigil.trust.DemotionTrigger;
import dev.vigil.trust.InvestigationOutcome;
import dev.vigil.trust.PhaseChange;
import dev.vigil.trust.Progress;
import dev.vigil.trust.TrustObservation;
import dev.vigil.trust.TrustPhase;
import kamon.Kamon;

/**
 * The {@code Agent} entity: one per agent id, sharded across nodes of role {@code entities}, event-sourced in the
 * journal. Lifecycle: {@link Unregistered} until the first {@link Register} (or first decision, which registers the
 * agent under its id), then {@link Active}, starting in the shadow phase.
 *
 * <p>It is the single writer for its principal, which is what makes limits exact across the cluster: a {@link Decide}
 * is evaluated by the policy pool against the entity's quota usage, and the consumption that comes back is recorded
 * with the decision's event before the reply. One decision is in flight at a time; commands that change the agent
 * arriving meanwhile are stashed. Stand-alone decisions are receipted in the agent's own hash chain
 * ({@code agent:<id>}); receipts are sealed in the command handler and the chain head moves only in the event handler.
 *
 * <p>Graduated trust and behavioural monitoring live here too. Every decision is observed: by the trust evidence
 * (effect; in shadow whether policy allowed what the agent proposed; a critical scanner finding, which demotes per
 * {@code vigil.trust.demotion}) and, when the sentinel is enabled, by the agent's {@link AgentMonitor}, whose alerts
 * are persisted as {@link AlertRaised} and may demote the agent. Promotion is an operator's {@link Promote} or, where
 * the phase is configured automatic, happens on the observation that completes the criteria or on a periodic check.
 * Every phase change is a {@link PhaseChanged} event carrying its {@code phase-change} receipt in the agent's chain.
 * The command side computes what follows with the pure {@code AgentTrust}/{@code AgentMonitor}; the event handler
 * replays the same facts, so recovery (from events or from an {@link AgentSnapshot}) reaches the same state.
 */
public final class AgentEntity extends EventSourcedBehavior<Command, Event, AgentEntity.State> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "Agent");
  /** Cluster role whose nodes host the entities. */
  public static final String ROLE = "entities";
  /** Receipt kind of a promotion or demotion. */
  public static final String PHASE_CHANGE_KIND = "phase-change";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int CONCLUDED_REMEMBERED = 256;

  /** Decides one action against the policy pool (in production {@link PolicyClient#evaluate}). */
  @FunctionalInterface
  public interface Evaluator extends BiFunction<EvaluationInput, QuotaUsage, CompletionStage<DecisionView>> {}

  /** Entity state; never sent to callers (they get an {@link AgentView} or a {@link TrustView}). */
  public sealed interface State {}

  /** No agent by this id yet. */
  public record Unregistered() implements State {}

  /**
   * A registered agent. The chain, the usage windows and the trust and monitoring values are only changed by the
   * event handler.
   */
  public static final class Active implements State {
    final String agentId;
    final String displayName;
    final Map<String, String> labels;
    final Instant registeredAt;
    final ReceiptChain chain;
    final Map<String, UsageWindow> usage = new HashMap<>();
    long decisions;
    long denials;
    AgentTrust trust;
    AgentMonitor monitor;
    String lastChangeReceiptId;
    final LinkedHashSet<String> concludedInvestigations = new LinkedHashSet<>();
    final ArrayDeque<AlertRaised> recentAlerts = new ArrayDeque<>();

    Active(String agentId, String displayName, Map<String, String> labels, Instant registeredAt, ReceiptChain chain,
        AgentTrust trust, AgentMonitor monitor) {
      this.agentId = agentId;
      this.displayName = displayName;
      this.labels = labels;
      this.registeredAt = registeredAt;
      this.chain = chain;
      this.trust = trust;
      this.monitor = monitor;
    }

    TrustPhase phase() {
      return trust.phase();
    }

    AgentView view() {
      return new AgentView(agentId, displayName, phase().wireName(), labels, registeredAt);
    }

    QuotaUsage quotaUsage() {
      if (usage.isEmpty()) {
        return QuotaUsage.EMPTY;
      }
      Map<String, List<QuotaUse>> copy = new HashMap<>();
      usage.forEach((key, window) -> copy.put(key, List.copyOf(window.uses)));
      return new QuotaUsage(copy);
    }

    String nextReceiptId(ReceiptChain chain) {
      return chain.chainId() + ":" + (chain.head().sequence() + 1);
    }
  }

  /** What one quota key consumed within its window; older uses are pruned as new ones arrive. */
  static final class UsageWindow {
    final long windowMillis;
    final ArrayList<QuotaUse> uses = new ArrayList<>();

    UsageWindow(long windowMillis) {
      this.windowMillis = windowMillis;
    }

    void add(QuotaUse use) {
      long since = use.atEpochMillis() - windowMillis;
      uses.removeIf(u -> u.atEpochMillis() <= since);
      uses.add(use);
    }
  }

  /** The pool's answer to a decision, delivered back to the entity. */
  private record Evaluated(Decide command, EvaluationInput input, DecisionView decision, Throwable failure)
      implements Command {}

  /** Periodic check of automatic promotion (days in phase and quiet windows pass without observations). */
  private enum CheckPromotion implements Command { INSTANCE }

  private static final kamon.metric.Metric.Counter ALERTS = Kamon.counter("vigil.sentinel.alerts",
      "Behavioural monitoring alerts raised, by metric and method");

  private final String agentId;
  private final Clock clock;
  private final Evaluator policy;
  private final AgentSettings settings;
  private final AgentPublisher publisher;
  private final ActorContext<Command> context;
  private final TimerScheduler<Command> timers;
  private final java.util.Set<String> tags;
  private boolean evaluating;
  /**
   * The answers to recent decisions asked with a request id: a caller that retries after its attempt timed out (the
   * message may have been dropped in a shard hand-off, or only the reply was late) gets the first answer again instead
   * of a second decision counted against its quotas. Kept for {@link #RETRY_WINDOW}, longer than any caller retries
   * (the gateway's {@code vigil.gateway.ask-timeout}, 10 s; an investigation's agent action, its ask time-out), and at
   * most {@link #RECENT_DECISIONS} of them. In memory only: a retry that reaches a new incarnation of the entity is
   * decided afresh.
   */
  private static final int RECENT_DECISIONS = 32;
  public static final Duration RETRY_WINDOW = Duration.ofSeconds(15);
  private final RecentAnswers<DecisionView> recentDecisions = new RecentAnswers<>(RECENT_DECISIONS, RETRY_WINDOW);

  /** Starts sharding of agents on this node (a proxy only, when the node lacks the entities role). */
  public static void initSharding(ActorSystem<?> system, int numberOfShards, Clock clock, PolicyClient policy) {
    initSharding(system, numberOfShards, clock, policy::evaluate, AgentSettings.DEFAULT, AgentPublisher.NONE);
  }

  /** Starts sharding of agents on this node with trust, monitoring and read-model settings. */
  public static void initSharding(ActorSystem<?> system, int numberOfShards, Clock clock, Evaluator policy,
      AgentSettings settings, AgentPublisher publisher) {
    ClusterSharding.get(system).init(Entity.of(TYPE_KEY,
            ctx -> create(ctx.getEntityId(), clock, policy, settings, publisher))
        .withRole(ROLE)
        .withMessageExtractor(new HashCodeMessageExtractor<>(numberOfShards)));
  }

  public static Behavior<Command> create(String agentId, Clock clock, PolicyClient policy) {
    return create(agentId, clock, policy::evaluate, AgentSettings.DEFAULT, AgentPublisher.NONE);
  }

  public static Behavior<Command> create(String agentId, Clock clock, Evaluator policy, AgentSettings settings,
      AgentPublisher publisher) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers ->
        new AgentEntity(context, timers, agentId, clock, policy, settings, publisher)));
  }

  private AgentEntity(ActorContext<Command> context, TimerScheduler<Command> timers, String agentId, Clock clock,
      Evaluator policy, AgentSettings settings, AgentPublisher publisher) {
    // A journal failure (recovery or write, e.g. the database is unreachable) restarts the entity after a short
    // backoff instead of stopping it: the commands it had stashed survive the restart and are answered once the
    // journal works again, where a stopped entity dropped them and their callers timed out.
    super(PersistenceId.of(TYPE_KEY.name(), agentId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(2), 0.2));
    this.context = context;
    this.timers = timers;
    this.agentId = agentId;
    this.clock = clock;
    this.policy = policy;
    this.settings = settings;
    this.publisher = publisher;
    this.tags = java.util.Set.of(settings.tagOf(agentId));
  }

  @Override
  public State emptyState() {
    return new Unregistered();
  }

  @Override
  public java.util.Set<String> tagsFor(Event event) {
    return AgentProjection.projects(event) ? tags : java.util.Set.of();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(settings.snapshotEvery(), 2);
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        return toSnapshot(state);
      }

      @Override
      public State fromJournal(Object from) {
        return fromSnapshot((AgentSnapshot) from);
      }
    };
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), this::recovered)
        .build();
  }

  private void recovered(State state) {
    if (settings.anyAutomaticPromotion()) {
      timers.startTimerWithFixedDelay(CheckPromotion.INSTANCE, settings.promotionCheckInterval());
    }
    if (state instanceof Active active) {
      // the read model is written after the journal; re-publishing on recovery heals a write lost with a node
      publishPhase(active);
      for (AlertRaised alert : active.recentAlerts) {
        publisher.alert(agentId, active.phase().wireName(), alert, false);
      }
    }
  }

  @Override
  public CommandHandler<Command, Event, State> commandHandler() {
    var builder = newCommandHandlerBuilder();
    builder.forStateType(Unregistered.class)
        .onCommand(Register.class, this::register)
        .onCommand(Get.class, cmd -> Effect().reply(cmd.replyTo(), notRegistered()))
        .onCommand(GetTrust.class, cmd -> Effect().reply(cmd.replyTo(), notRegistered()))
        .onCommand(Promote.class, cmd -> Effect().reply(cmd.replyTo(), notRegistered()))
        .onCommand(Demote.class, cmd -> Effect().reply(cmd.replyTo(), notRegistered()))
        .onCommand(InvestigationConcluded.class, cmd -> replyIfAsked(cmd.replyTo(), notRegistered()))
        .onCommand(ReportViolation.class, cmd -> replyIfAsked(cmd.replyTo(), notRegistered()))
        .onCommand(Decide.class, this::registerThenDecide)
        .onCommand(RecordReceipt.class, cmd -> Effect().reply(cmd.replyTo(), notRegistered()))
        .onCommand(CheckPromotion.class, cmd -> Effect().none());
    builder.forStateType(Active.class)
        .onCommand(Register.class, this::reRegister)
        .onCommand(Get.class, (state, cmd) -> Effect().reply(cmd.replyTo(), StatusReply.success(state.view())))
        .onCommand(GetTrust.class, this::getTrust)
        .onCommand(Decide.class, this::decide)
        .onCommand(RecordReceipt.class, this::recordReceipt)
        .onCommand(Evaluated.class, this::evaluated)
        .onCommand(Promote.class, this::promote)
        .onCommand(Demote.class, this::demote)
        .onCommand(InvestigationConcluded.class, this::investigationConcluded)
        .onCommand(ReportViolation.class, this::reportViolation)
        .onCommand(CheckPromotion.class, this::checkPromotion);
    return builder.build();
  }

  private <T> StatusReply<T> notRegistered() {
    return StatusReply.error("agent '" + agentId + "' is not registered");
  }

  private Effect<Event, State> replyIfAsked(ActorRef<StatusReply<Done>> replyTo, StatusReply<Done> reply) {
    if (replyTo != null) {
      replyTo.tell(reply);
    }
    return Effect().none();
  }

  private Effect<Event, State> register(Register cmd) {
    Registered event = new Registered(agentId, cmd.displayName(), TrustPhase.SHADOW.wireName(),
        Map.copyOf(cmd.labels()), clock.instant());
    return Effect().persist(event).thenRun(state -> publishPhase((Active) state))
        .thenReply(cmd.replyTo(), state -> StatusReply.success(((Active) state).view()));
  }

  private Effect<Event, State> reRegister(Active state, Register cmd) {
    if (state.displayName.equals(cmd.displayName()) && state.labels.equals(cmd.labels())) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(state.view()));
    }
    return Effect().reply(cmd.replyTo(), StatusReply.error(
        "agent '" + agentId + "' is already registered with another name or labels"));
  }

  /** An agent's first decision registers it (in shadow, under its id), then decides. */
  private Effect<Event, State> registerThenDecide(Decide cmd) {
    Registered event = new Registered(agentId, agentId, TrustPhase.SHADOW.wireName(), Map.of(), clock.instant());
    return Effect().persist(event).thenRun(state -> {
      publishPhase((Active) state);
      context.getSelf().tell(cmd);
    });
  }

  private Effect<Event, State> decide(Active state, Decide cmd) {
    if (evaluating) {
      return Effect().stash();
    }
    DecisionView earlier = cmd.requestId() == null ? null : recentDecisions.get(cmd.requestId(), clock.millis());
    if (earlier != null) {
      return Effect().reply(cmd.replyTo(), StatusReply.success(earlier));
    }
    EvaluationInput asked = cmd.input();
    EvaluationInput input = new EvaluationInput(agentId, state.phase().wireName(), asked.action(), asked.resource(),
        asked.parameters(), asked.principalType() == null ? "agent" : asked.principalType(),
        asked.principalLabels() == null || asked.principalLabels().isEmpty() ? state.labels : asked.principalLabels(),
        asked.context(), asked.time() == null ? clock.instant() : asked.time(), asked.scanMaxSeverity(),
        asked.scanFindingTypes());
    evaluating = true;
    CompletableFuture<DecisionView> decided = policy.apply(input, state.quotaUsage()).toCompletableFuture();
    if (decided.isDone()) {
      // evaluated in place (PolicyClient on a node of role policy): no message to itself needed
      return evaluated(state, completed(cmd, input, decided));
    }
    context.pipeToSelf(decided, (decision, failure) ->
        new Evaluated(cmd, input, decision, failure == null ? null : RetryingAsk.unwrap(failure)));
    return Effect().none();
  }

  private static Evaluated completed(Decide cmd, EvaluationInput input, CompletableFuture<DecisionView> done) {
    try {
      return new Evaluated(cmd, input, done.join(), null);
    } catch (CompletionException | CancellationException e) {
      return new Evaluated(cmd, input, null, RetryingAsk.unwrap(e));
    }
  }

  private Effect<Event, State> evaluated(Active state, Evaluated result) {
    evaluating = false;
    Decide cmd = result.command();
    if (result.failure() != null) {
      return Effect().reply(cmd.replyTo(), StatusReply.<DecisionView>error(
          "the policy pool did not decide: " + result.failure().getMessage())).thenUnstashAll();
    }
    DecisionView decision = result.decision();
    EvaluationInput input = result.input();
    Instant now = clock.instant();
    ReceiptChain chain = ReceiptChain.resume(state.chain.chainId(), state.chain.head());
    String sealed = null;
    DecisionView answered = decision;
    if (cmd.recordReceipt()) {
      String receiptId = state.nextReceiptId(chain);
      Receipt receipt = chain.append("decision", DecisionReceipts.body(input, decision), now, receiptId);
      sealed = receipt.toJson().toString();
      answered = decision.withReceipt(receiptId);
    }
    Severity scan = severity(input.scanMaxSeverity());
    List<String> types = input.scanFindingTypes() == null ? List.of() : List.copyOf(input.scanFindingTypes());
    Boolean agreed = state.phase() == TrustPhase.SHADOW ? "allow".equals(decision.effect()) : null;
    Decided decided = new Decided(input.action(), decision.effect(), decision.consumed(), sealed, agreed,
        scan.wireName(), types, now);

    List<Event> events = new ArrayList<>();
    events.add(decided);
    AgentTrust trust = state.trust.recorded(decisionMade(decided));
    List<PhaseChange> changes = new ArrayList<>();
    if (scan == Severity.CRITICAL) {
      AgentTrust.Step step = trust.observe(new TrustObservation.Incident(criticalFinding(decided)), settings.trust());
      trust = step.state();
      changes.addAll(step.changes());
    } else {
      Optional<PhaseChange> promotion = trust.automaticPromotion(settings.trust(), now);
      if (promotion.isPresent()) {
        trust = trust.applied(promotion.get());
        changes.add(promotion.get());
      }
    }
    for (PhaseChange change : changes) {
      events.add(phaseChanged(state, chain, change));
    }
    List<AlertRaised> alerts = new ArrayList<>();
    if (settings.sentinelEnabled()) {
      AgentMonitor.Step watched = state.monitor.observe(observation(decided), settings.sentinel());
      long alertNumber = state.monitor.decisions();
      for (Alert alert : watched.alerts()) {
        AlertRaised raised = alertRaised(alert, agentId + ":" + (alertNumber + 1) + ":" + alert.metric().wireName()
            + "/" + alert.method().wireName());
        alerts.add(raised);
        events.add(raised);
        AgentTrust.Step step = trust.observe(new TrustObservation.Incident(alert.toDemotionTrigger()),
            settings.trust());
        trust = step.state();
        for (PhaseChange change : step.changes()) {
          events.add(phaseChanged(state, chain, change));
        }
      }
    }
    DecisionView reply = answered;
    boolean phaseChanged = events.stream().anyMatch(PhaseChanged.class::isInstance);
    return Effect().persist(events)
        .thenRun(after -> {
          if (cmd.requestId() != null) {
            recentDecisions.put(cmd.requestId(), reply, clock.millis());
          }
          afterObservation((Active) after, alerts, phaseChanged);
        })
        .thenReply(cmd.replyTo(), s -> StatusReply.success(reply)).thenUnstashAll();
  }

  private void afterObservation(Active state, List<AlertRaised> alerts, boolean phaseChanged) {
    for (AlertRaised alert : alerts) {
      ALERTS.withTag("metric", alert.metric()).withTag("method", alert.method()).increment();
      boolean pause = settings.sentinel().pausesInvestigations(toAlert(agentId, alert));
      context.getLog().info("Agent {}: {} {} alert on {}: {}", agentId, alert.severity(), alert.method(),
          alert.metric(), alert.message());
      publisher.alert(agentId, state.phase().wireName(), alert, pause);
    }
    if (phaseChanged) {
      publishPhase(state);
    }
  }

  private Effect<Event, State> recordReceipt(Active state, RecordReceipt cmd) {
    if (evaluating) {
      return Effect().stash();
    }
    JsonNode body;
    try {
      body = JSON.readTree(cmd.bodyJson());
    } catch (java.io.IOException e) {
      return Effect().reply(cmd.replyTo(), StatusReply.error("receipt body is not JSON: " + e.getMessage()));
    }
    String receiptId = state.nextReceiptId(state.chain);
    Receipt receipt = state.chain.next(cmd.kind(), body, clock.instant(), receiptId);
    return Effect().persist(new ReceiptRecorded(receipt.toJson().toString(), clock.instant()))
        .thenReply(cmd.replyTo(), s -> StatusReply.success(receiptId));
  }

  private Effect<Event, State> getTrust(Active state, GetTrust cmd) {
    if (!evaluating) {
      Optional<PhaseChange> due = state.trust.automaticPromotion(settings.trust(), clock.instant());
      if (due.isPresent()) {
        return persistChanges(state, List.of(due.get()), null)
            .thenReply(cmd.replyTo(), after -> StatusReply.success(trustView((Active) after)));
      }
    }
    return Effect().reply(cmd.replyTo(), StatusReply.success(trustView(state)));
  }

  private Effect<Event, State> checkPromotion(Active state, CheckPromotion tick) {
    if (evaluating) {
      return Effect().none();
    }
    return state.trust.automaticPromotion(settings.trust(), clock.instant())
        .map(change -> persistChanges(state, List.of(change), null))
        .orElseGet(() -> Effect().none());
  }

  private Effect<Event, State> promote(Active state, Promote cmd) {
    if (evaluating) {
      return Effect().stash();
    }
    AgentTrust.PromotionDecision decision = state.trust.promote(operator(cmd.operator()), cmd.force(),
        settings.trust(), clock.instant());
    if (!decision.accepted()) {
      return Effect().reply(cmd.replyTo(),
          StatusReply.error(AgentProtocol.NOT_ELIGIBLE + decision.progress().shortfallSummary()));
    }
    return persistChanges(state, List.of(decision.change()), null)
        .thenReply(cmd.replyTo(), after -> StatusReply.success(trustView((Active) after)));
  }

  private Effect<Event, State> demote(Active state, Demote cmd) {
    if (evaluating) {
      return Effect().stash();
    }
    TrustPhase target;
    PhaseChange change;
    try {
      target = cmd.target() == null || cmd.target().isBlank()
          ? state.phase().previous().orElseThrow(() -> new IllegalArgumentException(
              "agent '" + agentId + "' is in shadow, the lowest phase"))
          : TrustPhase.parse(cmd.target());
      change = state.trust.demote(operator(cmd.operator()), target, cmd.reason(), clock.instant());
    } catch (IllegalArgumentException e) {
      return Effect().reply(cmd.replyTo(), StatusReply.error(e.getMessage()));
    }
    return persistChanges(state, List.of(change), null)
        .thenReply(cmd.replyTo(), after -> StatusReply.success(trustView((Active) after)));
  }

  private Effect<Event, State> investigationConcluded(Active state, InvestigationConcluded cmd) {
    if (evaluating) {
      return Effect().stash();
    }
    InvestigationOutcome outcome;
    try {
      outcome = InvestigationOutcome.parse(cmd.outcome());
    } catch (IllegalArgumentException e) {
      return replyIfAsked(cmd.replyTo(), StatusReply.error(e.getMessage()));
    }
    if (cmd.investigationId() == null || cmd.investigationId().isBlank()) {
      return replyIfAsked(cmd.replyTo(), StatusReply.error("investigationId is required"));
    }
    if (state.concludedInvestigations.contains(cmd.investigationId())) {
      return replyIfAsked(cmd.replyTo(), StatusReply.ack());
    }
    Instant at = cmd.at() == null ? clock.instant() : cmd.at();
    InvestigationEnded ended = new InvestigationEnded(cmd.investigationId(), outcome.wireName(), at);
    AgentTrust.Step step = state.trust.observe(
        new TrustObservation.InvestigationEnded(cmd.investigationId(), outcome, at), settings.trust());
    return persistChanges(state, step.changes(), ended).thenRun(after -> {
      if (cmd.replyTo() != null) {
        cmd.replyTo().tell(StatusReply.ack());
      }
    });
  }

  private Effect<Event, State> reportViolation(Active state, ReportViolation cmd) {
    if (evaluating) {
      return Effect().stash();
    }
    Instant at = cmd.at() == null ? clock.instant() : cmd.at();
    String detail = cmd.detail() == null || cmd.detail().isBlank() ? "no detail given" : cmd.detail();
    ViolationRecorded recorded = new ViolationRecorded(cmd.ruleId(), detail, at);
    AgentTrust.Step step = state.trust.observe(
        new TrustObservation.Incident(new DemotionTrigger.PolicyViolation(cmd.ruleId(), detail, at)),
        settings.trust());
    return persistChanges(state, step.changes(), recorded).thenRun(after -> {
      if (cmd.replyTo() != null) {
        cmd.replyTo().tell(StatusReply.ack());
      }
    });
  }

  /** Persists {@code first} (if any) and the phase changes that follow it, each with its sealed receipt. */
  private org.apache.pekko.persistence.typed.javadsl.EffectBuilder<Event, State> persistChanges(Active state,
      List<PhaseChange> changes, Event first) {
    ReceiptChain chain = ReceiptChain.resume(state.chain.chainId(), state.chain.head());
    List<Event> events = new ArrayList<>();
    if (first != null) {
      events.add(first);
    }
    for (PhaseChange change : changes) {
      events.add(phaseChanged(state, chain, change));
    }
    boolean changed = !changes.isEmpty();
    return Effect().persist(events).thenRun(after -> {
      if (changed) {
        Active active = (Active) after;
        context.getLog().info("Agent {} is now {} ({})", agentId, active.phase().wireName(),
            changes.get(changes.size() - 1).reason());
        publishPhase(active);
      }
    });
  }

  private PhaseChanged phaseChanged(Active state, ReceiptChain chain, PhaseChange change) {
    String receiptId = state.nextReceiptId(chain);
    Receipt receipt = chain.append(PHASE_CHANGE_KIND, JSON.valueToTree(change.receiptFields()), change.at(),
        receiptId);
    return new PhaseChanged(change.from().wireName(), change.to().wireName(), change.cause().wireName(),
        change.actor(), change.reason(), receipt.toJson().toString(), change.at());
  }

  private TrustView trustView(Active state) {
    Instant now = clock.instant();
    Progress progress = state.trust.progress(settings.trust(), now);
    return new TrustView(agentId, state.phase().wireName(), state.trust.evidence(),
        progress.promotesTo() == null ? null : progress.promotesTo().wireName(), progress.eligible(),
        progress.automatic(), progress.criteria(), state.lastChangeReceiptId, now);
  }

  private void publishPhase(Active state) {
    publisher.phase(agentId, state.displayName, state.phase().wireName(), state.labels, state.registeredAt,
        state.trust.evidence().phaseEnteredAt());
  }

  private static String operator(String operator) {
    return operator == null || operator.isBlank() ? "operator" : operator;
  }

  // ---- event handler: the same facts the command side computed with, replayed ----

  @Override
  public EventHandler<State, Event> eventHandler() {
    var builder = newEventHandlerBuilder();
    builder.forStateType(Unregistered.class)
        .onEvent(Registered.class, (state, e) -> new Active(e.agentId(), e.displayName(), e.labels(), e.at(),
            ReceiptChain.genesis("agent:" + e.agentId()), AgentTrust.start(e.at()),
            AgentMonitor.start(e.agentId())));
    builder.forStateType(Active.class)
        .onEvent(DecisionRecorded.class, AgentEntity::applyDecisionRecorded)
        .onEvent(Decided.class, this::applyDecided)
        .onEvent(ReceiptRecorded.class, (state, event) -> {
          acceptReceipt(state, event.receipt());
          return state;
        })
        .onEvent(PhaseChanged.class, AgentEntity::applyPhaseChanged)
        .onEvent(AlertRaised.class, this::applyAlert)
        .onEvent(InvestigationEnded.class, AgentEntity::applyInvestigationEnded)
        .onEvent(ViolationRecorded.class, (state, e) -> {
          state.trust = state.trust.recorded(new TrustObservation.Incident(
              new DemotionTrigger.PolicyViolation(e.ruleId(), e.detail(), e.at())));
          return state;
        });
    return builder.build();
  }

  /** Decisions written before trust existed (0.1.0): counted as decisions without a shadow comparison. */
  private static State applyDecisionRecorded(Active state, DecisionRecorded event) {
    countDecision(state, event.effect(), event.consumed(), event.at());
    state.trust = state.trust.recorded(new TrustObservation.DecisionMade(effect(event.effect()), null, event.at()));
    if (event.receipt() != null) {
      acceptReceipt(state, event.receipt());
    }
    return state;
  }

  private State applyDecided(Active state, Decided event) {
    countDecision(state, event.effect(), event.consumed(), event.at());
    state.trust = state.trust.recorded(decisionMade(event));
    if (severity(event.scanMaxSeverity()) == Severity.CRITICAL) {
      state.trust = state.trust.recorded(new TrustObservation.Incident(criticalFinding(event)));
    }
    if (settings.sentinelEnabled()) {
      state.monitor = state.monitor.observe(observation(event), settings.sentinel()).state();
    }
    if (event.receipt() != null) {
      acceptReceipt(state, event.receipt());
    }
    return state;
  }

  private static State applyPhaseChanged(Active state, PhaseChanged event) {
    TrustPhase from = TrustPhase.parse(event.from());
    TrustPhase to = TrustPhase.parse(event.to());
    PhaseChange.Cause cause = PhaseChange.Cause.valueOf(event.cause().toUpperCase(java.util.Locale.ROOT)
        .replace('-', '_'));
    state.trust = state.trust.applied(new PhaseChange(from, to, cause, event.actor(), event.reason(),
        state.trust.evidence(), event.at()));
    Receipt receipt = acceptReceipt(state, event.receipt());
    state.lastChangeReceiptId = receipt.id();
    return state;
  }

  private State applyAlert(Active state, AlertRaised event) {
    state.trust = state.trust.recorded(new TrustObservation.Incident(toAlert(state.agentId, event).toDemotionTrigger()));
    state.recentAlerts.addLast(event);
    while (state.recentAlerts.size() > settings.recentAlerts()) {
      state.recentAlerts.removeFirst();
    }
    return state;
  }

  private static State applyInvestigationEnded(Active state, InvestigationEnded event) {
    state.trust = state.trust.recorded(new TrustObservation.InvestigationEnded(event.investigationId(),
        InvestigationOutcome.parse(event.outcome()), event.at()));
    state.concludedInvestigations.add(event.investigationId());
    if (state.concludedInvestigations.size() > CONCLUDED_REMEMBERED) {
      state.concludedInvestigations.remove(state.concludedInvestigations.iterator().next());
    }
    return state;
  }

  private static void countDecision(Active state, String effect, List<QuotaConsumption> consumed, Instant at) {
    state.decisions++;
    if ("deny".equals(effect)) {
      state.denials++;
    }
    if (consumed != null) {
      for (QuotaConsumption use : consumed) {
        state.usage.computeIfAbsent(use.key(), k -> new UsageWindow(use.windowMillis()))
            .add(new QuotaUse(at.toEpochMilli(), use.amount()));
      }
    }
  }

  private static Receipt acceptReceipt(Active state, String json) {
    try {
      Receipt receipt = Receipt.fromJson(JSON.readTree(json));
      state.chain.accept(receipt);
      return receipt;
    } catch (java.io.IOException e) {
      throw new IllegalStateException("unreadable receipt in the journal of agent " + state.agentId, e);
    }
  }

  // ---- conversions ----

  private static TrustObservation.DecisionMade decisionMade(Decided event) {
    return new TrustObservation.DecisionMade(effect(event.effect()), event.agreedWithPolicy(), event.at());
  }

  private static DemotionTrigger.CriticalFinding criticalFinding(Decided event) {
    String types = event.scanFindingTypes() == null || event.scanFindingTypes().isEmpty() ? "unknown type"
        : String.join(", ", event.scanFindingTypes());
    return new DemotionTrigger.CriticalFinding(types + " in " + event.action(), event.at());
  }

  private static Observation observation(Decided event) {
    return new Observation(event.action() == null ? "unknown" : event.action(), effect(event.effect()),
        severity(event.scanMaxSeverity()), event.at());
  }

  private static AlertRaised alertRaised(Alert alert, String alertId) {
    return new AlertRaised(alertId, alert.metric().wireName(), alert.method().wireName(), alert.expected(),
        alert.observed(), alert.threshold(), alert.severity().wireName(), alert.message(), alert.at());
  }

  static Alert toAlert(String agentId, AlertRaised event) {
    return new Alert(agentId, dev.vigil.sentinel.Metric.fromWire(event.metric()), dev.vigil.sentinel.Method.fromWire(event.method()),
        event.expected(), event.observed(), event.threshold(), event.at(), Severity.fromWire(event.severity()),
        event.message());
  }

  private static dev.vigil.policy.Effect effect(String wire) {
    return dev.vigil.policy.Effect.valueOf(wire.toUpperCase(java.util.Locale.ROOT));
  }

  static Severity severity(String wire) {
    if (wire == null || wire.isBlank()) {
      return Severity.NONE;
    }
    try {
      return Severity.fromWire(wire);
    } catch (IllegalArgumentException e) {
      return Severity.NONE;
    }
  }

  // ---- snapshots ----

  private static AgentSnapshot toSnapshot(State state) {
    if (!(state instanceof Active active)) {
      return new AgentSnapshot(false, null, null, Map.of(), null, 0, Receipt.GENESIS_HASH, Map.of(), 0, 0, null,
          null, null, List.of(), List.of());
    }
    Map<String, AgentSnapshot.Usage> usage = new HashMap<>();
    active.usage.forEach((key, window) ->
        usage.put(key, new AgentSnapshot.Usage(window.windowMillis, List.copyOf(window.uses))));
    ChainAnchor head = active.chain.head();
    return new AgentSnapshot(true, active.agentId, active.displayName, active.labels, active.registeredAt,
        head.sequence(), head.hash(), usage, active.decisions, active.denials, active.trust.evidence(),
        active.monitor, active.lastChangeReceiptId, List.copyOf(active.concludedInvestigations),
        List.copyOf(active.recentAlerts));
  }

  private static State fromSnapshot(AgentSnapshot snapshot) {
    if (!snapshot.registered()) {
      return new Unregistered();
    }
    Active active = new Active(snapshot.agentId(), snapshot.displayName(), snapshot.labels(),
        snapshot.registeredAt(), ReceiptChain.resume("agent:" + snapshot.agentId(),
            new ChainAnchor(snapshot.chainSequence(), snapshot.chainHash())),
        new AgentTrust(snapshot.evidence()), snapshot.monitor());
    snapshot.usage().forEach((key, usage) -> {
      UsageWindow window = new UsageWindow(usage.windowMillis());
      window.uses.addAll(usage.uses());
      active.usage.put(key, window);
    });
    active.decisions = snapshot.decisions();
    active.denials = snapshot.denials();
    active.lastChangeReceiptId = snapshot.lastChangeReceiptId();
    active.concludedInvestigations.addAll(snapshot.concludedInvestigations());
    active.recentAlerts.addAll(snapshot.recentAlerts());
    return active;
  }
}

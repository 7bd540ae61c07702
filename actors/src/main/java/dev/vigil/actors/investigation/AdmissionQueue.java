package dev.vigil.actors.investigation;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.function.BiConsumer;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.ClusterSingleton;
import org.apache.pekko.cluster.typed.ClusterSingletonSettings;
import org.apache.pekko.cluster.typed.SingletonActor;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

import dev.vigil.protocol.InvestigationProtocol;
import dev.vigil.protocol.InvestigationProtocol.AdmissionCommand;
import dev.vigil.protocol.InvestigationProtocol.AdmissionEvent;
import dev.vigil.protocol.InvestigationProtocol.AdmissionState;
import dev.vigil.protocol.InvestigationProtocol.Admit;
import dev.vigil.protocol.InvestigationProtocol.Enqueued;
import dev.vigil.protocol.InvestigationProtocol.Position;
import dev.vigil.protocol.InvestigationProtocol.QueueStanding;
import dev.vigil.protocol.InvestigationProtocol.Release;
import dev.vigil.protocol.InvestigationProtocol.SlotGranted;
import dev.vigil.protocol.InvestigationProtocol.SlotReleased;

/**
 * Cluster-wide admission control: at most {@code maxRunning} investigations hold a running slot; the rest wait in
 * order. A cluster singleton (role {@code entities}), event-sourced so a failover keeps the line and the slots. To
 * keep up with hundreds of starts per second it batches: while one journal write is in flight, admissions and
 * releases collect, and the next write takes them all at once. Investigations hear the outcome through sharding
 * ({@code AdmissionGranted}, {@code QueuePositionChanged}); admitting or releasing twice is harmless.
 *
 * <p>When the database fails a write, the journal restarts with backoff and recovers its line from the journal; the
 * batch it was writing is sent again until a write confirms it ({@link #RESEND_AFTER}), so no admission or release is
 * lost to an outage (a batch is idempotent: admitting a running or waiting id, or releasing a released one, changes
 * nothing).
 */
public final class AdmissionQueue {

  public static final String NAME = "investigation-admission";

  private AdmissionQueue() {}

  /** Work collected while a write was in flight (local only). */
  private record Batch(long number, List<String> releases, List<String> admits, ActorRef<BatchWritten> replyTo)
      implements AdmissionCommand {}

  private record BatchWritten(long number) implements AdmissionCommand {}

  private enum ResendBatch implements AdmissionCommand { INSTANCE }

  /** How long a batch may go unconfirmed before it is sent again (a write failed and the journal restarted). */
  static final Duration RESEND_AFTER = Duration.ofSeconds(5);

  /** Starts (or proxies to) the singleton; investigations are told through sharding. */
  public static ActorRef<AdmissionCommand> init(ActorSystem<?> system, int maxRunning) {
    ClusterSharding sharding = ClusterSharding.get(system);
    Notifier notifier = new Notifier(
        id -> sharding.entityRefFor(Investigation.TYPE_KEY, id).tell(new InvestigationProtocol.AdmissionGranted()),
        (id, position) -> sharding.entityRefFor(Investigation.TYPE_KEY, id)
            .tell(new InvestigationProtocol.QueuePositionChanged(position)));
    return ClusterSingleton.get(system).init(SingletonActor.of(create(maxRunning, notifier), NAME)
        .withSettings(ClusterSingletonSettings.create(system).withRole(Investigation.ROLE)));
  }

  /** How the queue tells an investigation its standing. */
  public record Notifier(java.util.function.Consumer<String> granted, BiConsumer<String, Integer> queued) {}

  public static Behavior<AdmissionCommand> create(int maxRunning, Notifier notifier) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      ActorRef<AdmissionCommand> journal = context.spawn(new Journal(maxRunning, notifier), "journal");
      ActorRef<BatchWritten> written = context.messageAdapter(BatchWritten.class, done -> done);
      return new Batcher(journal, written, timers).idle();
    }));
  }

  /** Collects admissions and releases while a batch is being written; resends a batch no write confirmed. */
  private static final class Batcher {
    private final ActorRef<AdmissionCommand> journal;
    private final ActorRef<BatchWritten> written;
    private final TimerScheduler<AdmissionCommand> timers;
    private List<String> releases = new ArrayList<>();
    private List<String> admits = new ArrayList<>();
    /** The batch being written, until a write confirms it. */
    private Batch inFlight;
    private long batches;

    Batcher(ActorRef<AdmissionCommand> journal, ActorRef<BatchWritten> written,
        TimerScheduler<AdmissionCommand> timers) {
      this.journal = journal;
      this.written = written;
      this.timers = timers;
    }

    Behavior<AdmissionCommand> idle() {
      return Behaviors.receive(AdmissionCommand.class)
          .onMessage(Admit.class, cmd -> {
            admits.add(cmd.investigationId());
            return flushIfIdle();
          })
          .onMessage(Release.class, cmd -> {
            releases.add(cmd.investigationId());
            return flushIfIdle();
          })
          .onMessage(Position.class, cmd -> {
            journal.tell(cmd);
            return Behaviors.same();
          })
          .onMessage(BatchWritten.class, done -> {
            if (inFlight == null || done.number() != inFlight.number()) {
              return Behaviors.same(); // a resent batch's late confirmation
            }
            inFlight = null;
            timers.cancel(ResendBatch.INSTANCE);
            return flushIfIdle();
          })
          .onMessage(ResendBatch.class, resend -> {
            if (inFlight != null) {
              journal.tell(inFlight);
              timers.startSingleTimer(ResendBatch.INSTANCE, RESEND_AFTER);
            }
            return Behaviors.same();
          })
          .build();
    }

    private Behavior<AdmissionCommand> flushIfIdle() {
      if (inFlight != null || (releases.isEmpty() && admits.isEmpty())) {
        return Behaviors.same();
      }
      inFlight = new Batch(++batches, List.copyOf(releases), List.copyOf(admits), written);
      releases = new ArrayList<>();
      admits = new ArrayList<>();
      journal.tell(inFlight);
      timers.startSingleTimer(ResendBatch.INSTANCE, RESEND_AFTER);
      return Behaviors.same();
    }
  }

  /** The event-sourced line itself. State is mutated only by the event handler. */
  private static final class Journal extends EventSourcedBehavior<AdmissionCommand, AdmissionEvent, AdmissionState> {
    private final int maxRunning;
    private final Notifier notifier;

    Journal(int maxRunning, Notifier notifier) {
      // a failed write or recovery (the database is down) restarts the journal, which recovers the line once it can
      super(PersistenceId.ofUniqueId("InvestigationAdmission"),
          SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
      this.maxRunning = maxRunning;
      this.notifier = notifier;
    }

    @Override
    public AdmissionState emptyState() {
      return new AdmissionState(new LinkedHashSet<>(), new LinkedHashSet<>());
    }

    @Override
    public RetentionCriteria retentionCriteria() {
      return RetentionCriteria.snapshotEvery(1000, 2);
    }

    @Override
    public CommandHandler<AdmissionCommand, AdmissionEvent, AdmissionState> commandHandler() {
      return newCommandHandlerBuilder().forAnyState()
          .onCommand(Batch.class, this::onBatch)
          .onCommand(Position.class, (state, cmd) -> {
            cmd.replyTo().tell(new QueueStanding(cmd.investigationId(), position(state, cmd.investigationId())));
            return Effect().none();
          })
          .build();
    }

    private Effect<AdmissionEvent, AdmissionState> onBatch(AdmissionState state, Batch batch) {
      LinkedHashSet<String> running = new LinkedHashSet<>(state.running());
      LinkedHashSet<String> waiting = new LinkedHashSet<>(state.waiting());
      List<AdmissionEvent> events = new ArrayList<>();
      List<String> alreadyRunning = new ArrayList<>();
      List<String> alreadyWaiting = new ArrayList<>();
      for (String id : batch.releases()) {
        if (running.remove(id) || waiting.remove(id)) {
          events.add(new SlotReleased(id));
        }
      }
      for (String id : batch.admits()) {
        if (running.contains(id)) {
          alreadyRunning.add(id);
        } else if (waiting.contains(id)) {
          alreadyWaiting.add(id);
        } else {
          waiting.add(id);
          events.add(new Enqueued(id));
        }
      }
      // fill free slots from the head of the line, oldest first
      Iterator<String> head = waiting.iterator();
      while (running.size() < maxRunning && head.hasNext()) {
        String id = head.next();
        head.remove();
        running.add(id);
        events.add(new SlotGranted(id));
      }
      if (events.isEmpty()) {
        notifyAll(state, alreadyRunning, alreadyWaiting, List.of());
        batch.replyTo().tell(new BatchWritten(batch.number()));
        return Effect().none();
      }
      return Effect().persist(events).thenRun(after -> {
        notifyAll(after, alreadyRunning, alreadyWaiting, events);
        batch.replyTo().tell(new BatchWritten(batch.number()));
      });
    }

    private void notifyAll(AdmissionState state, List<String> alreadyRunning, List<String> alreadyWaiting,
        List<AdmissionEvent> events) {
      alreadyRunning.forEach(notifier.granted());
      for (String id : alreadyWaiting) {
        notifier.queued().accept(id, position(state, id));
      }
      for (AdmissionEvent event : events) {
        if (event instanceof SlotGranted granted) {
          notifier.granted().accept(granted.investigationId());
        } else if (event instanceof Enqueued enqueued && state.waiting().contains(enqueued.investigationId())) {
          notifier.queued().accept(enqueued.investigationId(), position(state, enqueued.investigationId()));
        }
      }
    }

    private static int position(AdmissionState state, String id) {
      int position = 1;
      for (String waiting : state.waiting()) {
        if (waiting.equals(id)) {
          return position;
        }
        position++;
      }
      return 0;
    }

    @Override
    public EventHandler<AdmissionState, AdmissionEvent> eventHandler() {
      return newEventHandlerBuilder().forAnyState()
          .onEvent(Enqueued.class, (state, e) -> {
            state.waiting().add(e.investigationId());
            return state;
          })
          .onEvent(SlotGranted.class, (state, e) -> {
            state.waiting().remove(e.investigationId());
            state.running().add(e.investigationId());
            return state;
          })
          .onEvent(SlotReleased.class, (state, e) -> {
            state.running().remove(e.investigationId());
            state.waiting().remove(e.investigationId());
            return state;
          })
          .build();
    }
  }
}

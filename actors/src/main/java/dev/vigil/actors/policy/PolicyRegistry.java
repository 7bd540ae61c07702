package dev.vigil.actors.policy;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ddata.Key;
import org.apache.pekko.cluster.ddata.LWWRegister;
import org.apache.pekko.cluster.ddata.LWWRegisterKey;
import org.apache.pekko.cluster.ddata.SelfUniqueAddress;
import org.apache.pekko.cluster.ddata.typed.javadsl.DistributedData;
import org.apache.pekko.cluster.ddata.typed.javadsl.Replicator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vigil.persistence.policies.PolicyStore;

/**
 * A node's view of the active policies: one {@link PolicySnapshot} reference that every worker reads per evaluation,
 * replaced atomically. It reloads from the store when an activation is announced (the store's generation number in a
 * Distributed Data register, written to all nodes at once and watched by every node), on a periodic refresh that
 * catches a missed announcement, and at start. Reloads are sequenced by one actor and only move to a newer generation.
 */
public final class PolicyRegistry {

  private static final Logger log = LoggerFactory.getLogger(PolicyRegistry.class);

  private final AtomicReference<PolicySnapshot> current = new AtomicReference<>(PolicySnapshot.EMPTY);
  private final CompletableFuture<PolicySnapshot> firstLoad = new CompletableFuture<>();
  private final ActorRef<Reloader.Command> reloader;
  private final ActorRef<GenerationAnnouncer.Command> announcer;

  private PolicyRegistry(ActorSystem<?> system, PolicyStore store, Duration refreshInterval) {
    this.reloader = system.systemActorOf(Reloader.create(store, this, refreshInterval), "policy-registry", Props.empty());
    this.announcer = system.systemActorOf(GenerationAnnouncer.create(reloader), "policy-generation", Props.empty());
  }

  public static PolicyRegistry start(ActorSystem<?> system, PolicyStore store, Duration refreshInterval) {
    return new PolicyRegistry(system, store, refreshInterval);
  }

  /** The snapshot to evaluate against now. */
  public PolicySnapshot current() {
    return current.get();
  }

  /** Completes once the node has loaded the active set for the first time. */
  public CompletionStage<PolicySnapshot> loaded() {
    return firstLoad;
  }

  /** Tells every node (this one included) that the store moved to {@code generation}. */
  public void announce(long generation) {
    reloader.tell(new Reloader.Reload(generation));
    announcer.tell(new GenerationAnnouncer.Announce(generation));
  }

  void swap(PolicySnapshot snapshot) {
    PolicySnapshot previous = current.getAndUpdate(old -> snapshot.generation() > old.generation() ? snapshot : old);
    if (snapshot.generation() > previous.generation()) {
      log.info("Policy set generation {} active on this node ({} shadow candidate(s))", snapshot.generation(),
          snapshot.shadows().size());
    }
    firstLoad.complete(current.get());
  }

  /**
   * Keeps the store's generation in a replicated register: an activation writes it to all nodes directly (WriteAll),
   * and every node's subscription turns a change into a reload.
   */
  static final class GenerationAnnouncer {
    interface Command {}

    record Announce(long generation) implements Command {}

    private record Changed(long generation) implements Command {}

    private record Written(boolean ok) implements Command {}

    static final Key<LWWRegister<Long>> KEY = LWWRegisterKey.create("vigil-policy-generation");

    static Behavior<Command> create(ActorRef<Reloader.Command> reloader) {
      return Behaviors.setup(context -> DistributedData.<Command, LWWRegister<Long>>withReplicatorMessageAdapter(replicator -> {
        SelfUniqueAddress self = DistributedData.get(context.getSystem()).selfUniqueAddress();
        replicator.subscribe(KEY, response -> response instanceof Replicator.Changed<LWWRegister<Long>> changed
            ? new Changed(changed.get(KEY).getValue()) : new Written(true));
        return Behaviors.receive(Command.class)
            .onMessage(Announce.class, announce -> {
              replicator.askUpdate(replyTo -> new Replicator.Update<>(KEY, LWWRegister.create(self, announce.generation()),
                      new Replicator.WriteAll(Duration.ofSeconds(2)), replyTo,
                      register -> announce.generation() > register.getValue() ? register.withValue(self, announce.generation())
                          : register),
                  response -> new Written(response instanceof Replicator.UpdateSuccess));
              return Behaviors.same();
            })
            .onMessage(Changed.class, changed -> {
              reloader.tell(new Reloader.Reload(changed.generation()));
              return Behaviors.same();
            })
            .onMessage(Written.class, written -> {
              if (!written.ok()) {
                context.getLog().debug("Generation not confirmed by every node in time; gossip and refresh catch up");
              }
              return Behaviors.same();
            })
            .build();
      }));
    }
  }

  /** Sequences reloads: at most one in flight, coalescing requests that arrive meanwhile. */
  static final class Reloader {
    interface Command {}

    record Reload(long generation) implements Command {}

    enum Tick implements Command { INSTANCE }

    private record Loaded(PolicySnapshot snapshot, Throwable failure) implements Command {}

    static Behavior<Command> create(PolicyStore store, PolicyRegistry registry, Duration refreshInterval) {
      return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
        timers.startTimerWithFixedDelay(Tick.INSTANCE, refreshInterval);
        context.getSelf().tell(new Reload(Long.MAX_VALUE));
        boolean[] inFlight = {false};
        boolean[] again = {false};
        Runnable load = () -> {
          inFlight[0] = true;
          context.pipeToSelf(store.activeSet().thenApply(PolicySnapshot::compile), Loaded::new);
        };
        return Behaviors.receive(Command.class)
            .onMessage(Reload.class, r -> {
              if (r.generation() <= registry.current().generation()) {
                return Behaviors.same();
              }
              if (inFlight[0]) {
                again[0] = true;
              } else {
                load.run();
              }
              return Behaviors.same();
            })
            .onMessageEquals(Tick.INSTANCE, () -> {
              if (!inFlight[0]) {
                load.run();
              }
              return Behaviors.same();
            })
            .onMessage(Loaded.class, l -> {
              inFlight[0] = false;
              if (l.failure() != null) {
                context.getLog().warn("Could not reload policies (keeping generation {}): {}",
                    registry.current().generation(), l.failure().getMessage());
              } else {
                registry.swap(l.snapshot());
              }
              if (again[0]) {
                again[0] = false;
                load.run();
              }
              return Behaviors.same();
            })
            .build();
      }));
    }
  }
}

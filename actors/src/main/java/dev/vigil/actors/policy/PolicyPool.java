package dev.vigil.actors.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

import dev.vigil.protocol.PolicyProtocol;
import dev.vigil.protocol.PolicyProtocol.DecisionView;
import dev.vigil.protocol.PolicyProtocol.EvaluationInput;
import dev.vigil.protocol.PolicyProtocol.QuotaUsage;

/**
 * The {@code PolicyWorker}s of one node (role {@code policy}), registered with the Receptionist under
 * {@link PolicyProtocol#WORKERS} once the node has loaded the active policies, so no caller reaches a worker that would
 * decide against nothing. On a drain the pool deregisters its workers first ({@link #deregister}); they keep answering
 * what is already in their mailboxes until the node stops.
 */
public final class PolicyPool {

  interface Command {}

  private record Loaded() implements Command {}

  private record Deregister(ActorRef<Done> replyTo) implements Command {}

  private final ActorSystem<?> system;
  private final PolicyRegistry registry;
  private final ShadowRecorder shadow;
  /** True while this node's workers are registered: the active policies are loaded and no drain has begun. */
  private final AtomicBoolean serving = new AtomicBoolean();
  private final ActorRef<Command> pool;

  private PolicyPool(ActorSystem<?> system, PolicyRegistry registry, ShadowRecorder shadow, int workers) {
    this.system = system;
    this.registry = registry;
    this.shadow = shadow;
    this.pool = system.systemActorOf(create(registry, shadow, workers, serving), "policy-workers", Props.empty());
  }

  public static PolicyPool start(ActorSystem<?> system, PolicyRegistry registry, ShadowRecorder shadow, int workers) {
    return new PolicyPool(system, registry, shadow, workers);
  }

  /**
   * Whether a caller on this node may evaluate here ({@link #evaluateHere}): exactly while this node's workers are
   * registered, so the same requests a local worker would take.
   */
  boolean serving() {
    return serving.get();
  }

  /**
   * Evaluates on the calling thread what a local worker would, against the same snapshot and shadow candidates.
   * Evaluation is pure and takes microseconds, so sending it to a worker actor cost more than the work: a message,
   * a temporary reply actor, a time-out timer and two thread switches (docs/benchmarks.md).
   *
   * @throws RuntimeException when the request cannot be evaluated, as a worker would refuse it
   */
  DecisionView evaluateHere(EvaluationInput input, QuotaUsage usage) {
    return PolicyWorker.decide(registry, shadow, input, usage);
  }

  /** Removes this node's workers from the Receptionist; completes once the Receptionist has confirmed. */
  public java.util.concurrent.CompletionStage<Done> deregister(java.time.Duration timeout) {
    return AskPattern.ask(pool, Deregister::new, timeout, system.scheduler());
  }

  private static Behavior<Command> create(PolicyRegistry registry, ShadowRecorder shadow, int workers,
      AtomicBoolean serving) {
    return Behaviors.setup(context -> {
      List<ActorRef<PolicyProtocol.Command>> refs = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        refs.add(context.spawn(Behaviors.supervise(PolicyWorker.create(registry, shadow))
            .onFailure(SupervisorStrategy.restart()), "worker-" + i));
      }
      context.pipeToSelf(registry.loaded(), (snapshot, failure) -> new Loaded());
      return Behaviors.receive(Command.class)
          .onMessage(Loaded.class, loaded -> {
            refs.forEach(ref -> context.getSystem().receptionist().tell(Receptionist.register(PolicyProtocol.WORKERS, ref)));
            serving.set(true);
            context.getLog().info("{} policy workers registered", refs.size());
            return Behaviors.same();
          })
          .onMessage(Deregister.class, deregister -> {
            serving.set(false);
            for (ActorRef<PolicyProtocol.Command> ref : refs) {
              context.getSystem().receptionist().tell(Receptionist.deregister(PolicyProtocol.WORKERS, ref));
            }
            context.getLog().info("Policy workers deregistered for the drain");
            deregister.replyTo().tell(Done.getInstance());
            return Behaviors.same();
          })
          .build();
    });
  }
}

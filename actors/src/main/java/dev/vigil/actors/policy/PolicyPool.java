package dev.vigil.actors.policy;

import java.util.ArrayList;
import java.util.List;

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

  private final ActorRef<Command> pool;
  private final ActorSystem<?> system;

  private PolicyPool(ActorSystem<?> system, ActorRef<Command> pool) {
    this.system = system;
    this.pool = pool;
  }

  public static PolicyPool start(ActorSystem<?> system, PolicyRegistry registry, ShadowRecorder shadow, int workers) {
    ActorRef<Command> pool = system.systemActorOf(create(registry, shadow, workers), "policy-workers", Props.empty());
    return new PolicyPool(system, pool);
  }

  /** Removes this node's workers from the Receptionist; completes once the Receptionist has confirmed. */
  public java.util.concurrent.CompletionStage<Done> deregister(java.time.Duration timeout) {
    return AskPattern.ask(pool, Deregister::new, timeout, system.scheduler());
  }

  private static Behavior<Command> create(PolicyRegistry registry, ShadowRecorder shadow, int workers) {
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
            context.getLog().info("{} policy workers registered", refs.size());
            return Behaviors.same();
          })
          .onMessage(Deregister.class, deregister -> {
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

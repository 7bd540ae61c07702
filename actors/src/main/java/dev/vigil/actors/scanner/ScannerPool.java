package dev.vigil.actors.scanner;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

import dev.vigil.protocol.ScannerProtocol;
import dev.vigil.scan.ContentScanner;

/**
 * The {@link ScannerWorker}s of one node (role {@code scanner}), registered with the Receptionist under
 * {@link ScannerProtocol#WORKERS}. They share one {@link ContentScanner} (immutable; its injection model is loaded
 * once). On a drain the pool deregisters its workers first ({@link #deregister}).
 */
public final class ScannerPool {

  /** Cluster role whose nodes run scanner workers. */
  public static final String ROLE = "scanner";

  interface Command {}

  private record Deregister(ActorRef<Done> replyTo) implements Command {}

  private final ActorRef<Command> pool;
  private final ActorSystem<?> system;

  private ScannerPool(ActorSystem<?> system, ActorRef<Command> pool) {
    this.system = system;
    this.pool = pool;
  }

  public static ScannerPool start(ActorSystem<?> system, ContentScanner scanner, ScannerSettings settings) {
    ActorRef<Command> pool = system.systemActorOf(create(scanner, settings), "scanner-workers", Props.empty());
    return new ScannerPool(system, pool);
  }

  /** Removes this node's workers from the Receptionist; completes once the pool has asked it to. */
  public CompletionStage<Done> deregister(Duration timeout) {
    return AskPattern.ask(pool, Deregister::new, timeout, system.scheduler());
  }

  private static Behavior<Command> create(ContentScanner scanner, ScannerSettings settings) {
    return Behaviors.setup(context -> {
      List<ActorRef<ScannerProtocol.Command>> refs = new ArrayList<>();
      for (int i = 0; i < settings.workersPerNode(); i++) {
        ActorRef<ScannerProtocol.Command> worker = context.spawn(
            Behaviors.supervise(ScannerWorker.create(scanner, settings.maxTextChars()))
                .onFailure(SupervisorStrategy.restart()), "worker-" + i);
        refs.add(worker);
        context.getSystem().receptionist().tell(Receptionist.register(ScannerProtocol.WORKERS, worker));
      }
      context.getLog().info("{} scanner workers registered", refs.size());
      return Behaviors.receive(Command.class)
          .onMessage(Deregister.class, deregister -> {
            for (ActorRef<ScannerProtocol.Command> ref : refs) {
              context.getSystem().receptionist().tell(Receptionist.deregister(ScannerProtocol.WORKERS, ref));
            }
            context.getLog().info("Scanner workers deregistered for the drain");
            deregister.replyTo().tell(Done.getInstance());
            return Behaviors.same();
          })
          .build();
    });
  }
}

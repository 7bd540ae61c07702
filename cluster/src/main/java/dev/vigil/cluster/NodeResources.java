package dev.vigil.cluster;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

import dev.vigil.persistence.Database;

/**
 * What a node shares between its HTTP gateway, its management health checks and its actors: the database and the
 * drain state. An actor-system extension, because Pekko Management instantiates health checks by class name.
 */
public final class NodeResources implements Extension {

  private static final ExtensionId<NodeResources> ID = new ExtensionId<>() {
    @Override
    public NodeResources createExtension(ActorSystem<?> system) {
      return new NodeResources();
    }
  };

  private final AtomicReference<Database> database = new AtomicReference<>();
  private final AtomicBoolean draining = new AtomicBoolean(false);
  private final AtomicBoolean gatewayBound = new AtomicBoolean(false);

  public static NodeResources get(ActorSystem<?> system) {
    return ID.apply(system);
  }

  void attach(Database db) {
    database.set(db);
  }

  /** The database once the node has attached it; null during the first moments of start-up. */
  public Database database() {
    return database.get();
  }

  /** Marks the node as leaving: readiness turns false so load balancers stop sending new requests. */
  void startDraining() {
    draining.set(true);
  }

  public boolean draining() {
    return draining.get();
  }

  void gatewayBound() {
    gatewayBound.set(true);
  }

  public boolean isGatewayBound() {
    return gatewayBound.get();
  }
}

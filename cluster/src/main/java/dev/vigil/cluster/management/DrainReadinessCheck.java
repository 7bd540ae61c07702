package dev.vigil.cluster.management;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

import dev.vigil.cluster.NodeResources;

/** Readiness: the node is not draining, and (if it is a gateway) its HTTP port is bound. */
public final class DrainReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  private final NodeResources resources;
  private final boolean gateway;

  public DrainReadinessCheck(ActorSystem system) {
    this.resources = NodeResources.get(Adapter.toTyped(system));
    this.gateway = system.settings().config().getStringList("pekko.cluster.roles").contains("gateway");
  }

  @Override
  public CompletionStage<Boolean> get() {
    return CompletableFuture.completedFuture(!resources.draining() && (!gateway || resources.isGatewayBound()));
  }
}

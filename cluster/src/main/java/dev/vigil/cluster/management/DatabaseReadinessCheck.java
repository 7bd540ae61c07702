package dev.vigil.cluster.management;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;

import dev.vigil.cluster.NodeResources;
import dev.vigil.persistence.Database;

/** Readiness: the database answers {@code SELECT 1} within {@code vigil.database.health-check-timeout}. */
public final class DatabaseReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  private final NodeResources resources;

  public DatabaseReadinessCheck(ActorSystem system) {
    this.resources = NodeResources.get(Adapter.toTyped(system));
  }

  @Override
  public CompletionStage<Boolean> get() {
    Database database = resources.database();
    return database == null ? CompletableFuture.completedFuture(false) : database.isReachable();
  }
}

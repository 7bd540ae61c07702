package dev.vigil.cluster.management;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.ClusterSharding;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vigil.cluster.NodeResources;
import dev.vigil.persistence.Database;

/**
 * Readiness: the database answers {@code SELECT 1} within {@code vigil.database.health-check-timeout}; and after the
 * database was seen unreachable, the shard regions of {@code vigil.readiness.regions-after-database-outage} are
 * registered with their coordinators again (for at most {@code vigil.readiness.recovery-limit} after the database
 * came back). Those coordinators keep remembered shards in the journal, stop when it fails, and come back with
 * backoff; a node that reported ready before that timed out the requests it was sent.
 *
 * <p>The region condition applies only after an outage: at other times an unregistered region means its coordinator is
 * moving (a node was lost), and taking every node out of service for that would turn a short stall into an outage.
 */
public final class DatabaseReadinessCheck implements Supplier<CompletionStage<Boolean>> {

  private static final Logger log = LoggerFactory.getLogger(DatabaseReadinessCheck.class);
  private static final long NOT_RECOVERING = Long.MIN_VALUE;
  private static final long DATABASE_DOWN = Long.MAX_VALUE;
  private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(2);

  private final ActorSystem system;
  private final NodeResources resources;
  private final List<String> regions;
  private final long recoveryLimitNanos;
  /** {@link #NOT_RECOVERING}, {@link #DATABASE_DOWN}, or when the database answered again (System.nanoTime). */
  private final AtomicLong recovery = new AtomicLong(NOT_RECOVERING);

  public DatabaseReadinessCheck(ActorSystem system) {
    this.system = system;
    this.resources = NodeResources.get(Adapter.toTyped(system));
    var config = system.settings().config();
    this.regions = config.getStringList("vigil.readiness.regions-after-database-outage");
    this.recoveryLimitNanos = config.getDuration("vigil.readiness.recovery-limit").toNanos();
  }

  @Override
  public CompletionStage<Boolean> get() {
    Database database = resources.database();
    if (database == null) {
      return CompletableFuture.completedFuture(false);
    }
    return database.isReachable().thenCompose(reachable -> {
      if (!reachable) {
        recovery.set(DATABASE_DOWN);
        return CompletableFuture.completedFuture(false);
      }
      long since = recovery.get();
      if (since == NOT_RECOVERING) {
        return CompletableFuture.completedFuture(true);
      }
      long now = System.nanoTime();
      if (since == DATABASE_DOWN) {
        recovery.compareAndSet(DATABASE_DOWN, now);
        since = now;
      }
      long recoveringSince = since;
      return regionsRegistered().thenApply(registered -> {
        if (registered) {
          recovery.compareAndSet(recoveringSince, NOT_RECOVERING);
          return true;
        }
        if (now - recoveringSince > recoveryLimitNanos) {
          log.warn("Shard regions {} are not all registered with their coordinators {} after the database came back;"
              + " reporting ready anyway", regions, Duration.ofNanos(now - recoveringSince));
          recovery.compareAndSet(recoveringSince, NOT_RECOVERING);
          return true;
        }
        return false;
      });
    });
  }

  /** Whether every configured region this node runs (entity region or proxy) is registered with its coordinator. */
  private CompletionStage<Boolean> regionsRegistered() {
    ClusterSharding sharding = ClusterSharding.get(system);
    var started = sharding.getShardTypeNames();
    CompletableFuture<Boolean> all = CompletableFuture.completedFuture(true);
    for (String typeName : regions) {
      if (!started.contains(typeName)) {
        continue;
      }
      CompletableFuture<Boolean> one = Patterns.ask(sharding.shardRegion(typeName),
              ShardRegion.GetShardRegionStatus$.MODULE$, STATUS_TIMEOUT)
          .thenApply(reply -> reply instanceof ShardRegion.ShardRegionStatus status && status.registeredWithCoordinator())
          .exceptionally(error -> false)
          .toCompletableFuture();
      all = all.thenCombine(one, Boolean::logicalAnd);
    }
    return all;
  }
}

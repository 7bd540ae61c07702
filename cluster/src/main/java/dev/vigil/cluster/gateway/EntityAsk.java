package dev.vigil.cluster.gateway;

import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.pattern.StatusReply;

import dev.vigil.actors.RetryingAsk;

/**
 * Asks a sharded entity an idempotent question, asking again every attempt time-out until an overall deadline, with
 * the earlier attempts still allowed to answer ({@link RetryingAsk#hedged}). Sharding delivers at
 * most once: during a shard hand-off (a node draining) a region drops the messages it had buffered for the moving
 * shard rather than reorder them, so a request that lands in that moment would otherwise fail. Only for commands
 * whose repetition is harmless (reads, idempotent registrations, commands deduplicated by the entity).
 */
public final class EntityAsk {

  private final Duration attemptTimeout;
  private final Duration deadline;

  public EntityAsk(Duration attemptTimeout, Duration deadline) {
    if (attemptTimeout.compareTo(deadline) > 0) {
      throw new IllegalArgumentException("vigil.gateway.entity-attempt-timeout must not exceed vigil.gateway.ask-timeout");
    }
    this.attemptTimeout = attemptTimeout;
    this.deadline = deadline;
  }

  public <M, R> CompletionStage<R> ask(EntityRef<M> entity, Function<ActorRef<StatusReply<R>>, M> message) {
    return RetryingAsk.hedged(attemptTimeout, deadline, timeout -> entity.askWithStatus(message::apply, timeout));
  }

  /** As {@link #ask}, for a command answered with a plain reply rather than a {@code StatusReply}. */
  public <M, R> CompletionStage<R> askPlain(EntityRef<M> entity, Function<ActorRef<R>, M> message) {
    return RetryingAsk.hedged(attemptTimeout, deadline, timeout -> entity.ask(message::apply, timeout));
  }
}

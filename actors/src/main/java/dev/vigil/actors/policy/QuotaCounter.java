package dev.vigil.actors.policy;

import java.util.ArrayList;
import java.util.List;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.cluster.sharding.typed.HashCodeMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.state.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.state.javadsl.DurableStateBehavior;

import dev.vigil.protocol.QuotaProtocol.Command;
import dev.vigil.protocol.QuotaProtocol.Counted;
import dev.vigil.protocol.QuotaProtocol.TryConsume;

/**
 * A rate limit or budget shared by every principal ({@code scope: global} or {@code action}): one sharded entity per
 * quota key, the single writer of its window, kept as durable state so a node loss does not reset a limit. A
 * consumption is stored before it is granted.
 */
public final class QuotaCounter extends DurableStateBehavior<Command, Counted> {

  public static final EntityTypeKey<Command> TYPE_KEY = EntityTypeKey.create(Command.class, "QuotaCounter");

  public static void initSharding(ActorSystem<?> system, int numberOfShards) {
    ClusterSharding.get(system).init(Entity.of(TYPE_KEY, ctx -> create(ctx.getEntityId()))
        .withRole("entities")
        .withMessageExtractor(new HashCodeMessageExtractor<>(numberOfShards)));
  }

  public static Behavior<Command> create(String key) {
    return new QuotaCounter(key);
  }

  private QuotaCounter(String key) {
    super(PersistenceId.of(TYPE_KEY.name(), key));
  }

  @Override
  public Counted emptyState() {
    return new Counted(List.of(), List.of());
  }

  @Override
  public CommandHandler<Command, Counted> commandHandler() {
    return newCommandHandlerBuilder().forAnyState().onCommand(TryConsume.class, this::tryConsume).build();
  }

  private org.apache.pekko.persistence.typed.state.javadsl.Effect<Counted> tryConsume(Counted state, TryConsume cmd) {
    long since = cmd.atEpochMillis() - cmd.windowMillis();
    long used = 0;
    List<Long> at = new ArrayList<>();
    List<Long> amounts = new ArrayList<>();
    for (int i = 0; i < state.atEpochMillis().size(); i++) {
      if (state.atEpochMillis().get(i) > since) {
        at.add(state.atEpochMillis().get(i));
        amounts.add(state.amounts().get(i));
        used += state.amounts().get(i);
      }
    }
    if (used + cmd.amount() > cmd.limit()) {
      return Effect().reply(cmd.replyTo(), false);
    }
    at.add(cmd.atEpochMillis());
    amounts.add(cmd.amount());
    return Effect().persist(new Counted(List.copyOf(at), List.copyOf(amounts))).thenReply(cmd.replyTo(), s -> true);
  }

}

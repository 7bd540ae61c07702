package dev.vigil.protocol;

import java.util.List;

import org.apache.pekko.actor.typed.ActorRef;

/** The protocol of {@code QuotaCounter}, the cluster-wide count of a global or per-action rate limit or budget. */
public final class QuotaProtocol {
  private QuotaProtocol() {}

  public interface Command extends VigilSerializable {}

  /** Consumes {@code amount} at {@code atEpochMillis} if the window's total stays within {@code limit}; replies whether it did. */
  @StableName("quota.try-consume.v1")
  public record TryConsume(long amount, long limit, long windowMillis, long atEpochMillis, ActorRef<Boolean> replyTo)
      implements Command {}

  /** The counter's durable state: what was consumed when, within the longest window asked for. */
  @StableName("quota.counted.v1")
  public record Counted(List<Long> atEpochMillis, List<Long> amounts) implements JournalEvent {}
}

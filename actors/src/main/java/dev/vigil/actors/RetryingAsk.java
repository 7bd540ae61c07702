package dev.vigil.actors;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import org.apache.pekko.pattern.AskTimeoutException;

/**
 * Asks again, until a deadline, when an attempt times out. For requests whose repetition is harmless (evaluations,
 * scans, reads, idempotent commands): a pool worker that vanished with its node, or a sharded entity whose message a
 * region dropped during a hand-off (sharding delivers at most once), then costs one attempt's time instead of the
 * request. Other failures are returned at once.
 */
public final class RetryingAsk {

  private RetryingAsk() {}

  /**
   * Runs {@code attempt} (given the time-out for that attempt: {@code attemptTimeout}, or what is left of the deadline
   * if less) until one answers, one fails with something other than a time-out, or the deadline has passed.
   */
  public static <T> CompletionStage<T> untilDeadline(Duration attemptTimeout, Duration deadline,
      Function<Duration, CompletionStage<T>> attempt) {
    return next(attemptTimeout, System.nanoTime() + deadline.toNanos(), attempt);
  }

  private static <T> CompletionStage<T> next(Duration attemptTimeout, long deadlineNanos,
      Function<Duration, CompletionStage<T>> attempt) {
    long left = deadlineNanos - System.nanoTime();
    Duration timeout = Duration.ofNanos(Math.max(1, Math.min(attemptTimeout.toNanos(), left)));
    return attempt.apply(timeout).handle((answer, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(answer);
      }
      Throwable cause = unwrap(failure);
      if (isTimeout(cause) && deadlineNanos - System.nanoTime() > 0) {
        return next(attemptTimeout, deadlineNanos, attempt);
      }
      return CompletableFuture.<T>failedFuture(cause);
    }).thenCompose(Function.identity());
  }

  public static boolean isTimeout(Throwable cause) {
    return cause instanceof TimeoutException || cause instanceof AskTimeoutException
        || cause.getCause() instanceof TimeoutException;
  }

  public static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}

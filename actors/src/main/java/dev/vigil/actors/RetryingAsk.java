package dev.vigil.actors;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
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

  /**
   * As {@link #untilDeadline}, for a recipient that may be slow rather than gone (a sharded entity on a starved node,
   * a shard being handed off): a new attempt starts every {@code attemptTimeout}, but the earlier ones are not given
   * up. Each attempt may answer until the deadline, and the first answer wins. A sequential retry threw away the
   * first attempt's answer when it came a moment after its own time-out, and then waited behind it for the second.
   * Only for requests whose repetition is harmless; at most {@code deadline / attemptTimeout} (rounded up) attempts.
   * Fails with the first failure that is not a time-out, or with a time-out once every attempt has timed out.
   */
  public static <T> CompletionStage<T> hedged(Duration attemptTimeout, Duration deadline,
      Function<Duration, CompletionStage<T>> attempt) {
    if (attemptTimeout.isNegative() || attemptTimeout.isZero()) {
      throw new IllegalArgumentException("attemptTimeout must be positive");
    }
    Hedge<T> hedge = new Hedge<>(attemptTimeout.toNanos(), System.nanoTime() + deadline.toNanos(), attempt);
    hedge.outstanding.incrementAndGet();
    hedge.launch();
    return hedge.result;
  }

  /**
   * Starts the later attempts of hedged asks. Non-blocking work only (an attempt sends a message); a request answered
   * in time cancels its pending attempt, which leaves the queue at once, so the usual request costs no wake-up here.
   */
  private static final ScheduledThreadPoolExecutor HEDGES = hedgeScheduler();

  private static ScheduledThreadPoolExecutor hedgeScheduler() {
    var scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
      Thread thread = new Thread(runnable, "vigil-hedged-ask");
      thread.setDaemon(true);
      return thread;
    });
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }

  private static final class Hedge<T> {
    final CompletableFuture<T> result = new CompletableFuture<>();
    /** Attempts in flight plus the next attempt, once scheduled: the request fails on time-out only at zero. */
    final AtomicInteger outstanding = new AtomicInteger();
    final long attemptNanos;
    final long deadlineNanos;
    final Function<Duration, CompletionStage<T>> attempt;

    Hedge(long attemptNanos, long deadlineNanos, Function<Duration, CompletionStage<T>> attempt) {
      this.attemptNanos = attemptNanos;
      this.deadlineNanos = deadlineNanos;
      this.attempt = attempt;
    }

    /** Runs one attempt (counted in {@link #outstanding} by the caller) and schedules the next. */
    void launch() {
      if (result.isDone()) {
        outstanding.decrementAndGet();
        return;
      }
      long left = deadlineNanos - System.nanoTime();
      if (left > attemptNanos) {
        outstanding.incrementAndGet();
        var next = HEDGES.schedule(this::launch, attemptNanos, TimeUnit.NANOSECONDS);
        result.whenComplete((value, failure) -> next.cancel(false));
      }
      CompletionStage<T> answer;
      try {
        answer = attempt.apply(Duration.ofNanos(Math.max(1, left)));
      } catch (RuntimeException e) {
        answer = CompletableFuture.failedFuture(e);
      }
      answer.whenComplete((value, failure) -> {
        int stillOutstanding = outstanding.decrementAndGet();
        if (failure == null) {
          result.complete(value);
          return;
        }
        Throwable cause = unwrap(failure);
        if (!isTimeout(cause) || stillOutstanding == 0) {
          result.completeExceptionally(cause);
        }
      });
    }
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

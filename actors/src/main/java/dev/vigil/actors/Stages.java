package dev.vigil.actors;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

/**
 * Completion stages that run their callbacks where the answer arrives.
 *
 * <p>Pekko's Java API returns Scala futures converted to {@code CompletionStage}s (asks, {@code toStrict}, entity
 * refs). Scala's converter overrides every non-async method ({@code thenApply}, {@code whenComplete}, ...) to call its
 * {@code ...Async} twin, so each callback chained on such a stage is handed to {@code ForkJoinPool.commonPool()}: one
 * more thread woken per hop, on machines where a thread switch costs as much as the work. The profile of
 * {@code POST /v1/evaluate} had 8% of the node's CPU on the common pool and a fifth of all samples in the kernel
 * switching threads (docs/benchmarks.md).
 *
 * <p>{@link #direct} bridges such a stage to a plain {@link CompletableFuture} that is completed on the thread that
 * completes the original (an actor replying, a stream finishing), so the callbacks chained on it run there too, as
 * Pekko's own Scala API does with its parasitic execution context. Only for callbacks that do not block, which is
 * every callback in the node: database work runs on its own executors and returns futures.
 */
public final class Stages {

  private Stages() {}

  /** Runs a task on the calling thread. */
  public static final Executor CALLER = Runnable::run;

  /** A plain future that completes, with the same value or failure, on the thread that completes {@code stage}. */
  public static <T> CompletableFuture<T> direct(CompletionStage<T> stage) {
    CompletableFuture<T> out = new CompletableFuture<>();
    // the executor overload is not redirected to the common pool; with CALLER it runs on the completing thread
    stage.whenCompleteAsync((value, failure) -> {
      if (failure != null) {
        out.completeExceptionally(failure);
      } else {
        out.complete(value);
      }
    }, CALLER);
    return out;
  }
}

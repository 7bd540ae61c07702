package dev.vigil.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import scala.concurrent.Promise;
import scala.jdk.javaapi.FutureConverters;

/** Pekko's Java API hands out Scala futures converted to stages; these are the cases the node depends on. */
class StagesTest {

  private static Thread completeOn(String name, Runnable completion) throws InterruptedException {
    Thread thread = new Thread(completion, name);
    thread.start();
    thread.join(5_000);
    return thread;
  }

  @Test
  void callbacksRunOnTheThreadThatCompletes() throws Exception {
    Promise<String> promise = Promise.apply();
    CompletionStage<String> converted = FutureConverters.asJava(promise.future());
    CompletableFuture<String> ranOn = Stages.direct(converted).thenApply(value -> Thread.currentThread().getName());
    // the converted stage itself hands a plain callback to another thread (the common pool): the reason for direct
    CompletableFuture<String> convertedRanOn = converted.thenApply(value -> Thread.currentThread().getName())
        .toCompletableFuture();

    completeOn("replying-actor", () -> promise.success("answer"));

    assertEquals("replying-actor", ranOn.get(5, TimeUnit.SECONDS));
    assertNotEquals("replying-actor", convertedRanOn.get(5, TimeUnit.SECONDS));
  }

  @Test
  void failuresPassThroughUnchanged() throws Exception {
    Promise<String> promise = Promise.apply();
    CompletableFuture<String> direct = Stages.direct(FutureConverters.asJava(promise.future()));
    IllegalStateException refused = new IllegalStateException("refused");

    completeOn("replying-actor", () -> promise.failure(refused));

    ExecutionException failed = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> direct.get(5, TimeUnit.SECONDS));
    assertSame(refused, failed.getCause());
  }

  @Test
  void anAlreadyCompletedStageCompletesAtOnce() {
    CompletableFuture<String> direct = Stages.direct(CompletableFuture.completedFuture("done"));
    assertEquals("done", direct.getNow(null));
  }
}

package dev.vigil.actors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.pekko.pattern.AskTimeoutException;
import org.junit.jupiter.api.Test;

class RetryingAskTest {

  @Test
  void timedOutAttemptsAreRepeatedUntilOneAnswers() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<Duration> timeouts = new ArrayList<>();
    String answer = RetryingAsk.<String>untilDeadline(Duration.ofSeconds(1), Duration.ofSeconds(10), timeout -> {
      timeouts.add(timeout);
      return calls.incrementAndGet() < 3 ? CompletableFuture.failedFuture(new AskTimeoutException("worker gone"))
          : CompletableFuture.completedFuture("decided");
    }).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertEquals("decided", answer);
    assertEquals(3, calls.get());
    assertTrue(timeouts.stream().allMatch(t -> t.compareTo(Duration.ofSeconds(1)) <= 0), timeouts.toString());
  }

  @Test
  void otherFailuresAreReturnedAtOnce() {
    AtomicInteger calls = new AtomicInteger();
    ExecutionException failed = assertThrows(ExecutionException.class, () -> RetryingAsk.<String>untilDeadline(
        Duration.ofSeconds(1), Duration.ofSeconds(10), timeout -> {
          calls.incrementAndGet();
          return CompletableFuture.failedFuture(new IllegalArgumentException("bad request"));
        }).toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertInstanceOf(IllegalArgumentException.class, failed.getCause());
    assertEquals(1, calls.get());
  }

  @Test
  void theDeadlineEndsTheRetries() {
    AtomicInteger calls = new AtomicInteger();
    ExecutionException failed = assertThrows(ExecutionException.class, () -> RetryingAsk.<String>untilDeadline(
        Duration.ofMillis(20), Duration.ofMillis(100), timeout -> {
          calls.incrementAndGet();
          return CompletableFuture.<String>supplyAsync(() -> null,
              CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS))
              .thenCompose(x -> CompletableFuture.failedFuture(new TimeoutException("slow")));
        }).toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, failed.getCause());
    assertTrue(calls.get() >= 2 && calls.get() <= 10, "attempts until the deadline: " + calls.get());
  }
}

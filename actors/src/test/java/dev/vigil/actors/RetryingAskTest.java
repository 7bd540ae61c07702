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

  /** An attempt that answers {@code answer} after {@code millis}, or times out at its own time-out if that is sooner. */
  private static CompletableFuture<String> answerAfter(long millis, String answer, Duration timeout) {
    boolean late = millis > timeout.toMillis();
    return CompletableFuture.<String>supplyAsync(() -> null,
            CompletableFuture.delayedExecutor(late ? timeout.toMillis() : millis, TimeUnit.MILLISECONDS))
        .thenCompose(x -> late ? CompletableFuture.failedFuture(new AskTimeoutException("no answer in " + timeout))
            : CompletableFuture.completedFuture(answer));
  }

  @Test
  void aHedgedAskTakesTheFirstAttemptsLateAnswer() throws Exception {
    // the first attempt answers after 300 ms, past its 100 ms attempt time-out; the later attempts never answer.
    // A sequential retry would have thrown that answer away and failed at the deadline.
    AtomicInteger calls = new AtomicInteger();
    List<Duration> timeouts = new java.util.concurrent.CopyOnWriteArrayList<>();
    long started = System.nanoTime();
    String answer = RetryingAsk.<String>hedged(Duration.ofMillis(100), Duration.ofSeconds(2), timeout -> {
      timeouts.add(timeout);
      return calls.incrementAndGet() == 1 ? answerAfter(300, "first", timeout) : answerAfter(60_000, "never", timeout);
    }).toCompletableFuture().get(5, TimeUnit.SECONDS);
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    assertEquals("first", answer);
    assertTrue(tookMillis < 1500, "answered when the first attempt did, not at the deadline: " + tookMillis + " ms");
    assertTrue(calls.get() >= 2 && calls.get() <= 4, "attempts started every 100 ms meanwhile: " + calls.get());
    assertTrue(timeouts.get(0).compareTo(Duration.ofMillis(1900)) > 0,
        "each attempt may answer until the deadline: " + timeouts);
  }

  @Test
  void aHedgedAskFailsOnTimeOutOnlyOnceEveryAttemptHas() {
    AtomicInteger calls = new AtomicInteger();
    long started = System.nanoTime();
    ExecutionException failed = assertThrows(ExecutionException.class, () -> RetryingAsk.<String>hedged(
        Duration.ofMillis(50), Duration.ofMillis(300), timeout -> {
          calls.incrementAndGet();
          return answerAfter(60_000, "never", timeout);
        }).toCompletableFuture().get(5, TimeUnit.SECONDS));
    long tookMillis = (System.nanoTime() - started) / 1_000_000;

    assertInstanceOf(AskTimeoutException.class, failed.getCause());
    assertTrue(tookMillis >= 290, "not before the deadline: " + tookMillis + " ms");
    assertTrue(calls.get() >= 3 && calls.get() <= 6, "one attempt per 50 ms until the deadline: " + calls.get());
  }

  @Test
  void aHedgedAskReturnsOtherFailuresAtOnce() {
    AtomicInteger calls = new AtomicInteger();
    ExecutionException failed = assertThrows(ExecutionException.class, () -> RetryingAsk.<String>hedged(
        Duration.ofSeconds(1), Duration.ofSeconds(10), timeout -> {
          calls.incrementAndGet();
          return CompletableFuture.failedFuture(new IllegalArgumentException("unknown agent"));
        }).toCompletableFuture().get(5, TimeUnit.SECONDS));
    assertInstanceOf(IllegalArgumentException.class, failed.getCause());
    assertEquals(1, calls.get());
  }

  @Test
  void aHedgedAskThatAnswersAtOnceStartsNoSecondAttempt() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    String answer = RetryingAsk.<String>hedged(Duration.ofMillis(50), Duration.ofSeconds(1), timeout -> {
      calls.incrementAndGet();
      return CompletableFuture.completedFuture("now");
    }).toCompletableFuture().get(5, TimeUnit.SECONDS);
    Thread.sleep(200); // past the time a second attempt would have started

    assertEquals("now", answer);
    assertEquals(1, calls.get());
  }
}

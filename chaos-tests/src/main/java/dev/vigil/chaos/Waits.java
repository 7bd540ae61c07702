package dev.vigil.chaos;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Polling waits for the harness and drills (tests use Awaitility; this is main code the drill command also runs). */
public final class Waits {

  private Waits() {}

  /** Polls {@code condition} every {@code poll} until it holds; returns how long that took. */
  public static Duration until(String what, Duration timeout, Duration poll, BooleanSupplier condition)
      throws TimeoutException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return Duration.ofNanos(System.nanoTime() - start);
      }
      if (System.nanoTime() > deadline) {
        throw new TimeoutException("not within " + timeout + ": " + what);
      }
      LockSupport.parkNanos(poll.toNanos());
      if (Thread.interrupted()) {
        Thread.currentThread().interrupt();
        throw new TimeoutException("interrupted while waiting: " + what);
      }
    }
  }

  /** Lets {@code duration} pass (the load keeps running meanwhile). */
  public static void pause(Duration duration) {
    long deadline = System.nanoTime() + duration.toNanos();
    long left;
    while ((left = deadline - System.nanoTime()) > 0 && !Thread.currentThread().isInterrupted()) {
      LockSupport.parkNanos(left);
    }
  }
}

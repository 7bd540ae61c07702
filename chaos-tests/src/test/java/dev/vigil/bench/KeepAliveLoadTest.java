package dev.vigil.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/** The load generator against the JDK's HTTP server over a real loopback socket. */
class KeepAliveLoadTest {

  private HttpServer server;
  private final AtomicInteger received = new AtomicInteger();
  private final CountDownLatch release = new CountDownLatch(1);

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(8));
    // the body says how to answer: "ok" 200 with a length, "chunked" 200 chunked, "fail" 500, "hang" not at all
    server.createContext("/", exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      received.incrementAndGet();
      switch (body) {
        case "ok" -> answer(exchange, 200, "{\"decision\":\"allow\"}", false);
        case "chunked" -> answer(exchange, 200, "{\"decision\":\"allow\",\"padding\":\"" + "x".repeat(5000) + "\"}", true);
        case "fail" -> answer(exchange, 500, "{\"error\":\"boom\"}", false);
        case "hang" -> {
          try {
            release.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          exchange.close();
        }
        default -> answer(exchange, 400, "{\"error\":\"unknown\"}", false);
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    release.countDown();
    server.stop(0);
  }

  private static void answer(HttpExchange exchange, int status, String body, boolean chunked) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, chunked ? 0 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private KeepAliveLoad load(java.util.function.LongFunction<String> bodies, long timeoutNanos) {
    InetSocketAddress address = server.getAddress();
    String host = "127.0.0.1:" + address.getPort();
    return new KeepAliveLoad(address, n -> KeepAliveLoad.post(host, "/v1/evaluate", "Bearer k", bodies.apply(n)),
        timeoutNanos);
  }

  @Test
  void closedLoopCountsEveryAnswerAsSuccessOrError() throws IOException {
    KeepAliveLoad load = load(n -> n % 3 == 0 ? "fail" : n % 3 == 1 ? "chunked" : "ok", 5_000_000_000L);

    KeepAliveLoad.Result result = load.closedLoop(4, 0.5);

    long total = result.answered() + result.errors();
    assertTrue(total > 10, "too few requests to judge: " + total);
    assertEquals(received.get(), total, "every request the server saw was counted once");
    assertEquals(total, result.latency().getTotalCount());
    // requests 0, 3, 6, ... fail: a third of them, give or take the last round
    assertTrue(Math.abs(result.errors() - total / 3.0) <= 2, result.errors() + " errors of " + total);
  }

  @Test
  void openLoopSendsOnScheduleOverReusedConnections() throws IOException {
    KeepAliveLoad load = load(n -> "ok", 5_000_000_000L);

    KeepAliveLoad.Result result = load.openLoop(200, 16, 1.0);

    assertEquals(200, result.answered(), "200/s for 1 s");
    assertEquals(0, result.errors());
    assertEquals(200.0, result.offeredPerSecond(), 0.5);
  }

  @Test
  void anAnswerThatNeverComesIsAnErrorAfterTheTimeOut() throws IOException {
    KeepAliveLoad load = load(n -> n == 0 ? "hang" : "ok", 300_000_000L);

    KeepAliveLoad.Result result = load.closedLoop(2, 0.5);

    assertEquals(1, result.errors(), "the hanging request, and only it");
    assertTrue(result.answered() > 5, "the other connection kept going: " + result.answered());
    assertTrue(result.latency().getMaxValue() >= 300_000_000L, "its latency is at least the time-out");
  }

  @Test
  void requestsStillWaitingForAConnectionAtTheEndAreErrorsInTheHistogram() throws IOException {
    // one connection, and every request hangs until the time-out: of the 50 due in 0.5 s one is sent, the rest wait
    KeepAliveLoad load = load(n -> "hang", 300_000_000L);

    KeepAliveLoad.Result result = load.openLoop(100, 1, 0.5);

    assertEquals(0, result.answered());
    assertTrue(result.errors() >= 45, "the requests never sent count too: " + result.errors());
    assertEquals(result.errors(), result.latency().getTotalCount(), "and each has its latency recorded");
  }
}

package dev.vigil.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * HTTP load on {@code POST /v1/evaluate} from a separate process. First a closed-loop run with a fixed number of
 * requests in flight finds the sustainable maximum; then open-loop runs at 25, 50, 75 and 100 % of it send on a fixed
 * schedule and measure each latency from the request's scheduled time (not its actual send), so a stalled server
 * cannot hide its queueing delay (no coordinated omission). Bounded in time; loopback only.
 *
 * <pre>java -cp chaos-tests/target/vigil-chaos.jar dev.vigil.bench.EvaluateLoad --api http://127.0.0.1:8080 --key KEY
 *     [--agents 2000] [--concurrency 64] [--seconds 15] [--warmup 5]</pre>
 */
public final class EvaluateLoad {

  private static final String[] ACTIONS = {"file.read", "db.query", "file.write", "payment.send", "ticket.create",
      "http.get", "shell.exec", "email.send"};

  private final HttpClient client;
  private final URI evaluate;
  private final String key;
  private final int agents;
  private final AtomicLong sequence = new AtomicLong();

  EvaluateLoad(String api, String key, int agents) {
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .executor(Executors.newFixedThreadPool(4)).connectTimeout(Duration.ofSeconds(5)).build();
    this.evaluate = URI.create(api + "/v1/evaluate");
    this.key = key;
    this.agents = agents;
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if (!options.containsKey("api") || !options.containsKey("key")) {
      System.err.println("usage: EvaluateLoad --api http://127.0.0.1:8080 --key <admin or operator key> "
          + "[--agents 2000] [--concurrency 64] [--seconds 15] [--warmup 5]");
      System.exit(2);
    }
    EvaluateLoad load = new EvaluateLoad(options.get("api"), options.get("key"),
        Integer.parseInt(options.getOrDefault("agents", "2000")));
    int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "64"));
    int seconds = Integer.parseInt(options.getOrDefault("seconds", "15"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "5"));

    long nodePid = Long.parseLong(options.getOrDefault("node-pid", "0"));
    load.closedLoop(concurrency, Duration.ofSeconds(warmup));
    CpuTime before = CpuTime.now(nodePid);
    Result max = load.closedLoop(concurrency, Duration.ofSeconds(seconds));
    CpuTime used = CpuTime.now(nodePid).minus(before);
    System.out.println("| load | offered/s | answered/s | errors | p50 ms | p95 ms | p99 ms | max ms |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    System.out.println(max.row("closed loop, " + concurrency + " in flight (maximum)"));
    List<Result> curve = new ArrayList<>();
    for (double fraction : new double[] {0.25, 0.5, 0.75, 1.0}) {
      Result r = load.openLoop(max.answeredPerSecond() * fraction, Duration.ofSeconds(seconds));
      curve.add(r);
      System.out.println(r.row(String.format(Locale.ROOT, "open loop, %d%% of maximum", (int) (fraction * 100))));
    }
    if (nodePid > 0 && max.answered() > 0) {
      System.out.println();
      System.out.println(used.perDecision(max.answered()));
    }
    System.exit(0);
  }

  /**
   * CPU time (user + system, from /proc) of the node, of every PostgreSQL process and of this load generator: what a
   * decision costs each, whatever else the machine runs at the same time (a shared machine skews rates, not this).
   */
  record CpuTime(long nodeTicks, long postgresTicks, long selfTicks) {
    private static final double TICK_MICROS = 10_000; // USER_HZ = 100 on Linux

    static CpuTime now(long nodePid) {
      long postgres = 0;
      java.io.File[] processes = new java.io.File("/proc").listFiles((dir, name) -> name.chars().allMatch(Character::isDigit));
      for (java.io.File process : processes == null ? new java.io.File[0] : processes) {
        String stat = stat(Long.parseLong(process.getName()));
        if (stat != null && stat.contains("(postgres)")) {
          postgres += ticks(stat);
        }
      }
      String node = nodePid > 0 ? stat(nodePid) : null;
      String self = stat(ProcessHandle.current().pid());
      return new CpuTime(node == null ? 0 : ticks(node), postgres, self == null ? 0 : ticks(self));
    }

    CpuTime minus(CpuTime earlier) {
      return new CpuTime(nodeTicks - earlier.nodeTicks, postgresTicks - earlier.postgresTicks,
          selfTicks - earlier.selfTicks);
    }

    String perDecision(long decisions) {
      return String.format(Locale.ROOT, "CPU per decision in the closed loop: node %.0f µs, PostgreSQL %.0f µs, "
          + "load generator %.0f µs (%d decisions)", nodeTicks * TICK_MICROS / decisions,
          postgresTicks * TICK_MICROS / decisions, selfTicks * TICK_MICROS / decisions, decisions);
    }

    private static String stat(long pid) {
      try {
        return java.nio.file.Files.readString(java.nio.file.Path.of("/proc", Long.toString(pid), "stat"));
      } catch (java.io.IOException | RuntimeException e) {
        return null; // gone meanwhile
      }
    }

    /** utime + stime: fields 14 and 15, counted after the parenthesised command name. */
    private static long ticks(String stat) {
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
  }

  record Result(double offeredPerSecond, double answeredPerSecond, long answered, long errors, Histogram latency) {
    String row(String label) {
      return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %d | %.2f | %.2f | %.2f | %.1f |", label, offeredPerSecond,
          answeredPerSecond, errors, ms(latency.getValueAtPercentile(50)), ms(latency.getValueAtPercentile(95)),
          ms(latency.getValueAtPercentile(99)), ms(latency.getMaxValue()));
    }

    static double ms(long nanos) {
      return nanos / 1_000_000.0;
    }
  }

  private HttpRequest next() {
    long n = sequence.incrementAndGet();
    String action = ACTIONS[(int) (n % ACTIONS.length)];
    String body = "{\"action\":\"" + action + "\",\"resource\":\"res/" + (n % 97) + "\",\"parameters\":{\"amount\":"
        + (n % 2000) + "},\"principal\":{\"id\":\"bench-agent-" + (n % agents) + "\"}}";
    return HttpRequest.newBuilder(evaluate).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + key)
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  /** A fixed number of requests in flight for {@code duration}: the sustainable maximum. */
  Result closedLoop(int concurrency, Duration duration) throws InterruptedException {
    Recorder recorder = new Recorder(3);
    AtomicLong answered = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    Semaphore inFlight = new Semaphore(concurrency);
    long end = System.nanoTime() + duration.toNanos();
    long started = System.nanoTime();
    long sent = 0;
    while (System.nanoTime() < end) {
      inFlight.acquire();
      long sentAt = System.nanoTime();
      sent++;
      client.sendAsync(next(), HttpResponse.BodyHandlers.discarding()).whenComplete((response, failure) -> {
        recorder.recordValue(Math.max(1, System.nanoTime() - sentAt));
        if (failure == null && response.statusCode() == 200) {
          answered.incrementAndGet();
        } else {
          errors.incrementAndGet();
        }
        inFlight.release();
      });
    }
    inFlight.acquire(concurrency);
    inFlight.release(concurrency);
    double seconds = (System.nanoTime() - started) / 1e9;
    return new Result(sent / seconds, answered.get() / seconds, answered.get(), errors.get(),
        recorder.getIntervalHistogram());
  }

  /** Requests on a fixed schedule at {@code rate}; latency counted from each request's scheduled time. */
  Result openLoop(double rate, Duration duration) {
    Recorder recorder = new Recorder(3);
    AtomicLong answered = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    long intervalNanos = (long) (1e9 / rate);
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    List<CompletableFuture<?>> outstanding = new ArrayList<>();
    long i = 0;
    while (true) {
      long scheduled = start + i * intervalNanos;
      if (scheduled >= end) {
        break;
      }
      long wait = scheduled - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      i++;
      CompletableFuture<?> f = client.sendAsync(next(), HttpResponse.BodyHandlers.discarding())
          .whenComplete((response, failure) -> {
            recorder.recordValue(Math.max(1, System.nanoTime() - scheduled));
            if (failure == null && response.statusCode() == 200) {
              answered.incrementAndGet();
            } else {
              errors.incrementAndGet();
            }
          });
      if ((i & 1023) == 0) {
        outstanding.removeIf(CompletableFuture::isDone);
      }
      outstanding.add(f);
    }
    CompletableFuture.allOf(outstanding.toArray(new CompletableFuture[0])).orTimeout(60, TimeUnit.SECONDS)
        .exceptionally(t -> null).join();
    double seconds = duration.toNanos() / 1e9;
    return new Result(i / seconds, answered.get() / seconds, answered.get(), errors.get(),
        recorder.getIntervalHistogram());
  }
}

package dev.vigil.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * HTTP load on {@code POST /v1/evaluate} from a separate process. First a closed-loop run with a fixed number of
 * requests in flight finds the sustainable maximum; then open-loop runs at 25, 50, 75 and 100 % of it send on a fixed
 * schedule and measure each latency from the request's scheduled time (not its actual send), so a stalled server
 * cannot hide its queueing delay (no coordinated omission). Bounded in time; loopback only. The requests go through
 * {@link KeepAliveLoad} (one thread, keep-alive connections), so that the generator takes as little as it can of the
 * CPU it shares with the node.
 *
 * <pre>java -cp chaos-tests/target/vigil-chaos.jar dev.vigil.bench.EvaluateLoad --api http://127.0.0.1:8080 --key KEY
 *     [--agents 2000] [--concurrency 64] [--seconds 15] [--warmup 5] [--curve true|false]
 *     [--slow-trace FILE]   (diagnostic: the open-loop requests slower than 20 ms, with when they finished)</pre>
 */
public final class EvaluateLoad {

  private static final String[] ACTIONS = {"file.read", "db.query", "file.write", "payment.send", "ticket.create",
      "http.get", "shell.exec", "email.send"};

  /** Connections of the open-loop runs: enough that a stall of the node queues requests at the node, not here. */
  private static final int OPEN_LOOP_CONNECTIONS = 256;

  private final KeepAliveLoad load;
  private final int agents;

  EvaluateLoad(String api, String key, int agents) {
    URI uri = URI.create(api);
    String host = uri.getHost() + ":" + uri.getPort();
    this.agents = agents;
    this.load = new KeepAliveLoad(new InetSocketAddress(uri.getHost(), uri.getPort()),
        n -> KeepAliveLoad.post(host, "/v1/evaluate", "Bearer " + key, body(n)), 30_000_000_000L);
  }

  public static void main(String[] args) throws IOException {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    if (!options.containsKey("api") || !options.containsKey("key")) {
      System.err.println("usage: EvaluateLoad --api http://127.0.0.1:8080 --key <admin or operator key> "
          + "[--agents 2000] [--concurrency 64] [--seconds 15] [--warmup 5] [--curve true|false]");
      System.exit(2);
    }
    EvaluateLoad bench = new EvaluateLoad(options.get("api"), options.get("key"),
        Integer.parseInt(options.getOrDefault("agents", "2000")));
    int concurrency = Integer.parseInt(options.getOrDefault("concurrency", "64"));
    int seconds = Integer.parseInt(options.getOrDefault("seconds", "15"));
    int warmup = Integer.parseInt(options.getOrDefault("warmup", "5"));

    long nodePid = Long.parseLong(options.getOrDefault("node-pid", "0"));
    bench.load.closedLoop(concurrency, warmup);
    CpuTime before = CpuTime.now(nodePid);
    KeepAliveLoad.Result max = bench.load.closedLoop(concurrency, seconds);
    CpuTime used = CpuTime.now(nodePid).minus(before);
    System.out.println("| load | offered/s | answered/s | errors | p50 ms | p95 ms | p99 ms | max ms |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    System.out.println(row(max, "closed loop, " + concurrency + " in flight (maximum)"));
    // --curve false: the closed loop only (quicker A/B comparisons of the CPU per decision)
    double[] fractions = Boolean.parseBoolean(options.getOrDefault("curve", "true"))
        ? new double[] {0.25, 0.5, 0.75, 1.0} : new double[0];
    String slowTrace = options.get("slow-trace");
    if (slowTrace != null) {
      bench.load.slowTrace = new java.io.PrintStream(new java.io.FileOutputStream(slowTrace), false,
          java.nio.charset.StandardCharsets.UTF_8);
    }
    for (double fraction : fractions) {
      if (bench.load.slowTrace != null) {
        bench.load.slowTrace.printf(Locale.ROOT, "# open loop, %d%% of maximum%n", (int) (fraction * 100));
      }
      KeepAliveLoad.Result r = bench.load.openLoop(max.answeredPerSecond() * fraction, OPEN_LOOP_CONNECTIONS, seconds);
      System.out.println(row(r, String.format(Locale.ROOT, "open loop, %d%% of maximum", (int) (fraction * 100))));
    }
    if (bench.load.slowTrace != null) {
      bench.load.slowTrace.close();
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

  static String row(KeepAliveLoad.Result r, String label) {
    Histogram latency = r.latency();
    return String.format(Locale.ROOT, "| %s | %.0f | %.0f | %d | %.2f | %.2f | %.2f | %.1f |", label,
        r.offeredPerSecond(), r.answeredPerSecond(), r.errors(), ms(latency.getValueAtPercentile(50)),
        ms(latency.getValueAtPercentile(95)), ms(latency.getValueAtPercentile(99)), ms(latency.getMaxValue()));
  }

  static double ms(long nanos) {
    return nanos / 1_000_000.0;
  }

  /**
   * The agent of the {@code n}-th request: scattered, not round-robin. In lockstep every agent reached its 100th event
   * (a snapshot) within the same second, which put a burst of 2,000 snapshot writes into the measurement.
   */
  private long agentOf(long n) {
    long z = (n + 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L; // splitmix64's finaliser
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return Math.floorMod(z ^ (z >>> 31), agents);
  }

  private String body(long n) {
    String action = ACTIONS[(int) (n % ACTIONS.length)];
    return "{\"action\":\"" + action + "\",\"resource\":\"res/" + (n % 97) + "\",\"parameters\":{\"amount\":"
        + (n % 2000) + "},\"principal\":{\"id\":\"bench-agent-" + agentOf(n) + "\"}}";
  }
}

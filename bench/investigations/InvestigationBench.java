import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Investigations benchmark against a running node (loopback only, bounded loops). Run with
 * {@code java bench/investigations/InvestigationBench.java <api> <operator-or-admin-key> [count] [concurrency]}.
 *
 * <p>1. Start rate: posts {@code count} investigations through the gateway, {@code concurrency} requests in flight,
 * then reads each one's view until its Job exists and its leases are granted (state launching or later). The rate is
 * count divided by the time from the first POST to the last {@code timestamps.launched} the node recorded; the reads
 * happen afterwards, one at a time, so polling neither loads the node nor blurs the figure. It also prints where the
 * time of one start goes (requested -> admitted -> provisioned -> launched, percentiles). 2. Revocation latency: the
 * Jobs complete after a short run; for each investigation it measures from the moment the entity learned the Job
 * completed ({@code timestamps.concluding}) to its last {@code LeaseRevoked} (Vault confirmed), and prints p50/p99/max.
 * The agent must exist (registered by the caller).
 */
public class InvestigationBench {

  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static final Pattern STATE = Pattern.compile("\"state\":\"([^\"]+)\"");
  static final Pattern CONCLUDING = Pattern.compile("\"concluding\":\"([^\"]+)\"");
  static final Pattern REVOKED = Pattern.compile("\"revokedAt\":\"([^\"]+)\"");
  static final Set<String> LAUNCHED = Set.of("launching", "running", "concluding", "succeeded", "failed", "timed-out");
  static final Set<String> ENDED = Set.of("succeeded", "failed", "timed-out", "cancelled", "rejected");
  static final String[] STAGES = {"requested", "admitted", "provisioned", "launched"};

  public static void main(String[] args) throws Exception {
    try {
      run(args);
      System.exit(0);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1); // the request pool's threads would otherwise keep the JVM alive
    }
  }

  static void run(String[] args) throws Exception {
    if (args.length < 2) {
      System.err.println("usage: InvestigationBench <api, e.g. http://127.0.0.1:8080> <key> [count=1000] [concurrency=64] [agent=bench-agent]");
      System.exit(2);
    }
    String api = args[0];
    if (!URI.create(api).getHost().matches("127\\.0\\.0\\.1|localhost")) {
      throw new IllegalArgumentException("loopback only");
    }
    String key = args[1];
    int count = args.length > 2 ? Integer.parseInt(args[2]) : 1000;
    int concurrency = args.length > 3 ? Integer.parseInt(args[3]) : 64;
    String agent = args.length > 4 ? args[4] : "bench-agent";
    String run = Long.toString(System.currentTimeMillis(), 36);
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add("bench-" + run + "-" + i);
    }
    Instant firstPost = Instant.now();
    List<Future<?>> work = new ArrayList<>();
    for (int worker = 0; worker < concurrency; worker++) {
      int first = worker;
      work.add(pool.submit(() -> {
        for (int i = first; i < count; i += concurrency) {
          String id = ids.get(i);
          String body = "{\"investigationId\":\"" + id + "\",\"agentId\":\"" + agent
              + "\",\"image\":\"bench\",\"command\":[\"true\"]}";
          HttpResponse<String> r = send("POST", api + "/v1/investigations", key, body);
          if (r.statusCode() != 202) {
            throw new IllegalStateException("start " + id + " answered " + r.statusCode() + ": " + r.body());
          }
        }
        return null;
      }));
    }
    for (Future<?> f : work) {
      f.get();
    }
    Instant lastPost = Instant.now();

    // every stage's time per investigation, from the views once each has launched (read one at a time)
    List<List<Long>> stageMillis = new ArrayList<>();
    for (int s = 1; s < STAGES.length; s++) {
      stageMillis.add(new ArrayList<>());
    }
    List<Long> total = new ArrayList<>();
    Instant lastLaunched = firstPost;
    for (String id : ids) {
      String view = awaitState(api, key, id, LAUNCHED, 60_000);
      Instant previous = null;
      Instant requested = null;
      for (int s = 0; s < STAGES.length; s++) {
        Matcher m = Pattern.compile("\"" + STAGES[s] + "\":\"([^\"]+)\"").matcher(view);
        if (!m.find()) {
          throw new IllegalStateException(id + " has no timestamp '" + STAGES[s] + "': " + view);
        }
        Instant at = Instant.parse(m.group(1));
        if (previous != null) {
          stageMillis.get(s - 1).add(Duration.between(previous, at).toMillis());
        } else {
          requested = at;
        }
        previous = at;
      }
      total.add(Duration.between(requested, previous).toMillis());
      lastLaunched = previous.isAfter(lastLaunched) ? previous : lastLaunched;
    }
    double seconds = Duration.between(firstPost, lastLaunched).toNanos() / 1e9;
    System.out.printf(Locale.ROOT, "started %d investigations (Job created, leases granted) in %.2f s: %.0f/s "
        + "(concurrency %d; all POSTs answered after %.2f s)%n", count, seconds, count / seconds, concurrency,
        Duration.between(firstPost, lastPost).toNanos() / 1e9);
    for (int s = 1; s < STAGES.length; s++) {
      System.out.println(summary(STAGES[s - 1] + " -> " + STAGES[s], stageMillis.get(s - 1)));
    }
    System.out.println(summary("requested -> launched", total));

    List<Long> revocationMillis = new ArrayList<>();
    for (String id : ids) {
      String view = awaitState(api, key, id, ENDED, 120_000);
      Matcher concluding = CONCLUDING.matcher(view);
      if (!concluding.find()) {
        throw new IllegalStateException(id + " did not conclude: " + view);
      }
      Instant from = Instant.parse(concluding.group(1));
      Instant lastRevoked = from;
      Matcher revoked = REVOKED.matcher(view);
      while (revoked.find()) {
        Instant at = Instant.parse(revoked.group(1));
        lastRevoked = at.isAfter(lastRevoked) ? at : lastRevoked;
      }
      revocationMillis.add(Duration.between(from, lastRevoked).toMillis());
    }
    System.out.println(summary("Job completion -> all leases revoked", revocationMillis));
    pool.shutdownNow();
  }

  /** Reads an investigation's view until its state is one of {@code states} (bounded by {@code maxMillis}). */
  static String awaitState(String api, String key, String id, Set<String> states, long maxMillis) throws Exception {
    long deadline = System.nanoTime() + maxMillis * 1_000_000;
    while (true) {
      String view = send("GET", api + "/v1/investigations/" + id, key, null).body();
      Matcher m = STATE.matcher(view);
      if (m.find() && states.contains(m.group(1))) {
        return view;
      }
      if (m.find(0) && m.group(1).equals("rejected")) {
        throw new IllegalStateException(id + " was rejected: " + view);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(id + " never reached " + states + ": " + view);
      }
      Thread.sleep(20);
    }
  }

  static String summary(String what, List<Long> millis) {
    List<Long> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    return String.format(Locale.ROOT, "%s (%d investigations): p50 %d ms, p99 %d ms, max %d ms", what, sorted.size(),
        percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.get(sorted.size() - 1));
  }

  static long percentile(List<Long> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }

  static HttpResponse<String> send(String method, String url, String key, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + key)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }
}

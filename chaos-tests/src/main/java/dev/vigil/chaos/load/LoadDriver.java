package dev.vigil.chaos.load;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.chaos.DrillNode;

/**
 * Keeps a steady, weighted mix of requests going against the nodes in {@link Rotation} at a fixed total rate, from
 * several workers, and logs every request sent and every answer got (JSON lines), so nothing acknowledged can go
 * missing unnoticed. Phases are named marks in time; {@link #records()} and {@link #marks()} feed the report.
 */
public final class LoadDriver implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LoadDriver.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A request kind and its share of the mix. */
  public record Weighted(RequestKind kind, int weight) {}

  private final List<Weighted> mix;
  private final int totalWeight;
  private final Rotation rotation;
  private final String adminKey;
  private final Duration requestTimeout;
  private final long intervalNanos;
  private final List<RequestRecord> records = Collections.synchronizedList(new ArrayList<>());
  private final Map<String, Double> marks = Collections.synchronizedMap(new LinkedHashMap<>());
  private final AtomicLong sequence = new AtomicLong();
  private final AtomicLong nextSlot;
  private final long startNanos = System.nanoTime();
  private final BufferedWriter requestLog;
  private final List<Thread> workers = new ArrayList<>();
  private volatile boolean running = true;

  /**
   * @param ratePerSecond  total requests per second over all workers
   * @param workers        concurrent senders (a slow answer holds one worker, the others keep the rate)
   * @param requestLog     JSON-lines file: one line per request with its answer
   */
  public LoadDriver(List<Weighted> mix, Rotation rotation, String adminKey, int ratePerSecond, int workers,
      Duration requestTimeout, Path requestLog) throws IOException {
    this.mix = List.copyOf(mix);
    this.totalWeight = mix.stream().mapToInt(Weighted::weight).sum();
    this.rotation = rotation;
    this.adminKey = adminKey;
    this.requestTimeout = requestTimeout;
    this.intervalNanos = 1_000_000_000L / ratePerSecond;
    this.nextSlot = new AtomicLong(startNanos);
    Files.createDirectories(requestLog.getParent());
    this.requestLog = Files.newBufferedWriter(requestLog);
    for (int w = 0; w < workers; w++) {
      Thread t = new Thread(this::work, "load-" + w);
      t.setDaemon(true);
      this.workers.add(t);
    }
    this.workers.forEach(Thread::start);
  }

  private void work() {
    while (running) {
      long slot = nextSlot.getAndAdd(intervalNanos);
      long wait = slot - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      } else if (wait < -1_000_000_000L) {
        // all workers were held by slow answers: resume the rate from now instead of bursting to catch up
        nextSlot.set(System.nanoTime());
      }
      if (!running) {
        return;
      }
      long seq = sequence.incrementAndGet();
      Optional<PlannedRequest> planned = pick(seq);
      if (planned.isEmpty()) {
        continue;
      }
      send(seq, planned.get());
    }
  }

  private Optional<PlannedRequest> pick(long seq) {
    int roll = ThreadLocalRandom.current().nextInt(totalWeight);
    for (Weighted w : mix) {
      roll -= w.weight();
      if (roll < 0) {
        Optional<PlannedRequest> p = w.kind().next(seq);
        // a kind with nothing to send yet (reads before the first write) gives its turn to the first kind
        return p.isPresent() ? p : mix.get(0).kind().next(seq);
      }
    }
    return Optional.empty();
  }

  private void send(long seq, PlannedRequest request) {
    RequestKind kind = kindNamed(request.kind());
    long start = System.nanoTime();
    Optional<DrillNode> target = rotation.next();
    int status = 0;
    String error = null;
    Verdict verdict;
    if (target.isEmpty()) {
      error = "no node ready";
      verdict = Verdict.FAILED;
    } else {
      try {
        HttpResponse<String> r = new ApiClient(target.get().api(),
            request.bearer() == null ? adminKey : request.bearer(), requestTimeout)
            .send(request.method(), request.path(), request.body());
        status = r.statusCode();
        verdict = kind.judge(request, status, r.body());
        if (verdict != Verdict.ANSWERED) {
          error = r.body().length() > 300 ? r.body().substring(0, 300) : r.body();
        }
      } catch (IOException e) {
        error = e.toString();
        verdict = Verdict.FAILED;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    long end = System.nanoTime();
    RequestRecord record = new RequestRecord(seq, request.kind(), target.map(DrillNode::index).orElse(-1),
        request.method(), request.path(), millisSinceStart(start), (end - start) / 1e6, status, verdict, error);
    records.add(record);
    synchronized (requestLog) {
      try {
        requestLog.write(JSON.writeValueAsString(record));
        requestLog.newLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private RequestKind kindNamed(String name) {
    for (Weighted w : mix) {
      if (w.kind().name().equals(name)) {
        return w.kind();
      }
    }
    throw new IllegalArgumentException("no request kind " + name);
  }

  private double millisSinceStart(long nanos) {
    return (nanos - startNanos) / 1e6;
  }

  /** Names this moment (e.g. {@code fault}, {@code detector-acted}) for the report's phases. */
  public void mark(String name) {
    double at = millisSinceStart(System.nanoTime());
    marks.put(name, at);
    log.info("mark {} at {} ms", name, Math.round(at));
  }

  public Map<String, Double> marks() {
    synchronized (marks) {
      return new LinkedHashMap<>(marks);
    }
  }

  public List<RequestRecord> records() {
    synchronized (records) {
      return new ArrayList<>(records);
    }
  }

  public long answered() {
    synchronized (records) {
      return records.stream().filter(r -> r.verdict() == Verdict.ANSWERED).count();
    }
  }

  /**
   * The requests that finished in the last {@code window}: how many, how many were not answered, and their p50 and
   * p99 latency. What "the load has settled" is judged on, before a drill injects its fault.
   */
  public Recent recent(Duration window) {
    double now = millisSinceStart(System.nanoTime());
    double from = now - window.toMillis();
    List<Double> latencies = new ArrayList<>();
    int failed = 0;
    synchronized (records) {
      for (int i = records.size() - 1; i >= 0; i--) {
        RequestRecord r = records.get(i);
        if (r.startMillis() + r.latencyMillis() < from) {
          break; // records are appended as requests finish: every earlier one finished before the window
        }
        latencies.add(r.latencyMillis());
        if (r.verdict() != Verdict.ANSWERED) {
          failed++;
        }
      }
    }
    Collections.sort(latencies);
    return new Recent(latencies.size(), failed, quantile(latencies, 0.50), quantile(latencies, 0.99));
  }

  /** See {@link #recent(Duration)}. */
  public record Recent(int finished, int failed, double p50Millis, double p99Millis) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d finished, %d not answered, p50 %.0f ms, p99 %.0f ms", finished, failed,
          p50Millis, p99Millis);
    }
  }

  private static double quantile(List<Double> sorted, double q) {
    if (sorted.isEmpty()) {
      return Double.NaN;
    }
    int index = (int) Math.ceil(q * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
  }

  public List<RequestKind> kinds() {
    return mix.stream().map(Weighted::kind).toList();
  }

  /** Stops sending and waits for requests in flight to be answered and logged. */
  @Override
  public void close() throws IOException {
    running = false;
    for (Thread t : workers) {
      try {
        t.join(requestTimeout.toMillis() + 2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (requestLog) {
      requestLog.close();
    }
  }
}

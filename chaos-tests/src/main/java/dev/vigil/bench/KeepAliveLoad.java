package dev.vigil.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

import org.HdrHistogram.Histogram;

/**
 * An HTTP/1.1 load generator on one thread: a fixed set of keep-alive connections driven by one NIO selector, one
 * request at a time per connection (no pipelining). It exists because the load generator shares the machine with the
 * node and PostgreSQL: the JDK's {@code HttpClient} spent ~270 µs of CPU per request (a thread hand-off per request and
 * per body, and in the open loop a new connection for every request that found none free), which the node then did not
 * have. Here a request costs a write and a read system call and a few string scans.
 *
 * <p>Closed loop: every connection always has a request in flight; latency is from send to the end of the answer.
 * Open loop: requests are due on a fixed schedule; a due request waits for a free connection, and its latency counts
 * from the time it was due, so a server that stalls cannot hide its queueing (no coordinated omission). An answer is
 * a success when its status is 200; anything else, a connection the server closed with a request in flight, or no
 * answer within the time-out is an error.
 *
 * <p>Understands answers with {@code Content-Length} and {@code Transfer-Encoding: chunked} (as pekko-http sends
 * them); not a general HTTP client.
 */
final class KeepAliveLoad {

  /** One measured run. */
  record Result(double offeredPerSecond, double answeredPerSecond, long answered, long errors, Histogram latency) {}

  private final InetSocketAddress address;
  private final LongFunction<byte[]> requests;
  private final long timeoutNanos;
  private long sequence;
  private Selector selector;
  /** Connections opened so far: kept across runs, and opened one at a time when a request finds none free. */
  private final List<Connection> all = new ArrayList<>();
  private final List<Connection> idle = new ArrayList<>();

  /**
   * Diagnostic (null unless asked for): every request slower than 20 ms is written as {@code <ms since this step
   * began> <latency ms>}, one line each, to see whether a tail comes in bursts and when.
   */
  java.io.PrintStream slowTrace;

  /**
   * @param requests the bytes of the {@code n}-th request (request line, headers with {@code Host} and
   *     {@code Content-Length}, body)
   */
  KeepAliveLoad(InetSocketAddress address, LongFunction<byte[]> requests, long timeoutNanos) {
    this.address = address;
    this.requests = requests;
    this.timeoutNanos = timeoutNanos;
  }

  /** Builds a request's bytes. */
  static byte[] post(String host, String path, String authorization, String body) {
    byte[] payload = body.getBytes(StandardCharsets.UTF_8);
    String head = "POST " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAuthorization: " + authorization
        + "\r\nContent-Type: application/json\r\nContent-Length: " + payload.length + "\r\n\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[headBytes.length + payload.length];
    System.arraycopy(headBytes, 0, all, 0, headBytes.length);
    System.arraycopy(payload, 0, all, headBytes.length, payload.length);
    return all;
  }

  /** {@code connections} requests in flight at all times for {@code seconds}. */
  Result closedLoop(int connections, double seconds) throws IOException {
    return run(connections, 0, seconds);
  }

  /** {@code rate} requests per second on a fixed schedule, over at most {@code connections} connections. */
  Result openLoop(double rate, int connections, double seconds) throws IOException {
    return run(connections, rate, seconds);
  }

  private void traceSlow(long start, long finished, long nanos) {
    if (slowTrace != null && nanos > 20_000_000L) {
      slowTrace.printf(java.util.Locale.ROOT, "%d %.1f%n", (finished - start) / 1_000_000, nanos / 1e6);
    }
  }

  private Result run(int maxConnections, double rate, double seconds) throws IOException {
    if (selector == null) {
      selector = Selector.open();
    }
    Histogram latency = new Histogram(3_600_000_000_000L, 3);
    long answered = 0;
    long errors = 0;
    long start = System.nanoTime();
    long end = start + (long) (seconds * 1e9);
    long interval = rate > 0 ? (long) (1e9 / rate) : 0;
    long scheduled = 0; // open loop: requests made due so far
    ArrayDeque<Long> due = new ArrayDeque<>();
    long sent = 0;
    while (true) {
      long now = System.nanoTime();
      boolean sending = now < end;
      if (sending) {
        if (rate > 0) {
          while (start + scheduled * interval <= now && start + scheduled * interval < end) {
            due.add(start + scheduled * interval);
            scheduled++;
          }
        } else {
          while (due.size() < maxConnections - busy()) {
            due.add(now);
          }
        }
        while (!due.isEmpty() && (!idle.isEmpty() || all.size() < maxConnections)) {
          Connection c = idle.isEmpty() ? open() : idle.remove(idle.size() - 1);
          c.send(requests.apply(sequence++), due.poll());
          sent++;
        }
      }
      if (!sending && busy() == 0) {
        break;
      }
      long wait = sending && rate > 0 && due.isEmpty()
          ? Math.max(1, (start + scheduled * interval - now) / 1_000_000)
          : 10;
      selector.select(wait);
      now = System.nanoTime();
      for (SelectionKey key : selector.selectedKeys()) {
        Connection c = (Connection) key.attachment();
        int outcome = c.onReady(key);
        if (outcome != Connection.PENDING) {
          latency.recordValue(Math.max(1, now - c.dueAt));
          traceSlow(start, now, now - c.dueAt);
          if (outcome == 200) {
            answered++;
          } else {
            errors++;
          }
          idle.add(c);
        }
      }
      selector.selectedKeys().clear();
      for (Connection c : all) {
        if (c.busy && now - c.sentAt > timeoutNanos) {
          c.reset(selector);
          latency.recordValue(now - c.dueAt);
          errors++;
          idle.add(c);
        }
      }
    }
    // requests due but never sent (the server fell behind the schedule and every connection was busy): errors, with
    // the time they had waited, so that the tail of the histogram does not leave them out
    long finished = System.nanoTime();
    for (long dueAt : due) {
      latency.recordValue(Math.max(1, finished - dueAt));
      errors++;
    }
    double elapsed = (end - start) / 1e9;
    return new Result((rate > 0 ? scheduled : sent) / elapsed, answered / elapsed, answered, errors, latency);
  }

  private int busy() {
    return all.size() - idle.size();
  }

  private Connection open() throws IOException {
    Connection c = new Connection(selector);
    all.add(c);
    return c;
  }

  /** One keep-alive connection with at most one request in flight. */
  private final class Connection {
    static final int PENDING = -1;

    private SocketChannel channel;
    private SelectionKey key;
    private ByteBuffer out;
    private final ByteBuffer in = ByteBuffer.allocate(64 * 1024);
    boolean busy;
    long dueAt;
    long sentAt;

    Connection(Selector selector) throws IOException {
      open(selector);
    }

    private void open(Selector selector) throws IOException {
      channel = SocketChannel.open(address);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.configureBlocking(false);
      key = channel.register(selector, 0, this);
    }

    void send(byte[] request, long due) throws IOException {
      busy = true;
      dueAt = due;
      sentAt = System.nanoTime();
      in.clear();
      out = ByteBuffer.wrap(request);
      channel.write(out);
      key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    /** Returns the status once the answer is complete, 0 for a broken connection, or {@link #PENDING}. */
    int onReady(SelectionKey ready) throws IOException {
      try {
        if (ready.isWritable()) {
          channel.write(out);
          if (!out.hasRemaining()) {
            key.interestOps(SelectionKey.OP_READ);
          }
          return PENDING;
        }
        if (!in.hasRemaining()) {
          throw new IOException("answer larger than " + in.capacity() + " bytes");
        }
        int n = channel.read(in);
        if (n < 0) {
          throw new IOException("closed by the server");
        }
        int status = complete();
        if (status != PENDING) {
          busy = false;
          key.interestOps(0);
        }
        return status;
      } catch (IOException e) {
        reset(ready.selector());
        return 0;
      }
    }

    /** The answer's status if {@link #in} holds a whole answer, else {@link #PENDING}. */
    private int complete() {
      int length = in.position();
      byte[] bytes = in.array();
      int headerEnd = indexOf(bytes, length, 0, "\r\n\r\n");
      if (headerEnd < 0) {
        return PENDING;
      }
      String head = new String(bytes, 0, headerEnd, StandardCharsets.ISO_8859_1);
      int status = Integer.parseInt(head.substring(9, 12));
      int bodyStart = headerEnd + 4;
      String lower = head.toLowerCase(java.util.Locale.ROOT);
      int cl = lower.indexOf("\r\ncontent-length:");
      if (cl >= 0) {
        int valueEnd = lower.indexOf("\r\n", cl + 2);
        int contentLength = Integer.parseInt(
            lower.substring(cl + 17, valueEnd < 0 ? lower.length() : valueEnd).trim());
        return length - bodyStart >= contentLength ? status : PENDING;
      }
      if (lower.contains("\r\ntransfer-encoding: chunked")) {
        return length - bodyStart >= 5 && indexOf(bytes, length, length - 5, "0\r\n\r\n") == length - 5
            ? status : PENDING;
      }
      return status; // no body (e.g. 204)
    }

    void reset(Selector selector) {
      close();
      busy = false;
      try {
        open(selector);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException("cannot reconnect to " + address, e);
      }
    }

    void close() {
      key.cancel();
      try {
        channel.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }

  private static int indexOf(byte[] bytes, int length, int from, String pattern) {
    outer:
    for (int i = Math.max(0, from); i <= length - pattern.length(); i++) {
      for (int j = 0; j < pattern.length(); j++) {
        if (bytes[i + j] != pattern.charAt(j)) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}

package dev.vigil.standins.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay in front of a real service (the shared PostgreSQL, the Vault stand-in), from an address its clients can
 * reach (loopback in tests, the drill network's host address in chaos drills). It is the fault switch for that
 * service: {@link #cut} drops every connection and refuses new ones, {@link #restore} listens again on the same port.
 * Cutting the relay rather than restarting the shared server keeps its other users unharmed.
 */
public final class TcpRelay implements AutoCloseable {

  private final String bindHost;
  private final int port;
  private final String targetHost;
  private final int targetPort;
  private final List<Socket> open = new CopyOnWriteArrayList<>();
  private volatile ServerSocket server;
  private volatile boolean closed;

  public TcpRelay(String bindHost, String targetHost, int targetPort) throws IOException {
    this.bindHost = bindHost;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.server = new ServerSocket(0, 100, InetAddress.getByName(bindHost));
    this.port = server.getLocalPort();
    acceptLoop(server);
  }

  public String host() {
    return bindHost;
  }

  public int port() {
    return port;
  }

  public boolean isCut() {
    return server.isClosed();
  }

  /** Every open connection is dropped and new ones are refused until {@link #restore}. */
  public synchronized void cut() throws IOException {
    server.close();
    for (Socket s : open) {
      s.close();
    }
    open.clear();
  }

  public synchronized void restore() throws IOException {
    if (!server.isClosed()) {
      return;
    }
    ServerSocket reopened = new ServerSocket();
    reopened.setReuseAddress(true);
    reopened.bind(new InetSocketAddress(InetAddress.getByName(bindHost), port), 100);
    server = reopened;
    acceptLoop(reopened);
  }

  private void acceptLoop(ServerSocket listening) {
    Thread t = new Thread(() -> {
      while (!listening.isClosed() && !closed) {
        try {
          Socket client = listening.accept();
          Socket upstream;
          try {
            upstream = new Socket(targetHost, targetPort);
          } catch (IOException e) {
            client.close();
            continue;
          }
          open.add(client);
          open.add(upstream);
          pump(client, upstream);
          pump(upstream, client);
        } catch (IOException e) {
          return; // closed by cut() or close()
        }
      }
    }, "relay-accept-" + port);
    t.setDaemon(true);
    t.start();
  }

  private void pump(Socket from, Socket to) {
    Thread t = new Thread(() -> {
      byte[] buffer = new byte[16384];
      try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
        int n;
        while ((n = in.read(buffer)) >= 0) {
          out.write(buffer, 0, n);
          out.flush();
        }
      } catch (IOException e) {
        // either side closed: close both below
      } finally {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
      }
    }, "relay-pump-" + port);
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    closed = true;
    cut();
  }
}

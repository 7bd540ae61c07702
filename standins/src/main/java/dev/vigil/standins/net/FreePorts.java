package dev.vigil.standins.net;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback ports for servers that tests and drills start and bind later, by number.
 *
 * <p>Asking the kernel for port 0 and closing the socket is racy: the port comes from the ephemeral range, where
 * every outbound connection (JDBC, HTTP clients, Artery) also takes its local port, and the kernel may hand the same
 * number to the next caller. Both happened in CI ({@code BindException: Address already in use}). Ports here come from
 * below the Linux ephemeral range (32768+), each at most once per JVM, starting at a random offset so that JVMs
 * running side by side rarely meet, and each is checked to be bindable when handed out.
 */
public final class FreePorts {

  private static final int LOW = 20000;
  private static final int HIGH = 32000;
  private static final AtomicInteger NEXT = new AtomicInteger(LOW + ThreadLocalRandom.current().nextInt(HIGH - LOW));

  private FreePorts() {}

  /** A port on 127.0.0.1 that nothing is bound to now and that this JVM has not handed out before. */
  public static int next() throws IOException {
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    for (int tries = 0; tries < HIGH - LOW; tries++) {
      int port = LOW + Math.floorMod(NEXT.getAndIncrement() - LOW, HIGH - LOW);
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(loopback, port), 1);
        return port;
      } catch (IOException inUse) {
        // taken by someone else: try the next one
      }
    }
    throw new IOException("no free loopback port between " + LOW + " and " + HIGH);
  }
}

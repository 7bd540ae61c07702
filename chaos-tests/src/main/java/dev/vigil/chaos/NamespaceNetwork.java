package dev.vigil.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Linux network namespace per node, each joined to a host bridge by a veth pair: node {@code i} is
 * {@code 10.77.K.(i+2)}, the host (harness, PostgreSQL and Vault relays) is {@code 10.77.K.1}. A partition drops
 * traffic between the groups' addresses inside each node's namespace, both directions, so each side keeps running
 * and sees the other as unreachable, while the harness still reaches every node. The cut uses iptables {@code DROP}
 * (silent loss, like a real network) when iptables is installed, otherwise iproute2 {@code blackhole} routes (packets
 * to the other side are discarded at the sender). Needs root and iproute2; {@link #create} says why when it cannot.
 */
public final class NamespaceNetwork implements DrillNetwork {

  private static final Logger log = LoggerFactory.getLogger(NamespaceNetwork.class);

  private final int subnet;
  private final int nodes;
  private final boolean iptables;
  private final List<String> cuts = new ArrayList<>();
  private final List<String> namespaces = new ArrayList<>();
  private boolean bridgeCreated;

  private NamespaceNetwork(int subnet, int nodes, boolean iptables) {
    this.subnet = subnet;
    this.nodes = nodes;
    this.iptables = iptables;
  }

  /** Builds the namespaces and bridge for {@code nodes} nodes; throws {@link IOException} naming the failed step. */
  public static NamespaceNetwork create(int nodes) throws IOException, InterruptedException {
    int subnet = 20 + ThreadLocalRandom.current().nextInt(220);
    NamespaceNetwork network = new NamespaceNetwork(subnet, nodes, onPath("iptables"));
    try {
      network.build();
    } catch (IOException | RuntimeException e) {
      network.close();
      throw e;
    }
    return network;
  }

  private void build() throws IOException, InterruptedException {
    String bridge = bridge();
    run("ip", "link", "add", bridge, "type", "bridge");
    bridgeCreated = true;
    run("ip", "addr", "add", hostAddress() + "/24", "dev", bridge);
    run("ip", "link", "set", bridge, "up");
    for (int i = 0; i < nodes; i++) {
      String ns = namespace(i);
      String hostSide = "vgl" + subnet + "h" + i;
      String nodeSide = "vgl" + subnet + "p" + i;
      run("ip", "netns", "add", ns);
      namespaces.add(ns);
      run("ip", "link", "add", hostSide, "type", "veth", "peer", "name", nodeSide);
      run("ip", "link", "set", nodeSide, "netns", ns);
      run("ip", "link", "set", hostSide, "master", bridge);
      run("ip", "link", "set", hostSide, "up");
      run("ip", "-n", ns, "link", "set", nodeSide, "name", "eth0");
      run("ip", "-n", ns, "addr", "add", nodeHost(i) + "/24", "dev", "eth0");
      run("ip", "-n", ns, "link", "set", "eth0", "up");
      run("ip", "-n", ns, "link", "set", "lo", "up");
    }
    log.info("Drill network ready: {}", describe());
  }

  @Override
  public String describe() {
    return nodes + " network namespaces on bridge " + bridge() + " (10.77." + subnet + ".0/24), partitions by "
        + (iptables ? "iptables DROP" : "blackhole routes (iptables not installed)");
  }

  @Override
  public String nodeHost(int index) {
    return "10.77." + subnet + "." + (index + 2);
  }

  @Override
  public String hostAddress() {
    return "10.77." + subnet + ".1";
  }

  @Override
  public List<String> launchPrefix(int index) {
    return List.of("ip", "netns", "exec", namespace(index));
  }

  @Override
  public boolean canPartition() {
    return true;
  }

  @Override
  public synchronized void partition(List<Integer> sideA, List<Integer> sideB) throws IOException, InterruptedException {
    for (int a : sideA) {
      for (int b : sideB) {
        cut(a, b);
        cut(b, a);
      }
    }
    log.info("Partitioned {} | {} ({})", sideA, sideB, iptables ? "iptables" : "blackhole routes");
  }

  private void cut(int from, int to) throws IOException, InterruptedException {
    String ns = namespace(from);
    String peer = nodeHost(to);
    if (iptables) {
      run("ip", "netns", "exec", ns, "iptables", "-A", "INPUT", "-s", peer, "-j", "DROP");
      run("ip", "netns", "exec", ns, "iptables", "-A", "OUTPUT", "-d", peer, "-j", "DROP");
      cuts.add(ns + " " + peer);
    } else {
      run("ip", "-n", ns, "route", "add", "blackhole", peer + "/32");
      cuts.add(ns + " " + peer);
    }
  }

  @Override
  public synchronized void heal() throws IOException, InterruptedException {
    for (String cut : cuts) {
      String[] parts = cut.split(" ");
      if (iptables) {
        run("ip", "netns", "exec", parts[0], "iptables", "-D", "INPUT", "-s", parts[1], "-j", "DROP");
        run("ip", "netns", "exec", parts[0], "iptables", "-D", "OUTPUT", "-d", parts[1], "-j", "DROP");
      } else {
        run("ip", "-n", parts[0], "route", "del", "blackhole", parts[1] + "/32");
      }
    }
    cuts.clear();
    log.info("Partition healed");
  }

  @Override
  public synchronized void close() {
    for (String ns : namespaces) {
      quietly("ip", "netns", "del", ns);
    }
    namespaces.clear();
    if (bridgeCreated) {
      quietly("ip", "link", "del", bridge());
      bridgeCreated = false;
    }
  }

  private String bridge() {
    return "vgl" + subnet + "br";
  }

  private String namespace(int index) {
    return "vgl" + subnet + "n" + index;
  }

  static boolean onPath(String program) {
    String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  static void run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException("timed out: " + String.join(" ", command));
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    if (process.exitValue() != 0) {
      throw new IOException("'" + String.join(" ", command) + "' exited " + process.exitValue() + ": " + output);
    }
  }

  private static void quietly(String... command) {
    try {
      run(command);
    } catch (IOException e) {
      log.warn("Cleanup step failed: {}", e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

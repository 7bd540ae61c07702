package dev.vigil.chaos.load;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vigil.chaos.DrillNode;
import dev.vigil.chaos.Management;

/**
 * What a Kubernetes Service does for the load driver: probes every node's {@code /ready} every {@code interval} and
 * hands out, round robin, only nodes whose last probe answered 200.
 */
public final class Rotation implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Rotation.class);

  private final List<? extends DrillNode> nodes;
  private final List<DrillNode> ready = new CopyOnWriteArrayList<>();
  private final AtomicLong turn = new AtomicLong();
  private final Thread prober;
  private volatile boolean running = true;

  public Rotation(List<? extends DrillNode> nodes, long intervalMillis) {
    this.nodes = List.copyOf(nodes);
    probeOnce();
    this.prober = new Thread(() -> {
      while (running) {
        probeOnce();
        LockSupport.parkNanos(intervalMillis * 1_000_000L);
      }
    }, "rotation-prober");
    prober.setDaemon(true);
    prober.start();
  }

  private void probeOnce() {
    for (DrillNode node : nodes) {
      boolean ok = Management.ready(node);
      if (ok && !ready.contains(node)) {
        ready.add(node);
        log.info("node {} in rotation", node.index());
      } else if (!ok && ready.remove(node)) {
        log.info("node {} out of rotation", node.index());
      }
    }
  }

  /** The next ready node, or empty when none answered its last probe. */
  public Optional<DrillNode> next() {
    List<DrillNode> snapshot = List.copyOf(ready);
    if (snapshot.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(snapshot.get((int) Math.floorMod(turn.getAndIncrement(), (long) snapshot.size())));
  }

  public List<DrillNode> ready() {
    return List.copyOf(ready);
  }

  @Override
  public void close() {
    running = false;
    prober.interrupt();
  }
}

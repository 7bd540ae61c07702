package dev.vigil.standins.kubernetes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;

/**
 * A watch closed by its client while events are being sent to it must not stop the stand-in from serving: with the
 * mock's own watch listener, the close waited on the server's only event loop for a send that waited on that same
 * event loop, and every request hung for 30 s (the drain drill's Job creates timed out). Each round closes a watch in
 * the middle of a stream of updates, then times a plain read.
 */
class WatchCloseTest {

  static final String NAMESPACE = "watch-close";
  static final int ROUNDS = 10;
  static final int WATCHES_PER_ROUND = 5;

  static KubernetesStandIn standIn;
  static KubernetesClient writer;

  @BeforeAll
  static void start() {
    standIn = KubernetesStandIn.start(KubernetesStandInSettings.defaults(), JobListener.NONE);
    writer = client();
  }

  @AfterAll
  static void stop() {
    if (writer != null) {
      writer.close();
    }
    if (standIn != null) {
      standIn.close();
    }
  }

  static KubernetesClient client() {
    // a short request timeout: a frozen server shows as a failed read instead of a 10 s wait
    return new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(standIn.masterUrl())
        .withNamespace(NAMESPACE).withRequestTimeout(5_000).withRequestRetryBackoffLimit(0).build()).build();
  }

  @Test
  void closingAWatchWhileEventsFlowLeavesTheServerServing() throws Exception {
    ConfigMap map = new ConfigMapBuilder().withNewMetadata().withName("busy").withNamespace(NAMESPACE).endMetadata()
        .addToData("n", "0").build();
    writer.configMaps().inNamespace(NAMESPACE).resource(map).create();
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger updates = new AtomicInteger();
    List<Thread> updaters = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Thread updater = new Thread(() -> {
        while (writing.get()) {
          try {
            int n = updates.incrementAndGet();
            writer.configMaps().inNamespace(NAMESPACE).withName("busy").edit(m -> {
              m.getData().put("n", Integer.toString(n));
              return m;
            });
          } catch (RuntimeException e) {
            // a frozen server: the reads below report it
          }
        }
      }, "updater-" + i);
      updater.start();
      updaters.add(updater);
    }
    List<Long> readMillis = new ArrayList<>();
    try (KubernetesClient watcher = client()) {
      for (int round = 0; round < ROUNDS; round++) {
        AtomicInteger seen = new AtomicInteger();
        List<Watch> watches = new ArrayList<>();
        for (int w = 0; w < WATCHES_PER_ROUND; w++) {
          watches.add(watcher.configMaps().inNamespace(NAMESPACE).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap resource) {
              seen.incrementAndGet();
            }

            @Override
            public void onClose(WatcherException cause) {
              // closed by the test
            }
          }));
        }
        long until = System.nanoTime() + Duration.ofMillis(500).toNanos();
        while (seen.get() < 10 * WATCHES_PER_ROUND && System.nanoTime() < until) {
          Thread.onSpinWait();
        }
        watches.forEach(Watch::close);
        long start = System.nanoTime();
        try {
          writer.configMaps().inNamespace(NAMESPACE).withName("busy").get();
          readMillis.add((System.nanoTime() - start) / 1_000_000);
        } catch (RuntimeException e) {
          readMillis.add(-1L); // timed out: the server froze
        }
      }
    } finally {
      writing.set(false);
      for (Thread updater : updaters) {
        updater.join(10_000);
      }
    }
    assertTrue(updates.get() > ROUNDS, "events flowed while watches closed: " + updates.get() + " updates");
    assertTrue(readMillis.stream().allMatch(ms -> ms >= 0 && ms < 2_000),
        "every read after a watch closed answered within 2 s (ms, -1 = timed out): " + readMillis);
  }
}

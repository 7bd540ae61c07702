package dev.vigil.actors.investigation;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.typesafe.config.ConfigFactory;

import dev.vigil.protocol.InvestigationProtocol;
import dev.vigil.protocol.InvestigationProtocol.AdmissionCommand;

/**
 * The admission line on the persistence testkit's journal, which can fail writes the way an unreachable database
 * does: a failed batch write restarts the journal, which recovers the line, and the batch is sent again, so the
 * admission it held is granted once writes succeed again, and the line still counts its slots right.
 */
class AdmissionQueueTest {

  static final ActorTestKit testKit = ActorTestKit.create("admission",
      PersistenceTestKitPlugin.getInstance().config().withFallback(ConfigFactory.load()));
  static final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  @Test
  void anAdmissionWhoseWriteFailedIsGrantedOnceWritesSucceedAndSlotsStayCounted() {
    ConcurrentLinkedQueue<String> granted = new ConcurrentLinkedQueue<>();
    Map<String, Integer> queued = new ConcurrentHashMap<>();
    ActorRef<AdmissionCommand> queue = testKit.spawn(AdmissionQueue.create(2,
        new AdmissionQueue.Notifier(granted::add, queued::put)));

    journal.failNextNPersisted(2); // the database refuses the next two writes
    queue.tell(new InvestigationProtocol.Admit("a"));
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> granted.contains("a"));

    queue.tell(new InvestigationProtocol.Admit("b"));
    queue.tell(new InvestigationProtocol.Admit("c"));
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> granted.contains("b") && queued.get("c") != null);
    assertEquals(1, queued.get("c"), "two slots: c waits first in line");

    queue.tell(new InvestigationProtocol.Release("a"));
    await().atMost(Duration.ofSeconds(5)).until(() -> granted.contains("c"));
    List<String> order = new ArrayList<>(granted);
    assertEquals(List.of("a", "b", "c"), order.stream().distinct().toList());
  }
}

package dev.vigil.actors.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.javadsl.PersistenceTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import com.typesafe.config.ConfigFactory;

import dev.vigil.protocol.AgentProtocol;
import dev.vigil.protocol.AgentProtocol.Command;
import dev.vigil.protocol.AgentProtocol.TrustView;

/**
 * The Agent entity on the persistence testkit's journal, which fails reads and writes the way an unreachable database
 * does: the entity restarts with backoff instead of stopping, so the commands that arrived while it was recovering are
 * answered once the journal works again (a stopped entity dropped them, and the gateway answered 503 after its ask
 * timed out: the database-outage drill).
 */
class AgentJournalFailureTest {

  static final ActorTestKit testKit = ActorTestKit.create("agent-journal-failure",
      PersistenceTestKitPlugin.getInstance().config().withFallback(ConfigFactory.load()));
  static final PersistenceTestKit journal = PersistenceTestKit.create(testKit.system());

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  static ActorRef<Command> spawn(String id) {
    return testKit.spawn(AgentEntity.create(id, Clock.systemUTC(),
        (input, usage) -> CompletableFuture.failedFuture(new IllegalStateException("no policy in this test")),
        AgentSettings.DEFAULT, AgentPublisher.NONE));
  }

  @Test
  void commandsSentWhileRecoveryFailsAreAnsweredOnceTheJournalWorks() {
    String id = "recovery-fails";
    ActorRef<Command> first = spawn(id);
    TestProbe<StatusReply<AgentProtocol.AgentView>> registered = testKit.createTestProbe();
    first.tell(new AgentProtocol.Register("Recovery", Map.of("team", "sre"), registered.getRef()));
    assertTrue(registered.receiveMessage(Duration.ofSeconds(5)).isSuccess());
    testKit.stop(first);

    journal.failNextNReads("Agent|" + id, 3); // the next three recoveries fail, as while the database is down
    ActorRef<Command> second = spawn(id);
    TestProbe<StatusReply<TrustView>> trust = testKit.createTestProbe();
    second.tell(new AgentProtocol.GetTrust(trust.getRef()));
    second.tell(new AgentProtocol.GetTrust(trust.getRef()));
    StatusReply<TrustView> answer = trust.receiveMessage(Duration.ofSeconds(15));
    assertTrue(answer.isSuccess(), () -> "answered after the journal recovered: " + answer);
    assertEquals("shadow", answer.getValue().phase(), "the registration was recovered");
    assertTrue(trust.receiveMessage(Duration.ofSeconds(5)).isSuccess(), "the second stashed command too");
  }

  @Test
  void aFailedWriteRestartsTheEntityWhichKeepsAnswering() {
    String id = "write-fails";
    ActorRef<Command> agent = spawn(id);
    TestProbe<StatusReply<AgentProtocol.AgentView>> registered = testKit.createTestProbe();
    journal.failNextPersisted(); // the registration's write fails: its caller gets no answer, as with a lost reply
    agent.tell(new AgentProtocol.Register("Writes", Map.of(), registered.getRef()));
    registered.expectNoMessage(Duration.ofMillis(500));

    agent.tell(new AgentProtocol.Register("Writes", Map.of(), registered.getRef()));
    assertTrue(registered.receiveMessage(Duration.ofSeconds(15)).isSuccess(), "registered by the retry");
    TestProbe<StatusReply<TrustView>> trust = testKit.createTestProbe();
    agent.tell(new AgentProtocol.GetTrust(trust.getRef()));
    assertEquals("shadow", trust.receiveMessage(Duration.ofSeconds(5)).getValue().phase());
  }
}

package dev.vigil.actors.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

class PolicyRoutesTest {

  record Worker(Address node, String name) {}

  static final Address LOCAL = new Address("pekko", "vigil");
  static final Address B = new Address("pekko", "vigil", "10.0.0.2", 25520);
  static final Address C = new Address("pekko", "vigil", "10.0.0.3", 25520);

  static PolicyRoutes<Worker> routes(Duration suspicion, Worker... workers) {
    PolicyRoutes<Worker> routes = new PolicyRoutes<>(suspicion, Worker::node, Comparator.comparing(Worker::name));
    routes.update(Set.of(workers));
    return routes;
  }

  @Test
  void roundRobinsOverEveryRemoteWorker() {
    PolicyRoutes<Worker> routes = routes(Duration.ofSeconds(10),
        new Worker(B, "b0"), new Worker(B, "b1"), new Worker(C, "c0"), new Worker(C, "c1"));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      seen.add(routes.pick(Set.of()).orElseThrow().name());
    }
    assertEquals(Set.of("b0", "b1", "c0", "c1"), seen);
  }

  @Test
  void prefersLocalWorkersUntilTheyTimeOutForThisRequest() {
    PolicyRoutes<Worker> routes = routes(Duration.ofSeconds(10), new Worker(LOCAL, "a0"), new Worker(B, "b0"));
    for (int i = 0; i < 10; i++) {
      assertEquals("a0", routes.pick(Set.of()).orElseThrow().name());
    }
    assertEquals("b0", routes.pick(Set.of(LOCAL)).orElseThrow().name());
  }

  @Test
  void aSuspectNodeIsAvoidedByEveryCallerAndANodeThatTimedOutIsNeverRetriedInTheSameRequest() {
    PolicyRoutes<Worker> routes = routes(Duration.ofSeconds(10),
        new Worker(B, "b0"), new Worker(B, "b1"), new Worker(C, "c0"), new Worker(C, "c1"));
    routes.suspect(C);
    for (int i = 0; i < 20; i++) {
      assertEquals(B, routes.pick(Set.of()).orElseThrow().node());
    }
    // every node suspect or excluded: a suspect the request has not tried is better than nothing
    routes.suspect(B);
    assertEquals(C, routes.pick(Set.of(B)).orElseThrow().node());
    assertEquals(Optional.empty(), routes.pick(Set.of(B, C)));
  }

  @Test
  void suspicionEndsWhenTheNodeAnswersOrItExpires() {
    PolicyRoutes<Worker> routes = routes(Duration.ofSeconds(10), new Worker(B, "b0"), new Worker(C, "c0"));
    routes.suspect(C);
    routes.answered(C);
    Set<Address> seen = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      seen.add(routes.pick(Set.of()).orElseThrow().node());
    }
    assertEquals(Set.of(B, C), seen);

    AtomicLong clock = new AtomicLong();
    PolicyRoutes<Worker> brief = new PolicyRoutes<>(Duration.ofMillis(1), Worker::node,
        Comparator.comparing(Worker::name), clock::get);
    brief.update(Set.of(new Worker(B, "b0"), new Worker(C, "c0")));
    brief.suspect(C);
    assertEquals(B, brief.pick(Set.of()).orElseThrow().node());
    assertEquals(B, brief.pick(Set.of()).orElseThrow().node());
    clock.addAndGet(Duration.ofMillis(2).toNanos());
    seen.clear();
    for (int i = 0; i < 4; i++) {
      seen.add(brief.pick(Set.of()).orElseThrow().node());
    }
    assertEquals(Set.of(B, C), seen);
  }

  @Test
  void anEmptyListingGivesNothingAndANewListingDropsSuspicionOfNodesThatLeft() {
    PolicyRoutes<Worker> routes = routes(Duration.ofSeconds(10));
    assertTrue(routes.pick(Set.of()).isEmpty());
    routes.update(Set.of(new Worker(B, "b0"), new Worker(C, "c0")));
    routes.suspect(C);
    routes.update(Set.of(new Worker(B, "b0"))); // C left the listing
    routes.update(Set.of(new Worker(B, "b0"), new Worker(C, "c0"))); // and came back, answering
    Set<Address> seen = new HashSet<>();
    for (int i = 0; i < 4; i++) {
      seen.add(routes.pick(Set.of()).orElseThrow().node());
    }
    assertEquals(Set.of(B, C), seen);
  }
}

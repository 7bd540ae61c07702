package dev.vigil.cluster.policy;

import static dev.vigil.cluster.TestNodes.api;
import static dev.vigil.cluster.TestNodes.get;
import static dev.vigil.cluster.TestNodes.management;
import static dev.vigil.cluster.TestNodes.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.cluster.TestNodes;
import dev.vigil.cluster.VigilNode;
import dev.vigil.persistence.testing.PostgresTestDatabase;

/**
 * The policy pool across a real 4-node cluster on PostgreSQL: node A hosts the gateway and the entities, B, C and D
 * host policy workers. An activation reaches every node within a second. Under steady decisions through A, C leaves
 * (its workers deregister first) and then D is killed without leaving (its workers vanish mid-flight): not one
 * decision may fail, because callers retry an attempt whose worker is gone on another.
 */
class PolicyPoolIT {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PolicyPoolIT.class);

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ADMIN = "pool-it-admin-key-0123456789abcdef";

  @Test
  void activationReachesEveryNodeAndThePoolSurvivesALeaveAndAKillWithoutAFailedDecision() throws Exception {
    try (PostgresTestDatabase pg = PostgresTestDatabase.create()) {
      int[] ports = {TestNodes.freePort(), TestNodes.freePort(), TestNodes.freePort(), TestNodes.freePort()};
      String[] roles = {"gateway,entities", "policy", "policy", "policy"};
      StringBuilder endpoints = new StringBuilder();
      for (int port : ports) {
        endpoints.append(endpoints.length() == 0 ? "" : ",").append("{host = \"127.0.0.1\", port = ").append(port).append("}");
      }
      List<VigilNode> nodes = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        Map<String, Object> o = TestNodes.baseOverrides(pg.url(), pg.user(), pg.password(), Files.createTempDirectory("vigil"));
        o.put("vigil.gateway.bootstrap-admin-key", ADMIN);
        o.put("vigil.cluster.roles", roles[i]);
        o.put("vigil.cluster.join", "bootstrap");
        o.put("vigil.drain.readiness-grace", "1s");
        o.put("vigil.policy.workers-per-node", 2);
        o.put("pekko.management.http.port", ports[i]);
        o.put("pekko.discovery.method", "config");
        o.put("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method", "config");
        o.put("pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr", 4);
        o.put("pekko.management.cluster.bootstrap.contact-point-discovery.stable-margin", "1s");
        o.put("pekko.management.cluster.bootstrap.contact-point-discovery.interval", "300ms");
        o.put("pekko.cluster.split-brain-resolver.stable-after", "3s");
        if (i == 3) {
          o.put("pekko.coordinated-shutdown.run-by-actor-system-terminate", "off");
        }
        nodes.add(VigilNode.start(TestNodes.config(o, "pekko.discovery.config.services.vigil.endpoints = [" + endpoints + "]")));
      }
      VigilNode gateway = nodes.get(0);
      try {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
            upMembers(gateway) == 4 && get(management(gateway, "ready"), null).statusCode() == 200);

        String policy = "{\"schema\":\"vigil/v1\",\"id\":\"pool\",\"version\":\"1\",\"rules\":["
            + "{\"id\":\"reads\",\"action\":\"*.read\",\"effect\":\"allow\"},"
            + "{\"id\":\"writes\",\"action\":\"*.write\",\"effect\":\"deny\",\"reason\":\"no writes\"}]}";
        HttpResponse<String> uploaded = send("POST", api(gateway) + "/v1/policies?activate=true", ADMIN, policy);
        assertEquals(201, uploaded.statusCode(), uploaded.body());
        long activatedAt = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(10)).until(() ->
            nodes.stream().allMatch(n -> n.policyRegistry().current().active().policies().size() == 1));
        long reachedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - activatedAt);
        log.info("activation reached all 4 nodes within {} ms of the response", reachedMillis);

        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger decided = new AtomicInteger();
        ExecutorService load = Executors.newFixedThreadPool(4);
        for (int w = 0; w < 4; w++) {
          int worker = w;
          load.submit(() -> {
            int n = 0;
            while (running.get()) {
              n++;
              String action = n % 3 == 0 ? "file.write" : "file.read";
              String body = "{\"action\":\"" + action + "\",\"principal\":{\"id\":\"pool-agent-" + worker + "-" + (n % 10) + "\"}}";
              try {
                HttpResponse<String> r = send("POST", api(gateway) + "/v1/evaluate", ADMIN, body);
                String expected = action.equals("file.read") ? "allow" : "deny";
                if (r.statusCode() != 200 || !JSON.readTree(r.body()).get("decision").asText().equals(expected)) {
                  failures.add(r.statusCode() + " " + r.body());
                } else {
                  decided.incrementAndGet();
                }
              } catch (Exception e) {
                failures.add(e.toString());
              }
            }
            return null;
          });
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> decided.get() > 200);

        nodes.get(2).leave();
        nodes.get(2).whenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        int afterLeave = decided.get();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> decided.get() > afterLeave + 200);

        nodes.get(3).system().terminate(); // no leave, no hand-off: the workers vanish
        nodes.get(3).whenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
            .until(() -> upMembers(gateway) == 2);
        int afterKill = decided.get();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> decided.get() > afterKill + 200);
        running.set(false);
        load.shutdown();
        assertTrue(load.awaitTermination(30, TimeUnit.SECONDS));

        assertEquals(List.of(), new ArrayList<>(failures), "no decision may fail while the pool loses nodes");
        // the gateway node has no policy role: every evaluation went to a worker on another node
        assertEquals(0, gateway.policyClient().evaluatedInPlace());
        assertTrue(gateway.policyClient().sentToPool() >= decided.get(), gateway.policyClient().sentToPool() + " sent");
        log.info("decisions made through the leave and the kill: {}", decided.get());
      } finally {
        for (VigilNode n : nodes) {
          if (!n.system().whenTerminated().isCompleted()) {
            TestNodes.stop(n);
          }
        }
      }
    }
  }

  static long upMembers(VigilNode node) {
    return java.util.stream.StreamSupport.stream(Cluster.get(node.system()).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up()).count();
  }
}

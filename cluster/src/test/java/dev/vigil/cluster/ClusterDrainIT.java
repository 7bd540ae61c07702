package dev.vigil.cluster;

import static dev.vigil.cluster.TestNodes.api;
import static dev.vigil.cluster.TestNodes.get;
import static dev.vigil.cluster.TestNodes.management;
import static dev.vigil.cluster.TestNodes.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
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

import dev.vigil.persistence.testing.PostgresTestDatabase;

/**
 * Three nodes in one JVM form a cluster through Cluster Bootstrap with config discovery, on one real PostgreSQL.
 * Under steady traffic (reads and registrations spread over the nodes that report ready, as a Kubernetes Service
 * would), one node is told to leave through its management endpoint. Not one request may fail: the leaving node
 * reports not-ready first, finishes in-flight requests, hands off its shards and leaves.
 */
class ClusterDrainIT {

  static final String ADMIN = "drain-it-admin-key-0123456789abcdef";

  @Test
  void aNodeLeavesAThreeNodeClusterUnderTrafficWithoutAFailedRequest() throws Exception {
    try (PostgresTestDatabase pg = PostgresTestDatabase.create()) {
      int[] managementPorts = {TestNodes.freePort(), TestNodes.freePort(), TestNodes.freePort()};
      StringBuilder endpoints = new StringBuilder();
      for (int port : managementPorts) {
        endpoints.append(endpoints.length() == 0 ? "" : ",").append("{host = \"127.0.0.1\", port = ").append(port).append("}");
      }
      List<VigilNode> nodes = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Map<String, Object> o = TestNodes.baseOverrides(pg.url(), pg.user(), pg.password(), Files.createTempDirectory("vigil"));
        o.put("vigil.gateway.bootstrap-admin-key", ADMIN);
        o.put("vigil.cluster.join", "bootstrap");
        o.put("vigil.drain.readiness-grace", "1s");
        o.put("pekko.management.http.port", managementPorts[i]);
        o.put("pekko.discovery.method", "config");
        o.put("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method", "config");
        o.put("pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr", 3);
        o.put("pekko.management.cluster.bootstrap.contact-point-discovery.stable-margin", "1s");
        o.put("pekko.management.cluster.bootstrap.contact-point-discovery.interval", "300ms");
        nodes.add(VigilNode.start(TestNodes.config(o,
            "pekko.discovery.config.services.vigil.endpoints = [" + endpoints + "]")));
      }
      try {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
            nodes.stream().allMatch(n -> upMembers(n) == 3 && ready(n)));

        List<String> agents = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
          String id = "drain-agent-" + i;
          agents.add(id);
          HttpResponse<String> r = send("PUT", api(nodes.get(i % 3)) + "/v1/agents/" + id, ADMIN, "{\"displayName\":\"A" + i + "\"}");
          assertEquals(200, r.statusCode(), r.body());
        }

        // a load balancer: sends only to nodes whose /ready said 200 at the last probe (every 100ms)
        List<VigilNode> inRotation = new CopyOnWriteArrayList<>(nodes);
        AtomicBoolean running = new AtomicBoolean(true);
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger answeredAfterLeave = new AtomicInteger();
        AtomicBoolean left = new AtomicBoolean(false);
        ExecutorService pool = Executors.newFixedThreadPool(5);
        pool.submit(() -> {
          while (running.get()) {
            for (VigilNode n : nodes) {
              boolean ok = ready(n);
              if (ok && !inRotation.contains(n)) {
                inRotation.add(n);
              } else if (!ok) {
                inRotation.remove(n);
              }
            }
            TimeUnit.MILLISECONDS.sleep(100);
          }
          return null;
        });
        AtomicInteger sequence = new AtomicInteger();
        for (int w = 0; w < 4; w++) {
          pool.submit(() -> {
            while (running.get()) {
              int n = sequence.incrementAndGet();
              if (inRotation.isEmpty()) {
                failures.add("no node in rotation");
                continue;
              }
              VigilNode target = inRotation.get(n % inRotation.size());
              try {
                HttpResponse<String> r = n % 5 == 0
                    ? send("PUT", api(target) + "/v1/agents/drain-new-" + n, ADMIN, "{\"displayName\":\"N" + n + "\"}")
                    : get(api(target) + "/v1/agents/" + agents.get(n % agents.size()), ADMIN);
                if (r.statusCode() != 200) {
                  failures.add(r.statusCode() + " " + r.body());
                } else {
                  answered.incrementAndGet();
                  if (left.get()) {
                    answeredAfterLeave.incrementAndGet();
                  }
                }
              } catch (Exception e) {
                failures.add(e.toString());
              }
            }
            return null;
          });
        }

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> answered.get() > 200);
        VigilNode leaving = nodes.get(2);
        String address = Cluster.get(leaving.system()).selfMember().address().toString();
        HttpRequest leave = HttpRequest.newBuilder(URI.create(management(leaving, "cluster/members/"
                + URLEncoder.encode(address, StandardCharsets.UTF_8))))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .PUT(HttpRequest.BodyPublishers.ofString("operation=Leave")).build();
        HttpResponse<String> leaveAnswer = TestNodes.HTTP.send(leave, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, leaveAnswer.statusCode(), leaveAnswer.body());
        left.set(true);

        leaving.whenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> upMembers(nodes.get(0)) == 2 && upMembers(nodes.get(1)) == 2);
        int atRemoval = answeredAfterLeave.get();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> answeredAfterLeave.get() > atRemoval + 200);
        running.set(false);
        pool.shutdown();
        assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));

        assertEquals(List.of(), new ArrayList<>(failures), "no request may fail during the drain");
        assertTrue(answered.get() > 400, "traffic kept flowing: " + answered.get());
        for (String id : agents) {
          assertEquals(200, get(api(nodes.get(0)) + "/v1/agents/" + id, ADMIN).statusCode(), id + " still reachable");
        }
        // the removal is gossiped: the survivors may list the leaver (Exiting/Removed) for a moment after it is gone
        Awaitility.await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
          var members = new ObjectMapper().readTree(get(management(nodes.get(0), "cluster/members"), null).body());
          assertEquals(2, members.get("members").size(), members.toString());
        });
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
    if (node.system().whenTerminated().isCompleted()) {
      return -1;
    }
    return java.util.stream.StreamSupport.stream(Cluster.get(node.system()).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up()).count();
  }

  static boolean ready(VigilNode node) {
    try {
      return get(management(node, "ready"), null).statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }
}

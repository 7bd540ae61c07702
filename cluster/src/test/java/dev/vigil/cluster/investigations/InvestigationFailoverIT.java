package dev.vigil.cluster.investigations;

import static dev.vigil.cluster.TestNodes.api;
import static dev.vigil.cluster.TestNodes.get;
import static dev.vigil.cluster.TestNodes.management;
import static dev.vigil.cluster.TestNodes.send;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.actors.investigation.Investigation;
import dev.vigil.cluster.TestNodes;
import dev.vigil.cluster.VigilNode;
import dev.vigil.k8s.JobTemplate;
import dev.vigil.persistence.testing.PostgresTestDatabase;
import dev.vigil.standins.vault.LeaseView;
import dev.vigil.standins.vault.VaultStandIn;
import dev.vigil.standins.vault.VaultStandInSettings;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * The node hosting a running investigation's entity is killed (its ActorSystem terminated without CoordinatedShutdown,
 * then downed from a survivor) in a three-node cluster on one real PostgreSQL, with the Vault stand-in and fabric8's
 * mock API server (CRUD; the test plays the Job controller). The entity comes back on another node through
 * remember-entities, rotates its lease (the secret was only in the dead node's memory: new lease, old one revoked),
 * keeps answering the agent with its token, and concludes when its Job completes. At the end Vault has no live lease,
 * and the credential handed out before the kill is refused.
 */
class InvestigationFailoverIT {

  static final ObjectMapper JSON = new ObjectMapper();
  static final String ADMIN = "failover-it-admin-key-0123456789abcdef";
  static final String NAMESPACE = "vigil-agents";

  @Test
  void anInvestigationSurvivesTheLossOfItsNodeAndLeavesNoLeaseBehind() throws Exception {
    KubernetesMockServer kubernetes = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
        new io.fabric8.mockwebserver.MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), true);
    kubernetes.init(InetAddress.getByName("127.0.0.1"), 0);
    List<VigilNode> nodes = new ArrayList<>();
    try (PostgresTestDatabase pg = PostgresTestDatabase.create();
         KubernetesClient client = kubernetes.createClient();
         VaultStandIn vault = VaultStandIn.start(VaultStandInSettings.defaults(Duration.ofMinutes(5),
             Duration.ofMinutes(30)))) {
      int[] managementPorts = {TestNodes.freePort(), TestNodes.freePort(), TestNodes.freePort()};
      StringBuilder endpoints = new StringBuilder();
      for (int port : managementPorts) {
        endpoints.append(endpoints.length() == 0 ? "" : ",").append("{host = \"127.0.0.1\", port = ").append(port)
            .append("}");
      }
      for (int i = 0; i < 3; i++) {
        Map<String, Object> o = TestNodes.baseOverrides(pg.url(), pg.user(), pg.password(),
            Files.createTempDirectory("vigil"));
        o.put("vigil.gateway.bootstrap-admin-key", ADMIN);
        o.put("vigil.cluster.join", "bootstrap");
        o.put("pekko.management.http.port", managementPorts[i]);
        o.put("pekko.discovery.method", "config");
        o.put("pekko.management.cluster.bootstrap.contact-point-discovery.discovery-method", "config");
        o.put("pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr", 3);
        o.put("pekko.management.cluster.bootstrap.contact-point-discovery.stable-margin", "1s");
        o.put("pekko.management.cluster.bootstrap.contact-point-discovery.interval", "300ms");
        // a hard kill: terminating the system must not run the graceful drain
        o.put("pekko.coordinated-shutdown.run-by-actor-system-terminate", "off");
        o.put("vigil.kubernetes.job-runner", "fabric8");
        o.put("vigil.kubernetes.master-url", kubernetes.url("/"));
        o.put("vigil.kubernetes.trust-certs", true);
        o.put("vigil.kubernetes.namespace", NAMESPACE);
        o.put("vigil.vault.address", vault.address());
        o.put("vigil.vault.token", vault.rootToken());
        o.put("vigil.investigations.gateway-url", "http://127.0.0.1:1");
        nodes.add(VigilNode.start(TestNodes.config(o,
            "pekko.discovery.config.services.vigil.endpoints = [" + endpoints + "]")));
      }
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
          .until(() -> nodes.stream().allMatch(n -> upMembers(n) == 3 && ready(n)));
      String base0 = api(nodes.get(0));
      assertEquals(200, send("PUT", base0 + "/v1/agents/kill-agent", ADMIN, "{\"displayName\":\"K\"}").statusCode());

      // several investigations, so entities spread over the nodes; each Job running as the controller would say
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        String id = "kill-" + i;
        ids.add(id);
        HttpResponse<String> r = send("POST", api(nodes.get(i % 3)) + "/v1/investigations", ADMIN,
            "{\"investigationId\":\"" + id + "\",\"agentId\":\"kill-agent\",\"image\":\"x\",\"command\":[\"agent\"]}");
        assertEquals(202, r.statusCode(), r.body());
      }
      for (String id : ids) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> job(client, id) != null && state(base0, id).equals("launching"));
        client.batch().v1().jobs().inNamespace(NAMESPACE).withName(JobTemplate.jobName(id))
            .editStatus(job -> { job.setStatus(new JobStatusBuilder().withActive(1).build()); return job; });
      }
      for (String id : ids) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200))
            .until(() -> state(base0, id).equals("running"));
      }

      // the victim: a node other than the first that hosts one of the running entities
      VigilNode victim = null;
      String target = null;
      for (VigilNode candidate : nodes.subList(1, 3)) {
        Optional<String> hosted = ids.stream().filter(id -> hosts(candidate, id)).findFirst();
        if (hosted.isPresent()) {
          victim = candidate;
          target = hosted.get();
          break;
        }
      }
      assertTrue(victim != null, "one of nodes 2 and 3 hosts an investigation");
      String id = target;
      String bootstrap = job(client, id).getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
          .filter(e -> e.getName().equals(JobTemplate.ENV_BOOTSTRAP_TOKEN)).findFirst().orElseThrow().getValue();
      HttpResponse<String> exchanged = send("POST", base0 + "/v1/investigations/" + id + "/token", bootstrap, null);
      assertEquals(200, exchanged.statusCode(), exchanged.body());
      String token = JSON.readTree(exchanged.body()).get("token").asText();
      JsonNode before = JSON.readTree(get(base0 + "/v1/investigations/" + id + "/credentials/llm", token).body());
      String oldLease = before.get("leaseId").asText();
      String oldKey = before.get("secret").get("api_key").asText();

      // hard kill, then a survivor downs the dead node (as the Split Brain Resolver would after stable-after)
      Address victimAddress = Cluster.get(victim.system()).selfMember().address();
      victim.system().terminate();
      victim.whenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      Cluster.get(nodes.get(0).system()).manager().tell(new Down(victimAddress));
      List<VigilNode> survivors = new ArrayList<>(nodes);
      survivors.remove(victim);

      // recovered elsewhere: the old lease revoked, a new one granted, the agent's token still good
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).until(() -> {
        HttpResponse<String> now = get(base0 + "/v1/investigations/" + id + "/credentials/llm", token);
        return now.statusCode() == 200 && !JSON.readTree(now.body()).get("leaseId").asText().equals(oldLease);
      });
      assertTrue(survivors.stream().anyMatch(n -> hosts(n, id)), "the entity lives on a survivor");
      // the replacement is handed out as soon as it is recorded; the lost one's revocation follows it
      Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
          assertEquals(LeaseView.State.REVOKED, lease(vault, oldLease).state(), "the lost secret's lease is revoked"));
      JsonNode after = JSON.readTree(get(base0 + "/v1/investigations/" + id + "/credentials/llm", token).body());
      assertNotEquals(oldKey, after.get("secret").get("api_key").asText());
      assertTrue(vault.checkCredential(Map.of("api_key", after.get("secret").get("api_key").asText())));
      assertEquals("running", state(base0, id));

      // every Job completes; every investigation concludes and every lease is revoked
      for (String each : ids) {
        client.batch().v1().jobs().inNamespace(NAMESPACE).withName(JobTemplate.jobName(each)).editStatus(job -> {
          job.setStatus(new JobStatusBuilder().withActive(0).withSucceeded(1).withConditions(
              new JobConditionBuilder().withType("Complete").withStatus("True").build()).build());
          return job;
        });
      }
      for (String each : ids) {
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
            .until(() -> state(base0, each).equals("succeeded"));
      }
      Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> vault.liveLeases().isEmpty());
      assertTrue(vault.leases().size() >= ids.size() + 1, "one lease per investigation plus the rotation");
      assertFalse(vault.checkCredential(Map.of("api_key", oldKey)), "the credential from before the kill is refused");
      assertEquals(1, lease(vault, oldLease).usesAfterEnd(), "only the refused check above used it after its end");
      assertTrue(vault.leases().stream().filter(l -> !l.leaseId().equals(oldLease))
          .allMatch(l -> l.usesAfterEnd() == 0), "no other credential was used after its lease ended");
      nodes.remove(victim);
      victim.database().close();
    } finally {
      for (VigilNode node : nodes) {
        if (!node.system().whenTerminated().isCompleted()) {
          TestNodes.stop(node);
        }
      }
      kubernetes.destroy();
    }
  }

  static Job job(KubernetesClient client, String id) {
    return client.batch().v1().jobs().inNamespace(NAMESPACE).withName(JobTemplate.jobName(id)).get();
  }

  static String state(String base, String id) throws Exception {
    HttpResponse<String> r = get(base + "/v1/investigations/" + id, ADMIN);
    return r.statusCode() == 200 ? JSON.readTree(r.body()).get("state").asText() : "http-" + r.statusCode();
  }

  static LeaseView lease(VaultStandIn vault, String leaseId) {
    return vault.leases().stream().filter(l -> l.leaseId().equals(leaseId)).findFirst().orElseThrow();
  }

  static boolean hosts(VigilNode node, String investigationId) {
    try {
      ShardRegion.CurrentShardRegionState state = AskPattern.<org.apache.pekko.cluster.sharding.typed.ClusterShardingQuery,
              ShardRegion.CurrentShardRegionState>ask(ClusterSharding.get(node.system()).shardState(),
              reply -> new GetShardRegionState(Investigation.TYPE_KEY, reply), Duration.ofSeconds(5),
              node.system().scheduler())
          .toCompletableFuture().get(10, TimeUnit.SECONDS);
      return state.getShards().stream().anyMatch(shard -> shard.getEntityIds().contains(investigationId));
    } catch (Exception e) {
      return false;
    }
  }

  static long upMembers(VigilNode node) {
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

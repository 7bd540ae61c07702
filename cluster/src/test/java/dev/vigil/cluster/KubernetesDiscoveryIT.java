package dev.vigil.cluster;

import static dev.vigil.cluster.TestNodes.get;
import static dev.vigil.cluster.TestNodes.management;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;

import dev.vigil.persistence.testing.PostgresTestDatabase;

/**
 * The kubernetes profile forms its cluster through Cluster Bootstrap and {@code kubernetes-api} discovery, against
 * fabric8's mock API server over HTTPS in CRUD mode holding the node's pod (Running, labelled
 * {@code app.kubernetes.io/name=vigil}, with a {@code management} port), on a real PostgreSQL.
 */
class KubernetesDiscoveryIT {

  @Test
  void theKubernetesProfileBootstrapsItsClusterThroughTheKubernetesApi() throws Exception {
    int apiPort = Integer.parseInt(Objects.requireNonNull(System.getenv("VIGIL_TEST_K8S_PORT"),
        "the build sets VIGIL_TEST_K8S_PORT (pekko-discovery-kubernetes-api reads the API address from env only)"));
    // the CRUD dispatcher answers GETs without Content-Type; the real API server sends application/json
    KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher() {
      @Override
      public MockResponse handleGet(String path) {
        MockResponse r = super.handleGet(path);
        if (r.header("Content-Type") == null) {
          r.setHeader("Content-Type", "application/json");
        }
        return r;
      }
    };
    KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(), crud, true);
    server.init(InetAddress.getByName("127.0.0.1"), apiPort);
    try (PostgresTestDatabase pg = PostgresTestDatabase.create(); KubernetesClient client = server.createClient()) {
      int managementPort = TestNodes.freePort();
      Pod pod = new PodBuilder()
          .withNewMetadata().withName("vigil-0").withNamespace("vigil-system")
            .addToLabels("app.kubernetes.io/name", "vigil").endMetadata()
          .withNewSpec().addNewContainer().withName("vigil").withImage("vigil:test")
            .addNewPort().withName("management").withContainerPort(managementPort).withProtocol("TCP").endPort()
          .endContainer().endSpec()
          .withNewStatus().withPhase("Running").withPodIP("127.0.0.1").endStatus()
          .build();
      client.pods().inNamespace("vigil-system").resource(pod).create();

      Path token = Files.createTempFile("sa-token", ".txt");
      Files.writeString(token, "vigil-test-token");
      Map<String, Object> o = TestNodes.baseOverrides(pg.url(), pg.user(), pg.password(), Files.createTempDirectory("vigil"));
      o.put("pekko.management.http.port", managementPort);
      o.put("vigil.gateway.host", "127.0.0.1");
      o.put("vigil.metrics.host", "127.0.0.1");
      o.put("pekko.management.http.bind-hostname", "127.0.0.1");
      o.put("pekko.remote.artery.bind.hostname", "127.0.0.1");
      o.put("pekko.discovery.kubernetes-api.api-service-host-env-name", "VIGIL_TEST_K8S_HOST");
      o.put("pekko.discovery.kubernetes-api.api-service-port-env-name", "VIGIL_TEST_K8S_PORT");
      o.put("pekko.discovery.kubernetes-api.api-ca-path", server.getSelfSignedCertificate().certificatePath());
      o.put("pekko.discovery.kubernetes-api.api-token-path", token.toString());
      o.put("pekko.discovery.kubernetes-api.pod-namespace", "vigil-system");
      o.put("pekko.management.cluster.bootstrap.contact-point-discovery.required-contact-point-nr", 1);
      o.put("pekko.management.cluster.bootstrap.contact-point-discovery.stable-margin", "1s");

      VigilNode node = VigilNode.start(TestNodes.config("kubernetes", o, ""));
      try {
        assertEquals("bootstrap", node.settings().join());
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250)).until(() ->
            Cluster.get(node.system()).selfMember().status() == MemberStatus.up());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> get(management(node, "ready"), null).statusCode() == 200);

        List<RecordedRequest> seen = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(100, TimeUnit.MILLISECONDS)) != null) {
          seen.add(r);
        }
        RecordedRequest lookup = seen.stream().filter(q -> q.getPath().startsWith("/api/v1/namespaces/vigil-system/pods"))
            .reduce((a, b) -> b).orElseThrow(() -> new AssertionError("no pod lookup among " + seen));
        String query = java.net.URLDecoder.decode(lookup.getPath(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(query.endsWith("labelSelector=app.kubernetes.io/name=vigil"), query);
        assertEquals("Bearer vigil-test-token", lookup.getHeader("Authorization"));
      } finally {
        TestNodes.stop(node);
      }
    } finally {
      server.destroy();
    }
  }
}

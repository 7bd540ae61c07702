package dev.vigil.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What the control plane Deployment must hold in every overlay: the node's ports, probes on
 * management, resources, a drain-length grace period, spreading across nodes, and every
 * environment variable the node reads; in production, three replicas kept at two or more
 * by the disruption budget and scaled on policy-evaluation latency and CPU.
 */
class ControlPlaneInvariantsTest {

  private static final Map<String, Integer> NODE_PORTS =
      Map.of("http", 8080, "management", 8558, "remoting", 25520, "metrics", 9095);

  /** Every variable the node reads, except the Vault token, which Kubernetes auth replaces. */
  private static final Set<String> NODE_ENVIRONMENT = Set.of(
      "VIGIL_PROFILE", "VIGIL_HTTP_HOST", "VIGIL_HTTP_PORT", "VIGIL_MANAGEMENT_HOST", "VIGIL_MANAGEMENT_PORT",
      "VIGIL_METRICS_HOST", "VIGIL_METRICS_PORT", "VIGIL_REMOTING_HOST", "VIGIL_REMOTING_PORT",
      "VIGIL_CLUSTER_ROLES", "VIGIL_SERVICE_NAME", "VIGIL_POD_NAMESPACE", "VIGIL_REQUIRED_CONTACT_POINTS",
      "VIGIL_DB_URL", "VIGIL_DB_USER", "VIGIL_DB_PASSWORD", "VIGIL_VAULT_ADDR", "VIGIL_VAULT_K8S_ROLE",
      "VIGIL_BOOTSTRAP_ADMIN_KEY", "VIGIL_SCANNER_ENABLED", "VIGIL_SENTINEL_ENABLED", "VIGIL_AGENTS_NAMESPACE",
      "VIGIL_JOB_GATEWAY_URL");

  private static final List<String> BOOTSTRAP_LABELS = List.of("app.kubernetes.io/name", "app");

  static List<String> overlays() {
    return Kustomize.overlays();
  }

  static List<String> productionOverlays() {
    return Kustomize.overlays().stream().filter(name -> name.startsWith("production")).toList();
  }

  /** The Vigil node Deployments: the control plane and, where present, the scanner nodes. */
  private static List<Deployment> nodes(Manifests manifests) {
    return manifests.all(Deployment.class).stream()
        .filter(d -> "vigil".equals(d.getSpec().getTemplate().getMetadata().getLabels().get("app")))
        .toList();
  }

  private static Container vigilContainer(Deployment deployment) {
    return deployment.getSpec().getTemplate().getSpec().getContainers().stream()
        .filter(c -> c.getName().equals("vigil")).findFirst()
        .orElseThrow(() -> new AssertionError(deployment.getMetadata().getName() + " has no vigil container"));
  }

  /** The node's environment as the kubelet will assemble it: ConfigMap keys, then env entries. */
  private static Map<String, EnvVar> environment(Manifests manifests, Deployment deployment) {
    Container container = vigilContainer(deployment);
    Map<String, EnvVar> env = new HashMap<>();
    container.getEnvFrom().forEach(source -> manifests
        .get(ConfigMap.class, deployment.getMetadata().getNamespace(), source.getConfigMapRef().getName())
        .getData().forEach((key, value) -> env.put(key, new EnvVar(key, value, null))));
    container.getEnv().forEach(var -> env.put(var.getName(), var));
    return env;
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void nodesDeclareTheirNamedPorts(String overlay) {
    for (Deployment node : nodes(Kustomize.render(overlay))) {
      Map<String, Integer> ports = vigilContainer(node).getPorts().stream()
          .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
      ports.forEach((name, port) -> assertEquals(NODE_PORTS.get(name), port,
          overlay + ": " + node.getMetadata().getName() + " port " + name));
      // bootstrap finds contact points through the port named management
      assertEquals(8558, ports.get("management"), overlay + ": " + node.getMetadata().getName());
      assertEquals(25520, ports.get("remoting"), overlay + ": " + node.getMetadata().getName());
      assertEquals(9095, ports.get("metrics"), overlay + ": " + node.getMetadata().getName());
    }
    Deployment controlPlane = Kustomize.render(overlay).get(Deployment.class, "vigil-system", "vigil");
    assertEquals(8080, vigilContainer(controlPlane).getPorts().stream()
        .filter(p -> p.getName().equals("http")).findFirst().orElseThrow().getContainerPort());
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void probesHitManagementOnTheRightPaths(String overlay) {
    for (Deployment node : nodes(Kustomize.render(overlay))) {
      Container vigil = vigilContainer(node);
      String where = overlay + ": " + node.getMetadata().getName();
      assertProbe(where + " liveness", vigil.getLivenessProbe(), "/alive");
      assertProbe(where + " readiness", vigil.getReadinessProbe(), "/ready");
      assertProbe(where + " startup", vigil.getStartupProbe(), "/alive");
      assertTrue(vigil.getReadinessProbe().getPeriodSeconds() < vigil.getLivenessProbe().getPeriodSeconds(),
          where + ": readiness must be checked more often than liveness");
      // liveness may not kill a node that is still starting: the startup probe covers at least a minute
      Probe startup = vigil.getStartupProbe();
      assertTrue(startup.getPeriodSeconds() * startup.getFailureThreshold() >= 60, where + " startup budget");
    }
  }

  private static void assertProbe(String where, Probe probe, String path) {
    assertNotNull(probe, where + " probe missing");
    assertNotNull(probe.getHttpGet(), where + " is not an HTTP probe");
    assertEquals(path, probe.getHttpGet().getPath(), where + " path");
    assertEquals("management", probe.getHttpGet().getPort().getStrVal(), where + " port");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyContainerHasRequestsAndLimitsWithinEachOther(String overlay) {
    for (Workload workload : Workload.of(Kustomize.render(overlay))) {
      List<Container> containers = new ArrayList<>(workload.spec().getContainers());
      if (workload.spec().getInitContainers() != null) {
        containers.addAll(workload.spec().getInitContainers());
      }
      for (Container container : containers) {
        assertResources(overlay + ": " + workload.name() + "/" + container.getName(), container);
      }
    }
  }

  static void assertResources(String where, Container container) {
    assertNotNull(container.getResources(), where + " has no resources");
    Map<String, Quantity> requests = container.getResources().getRequests();
    Map<String, Quantity> limits = container.getResources().getLimits();
    for (String resource : List.of("cpu", "memory")) {
      assertNotNull(requests == null ? null : requests.get(resource), where + " has no " + resource + " request");
      assertNotNull(limits == null ? null : limits.get(resource), where + " has no " + resource + " limit");
      assertTrue(requests.get(resource).compareTo(limits.get(resource)) <= 0,
          where + ": " + resource + " request above limit");
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void nodesHaveTimeToDrainAndSpreadAcrossMachines(String overlay) {
    for (Deployment node : nodes(Kustomize.render(overlay))) {
      String where = overlay + ": " + node.getMetadata().getName();
      var pod = node.getSpec().getTemplate().getSpec();
      // the node's drain takes up to ~40 s; SIGKILL must not cut it short
      assertTrue(pod.getTerminationGracePeriodSeconds() >= 55, where + " terminationGracePeriodSeconds");
      var antiAffinity = pod.getAffinity().getPodAntiAffinity();
      List<PodAffinityTerm> terms = new ArrayList<>();
      if (antiAffinity.getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
        terms.addAll(antiAffinity.getRequiredDuringSchedulingIgnoredDuringExecution());
      }
      if (antiAffinity.getPreferredDuringSchedulingIgnoredDuringExecution() != null) {
        antiAffinity.getPreferredDuringSchedulingIgnoredDuringExecution()
            .forEach(weighted -> terms.add(weighted.getPodAffinityTerm()));
      }
      assertTrue(terms.stream().anyMatch(term -> term.getTopologyKey().equals("kubernetes.io/hostname")
              && Workload.selects(term.getLabelSelector(), node.getSpec().getTemplate().getMetadata().getLabels())),
          where + ": no anti-affinity across nodes against its own pods");
    }
    Deployment controlPlane = Kustomize.render(overlay).get(Deployment.class, "vigil-system", "vigil");
    assertFalse(controlPlane.getSpec().getTemplate().getSpec().getAffinity().getPodAntiAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution().isEmpty(),
        overlay + ": two control-plane members on one machine would fall together");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void nodesGetEveryVariableTheyRead(String overlay) {
    Manifests manifests = Kustomize.render(overlay);
    for (Deployment node : nodes(manifests)) {
      String where = overlay + ": " + node.getMetadata().getName();
      Map<String, EnvVar> env = environment(manifests, node);
      Set<String> missing = NODE_ENVIRONMENT.stream().filter(name -> !env.containsKey(name))
          .collect(Collectors.toCollection(java.util.TreeSet::new));
      assertTrue(missing.isEmpty(), where + " lacks " + missing);

      assertEquals("kubernetes", value(env, "VIGIL_PROFILE"));
      for (String host : List.of("VIGIL_HTTP_HOST", "VIGIL_MANAGEMENT_HOST", "VIGIL_METRICS_HOST")) {
        assertEquals("0.0.0.0", value(env, host), where + " " + host);
      }
      assertEquals("8080", value(env, "VIGIL_HTTP_PORT"));
      assertEquals("8558", value(env, "VIGIL_MANAGEMENT_PORT"));
      assertEquals("9095", value(env, "VIGIL_METRICS_PORT"));
      assertEquals("25520", value(env, "VIGIL_REMOTING_PORT"));
      assertEquals("status.podIP", env.get("VIGIL_REMOTING_HOST").getValueFrom().getFieldRef().getFieldPath());
      assertEquals("metadata.namespace", env.get("VIGIL_POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath());
      for (String secret : List.of("VIGIL_DB_URL", "VIGIL_DB_USER", "VIGIL_DB_PASSWORD", "VIGIL_BOOTSTRAP_ADMIN_KEY")) {
        assertNotNull(env.get(secret).getValueFrom(), where + " " + secret + " must come from the Secret");
        assertNotNull(env.get(secret).getValueFrom().getSecretKeyRef(), where + " " + secret);
      }
      for (String role : value(env, "VIGIL_CLUSTER_ROLES").split(",")) {
        assertTrue(Set.of("gateway", "entities", "policy", "scanner").contains(role), where + " role " + role);
      }
      for (String flag : List.of("VIGIL_SCANNER_ENABLED", "VIGIL_SENTINEL_ENABLED")) {
        assertTrue(Set.of("true", "false").contains(value(env, flag)), where + " " + flag);
      }
      // the node's discovery selects app.kubernetes.io/name=<service name> (cluster's kubernetes.conf);
      // app=<service name>, Pekko's default selector, is carried too so either works
      Map<String, String> podLabels = node.getSpec().getTemplate().getMetadata().getLabels();
      for (String label : BOOTSTRAP_LABELS) {
        assertEquals(value(env, "VIGIL_SERVICE_NAME"), podLabels.get(label), where + " bootstrap label " + label);
      }
      assertEquals("vigil-agents", value(env, "VIGIL_AGENTS_NAMESPACE"));
      assertGatewayUrlPointsAtTheApiService(manifests, value(env, "VIGIL_JOB_GATEWAY_URL"), where);
    }
  }

  private static String value(Map<String, EnvVar> env, String name) {
    EnvVar var = env.get(name);
    assertNotNull(var, name);
    assertNotNull(var.getValue(), name + " has no literal value");
    return var.getValue();
  }

  private static void assertGatewayUrlPointsAtTheApiService(Manifests manifests, String url, String where) {
    URI uri = URI.create(url);
    String[] host = uri.getHost().split("\\.");
    Service api = manifests.get(Service.class, host[1], host[0]);
    assertEquals("ClusterIP", api.getSpec().getType() == null ? "ClusterIP" : api.getSpec().getType(), where);
    assertTrue(api.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == uri.getPort()),
        where + ": VIGIL_JOB_GATEWAY_URL port " + uri.getPort() + " is not a port of " + api.getMetadata().getName());
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void onlyNodePodsLookLikeContactPoints(String overlay) {
    Manifests manifests = Kustomize.render(overlay);
    Set<String> nodes = nodes(manifests).stream().map(d -> d.getMetadata().getName()).collect(Collectors.toSet());
    for (Workload workload : Workload.of(manifests)) {
      if (workload.namespace().equals("vigil-system") && !nodes.contains(workload.name())) {
        for (String label : BOOTSTRAP_LABELS) {
          assertFalse("vigil".equals(workload.labels().get(label)),
              overlay + ": " + workload.name() + " carries " + label + "=vigil and would be taken for a cluster node");
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("productionOverlays")
  void productionRunsThreeNodesAndKeepsTwo(String overlay) {
    Manifests manifests = Kustomize.render(overlay);
    Deployment controlPlane = manifests.get(Deployment.class, "vigil-system", "vigil");
    assertEquals(3, controlPlane.getSpec().getReplicas(), overlay + " replicas");
    assertEquals("2", value(environment(manifests, controlPlane), "VIGIL_REQUIRED_CONTACT_POINTS"));

    PodDisruptionBudget pdb = manifests.get(PodDisruptionBudget.class, "vigil-system", "vigil");
    assertEquals(2, pdb.getSpec().getMinAvailable().getIntVal(), overlay + " PDB minAvailable");
    assertTrue(Workload.selects(pdb.getSpec().getSelector(), controlPlane.getSpec().getTemplate().getMetadata().getLabels()),
        overlay + ": the PDB must cover the control plane");

    HorizontalPodAutoscaler hpa = manifests.get(HorizontalPodAutoscaler.class, "vigil-system", "vigil");
    assertTrue(hpa.getSpec().getMinReplicas() >= 3, overlay + ": autoscaling may not go below three");
    assertTrue(hpa.getSpec().getMaxReplicas() > hpa.getSpec().getMinReplicas());
    MetricSpec latency = hpa.getSpec().getMetrics().stream().filter(m -> m.getType().equals("Pods"))
        .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no Pods metric"));
    assertEquals("vigil_policy_evaluation_p95_seconds", latency.getPods().getMetric().getName());
    // scale before the 50 ms alert fires
    assertTrue(latency.getPods().getTarget().getAverageValue().compareTo(new Quantity("50m")) < 0,
        overlay + ": latency target " + latency.getPods().getTarget().getAverageValue());
    assertTrue(hpa.getSpec().getMetrics().stream().anyMatch(m -> m.getType().equals("Resource")
        && m.getResource().getName().equals("cpu")), overlay + ": CPU is the second signal");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void aRollingUpdateNeverTakesMoreThanOneNode(String overlay) {
    Deployment controlPlane = Kustomize.render(overlay).get(Deployment.class, "vigil-system", "vigil");
    var rolling = controlPlane.getSpec().getStrategy().getRollingUpdate();
    assertEquals(1, rolling.getMaxUnavailable().getIntVal(), overlay);
    // a surge pod could not be scheduled under required anti-affinity on a full node pool
    assertEquals(0, rolling.getMaxSurge().getIntVal(), overlay);
    // the next node is drained only once the new one has warmed up
    assertTrue(controlPlane.getSpec().getMinReadySeconds() != null && controlPlane.getSpec().getMinReadySeconds() >= 15,
        overlay + ": minReadySeconds " + controlPlane.getSpec().getMinReadySeconds());
  }
}

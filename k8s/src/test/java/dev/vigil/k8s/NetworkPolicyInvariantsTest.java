package dev.vigil.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyEgressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each NetworkPolicy selects exactly the pods it is meant for (the control plane, scanner
 * nodes, the migration Job, and investigation Jobs of each phase as JobTemplate renders
 * them), and together they allow only the traffic the design names.
 */
class NetworkPolicyInvariantsTest {

  private static final Set<String> PHASES = Set.of("shadow", "read-only", "limited-write", "autonomous");
  private static final Set<String> VIGIL_NODES = Set.of("vigil", "vigil-scanner");
  private static final Set<String> VIGIL_PODS = Set.of("vigil", "vigil-scanner", "vigil-migrate");
  private static final Set<String> AGENT_JOBS = PHASES.stream().map(p -> "investigation-" + p).collect(Collectors.toSet());

  /** Policy name to the workloads it must select (of those an overlay has); it must select no other. */
  private static final Map<String, Set<String>> SELECTS = Map.ofEntries(
      Map.entry("vigil-default-deny", VIGIL_PODS),
      Map.entry("vigil-ingress-api", Set.of("vigil")),
      Map.entry("vigil-ingress-monitoring", VIGIL_NODES),
      Map.entry("vigil-cluster-peers", VIGIL_NODES),
      Map.entry("vigil-egress-dns", VIGIL_PODS),
      Map.entry("vigil-egress-postgres", VIGIL_PODS),
      Map.entry("vigil-egress-vault", VIGIL_NODES),
      Map.entry("vigil-egress-kubernetes-api", VIGIL_NODES),
      Map.entry("agents-default-deny", AGENT_JOBS),
      Map.entry("agents-egress-vigil-api", AGENT_JOBS),
      Map.entry("agents-egress-kubernetes-api",
          Set.of("investigation-read-only", "investigation-limited-write", "investigation-autonomous")));

  static List<String> overlays() {
    return Kustomize.overlays();
  }

  /** The overlay's pods plus one investigation Job per phase, as the code will create them. */
  private static List<Workload> pods(Manifests manifests) {
    List<Workload> pods = new ArrayList<>(Workload.of(manifests));
    JobTemplate template = JobTemplate.load();
    for (String phase : PHASES) {
      pods.add(Workload.of(template.render(JobSpecInput.of(phase, phase, "registry.example/agent:1", "t"))));
    }
    return pods;
  }

  private static Set<String> selected(NetworkPolicy policy, List<Workload> pods) {
    return pods.stream()
        .filter(w -> w.namespace().equals(policy.getMetadata().getNamespace()))
        .filter(w -> Workload.selects(policy.getSpec().getPodSelector(), w.labels()))
        .map(Workload::name)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyPolicySelectsExactlyItsPods(String overlay) {
    Manifests manifests = Kustomize.render(overlay);
    List<Workload> pods = pods(manifests);
    Set<String> present = pods.stream().map(Workload::name).collect(Collectors.toSet());
    assertEquals(SELECTS.keySet(), manifests.all(NetworkPolicy.class).stream()
        .map(p -> p.getMetadata().getName()).collect(Collectors.toSet()), overlay + ": the set of policies");
    for (NetworkPolicy policy : manifests.all(NetworkPolicy.class)) {
      Set<String> expected = new TreeSet<>(SELECTS.get(policy.getMetadata().getName()));
      expected.retainAll(present);
      assertEquals(expected, selected(policy, pods), overlay + ": " + policy.getMetadata().getName());
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void bothNamespacesDenyByDefault(String overlay) {
    Manifests manifests = Kustomize.render(overlay);
    for (String namespace : List.of("vigil-system", "vigil-agents")) {
      NetworkPolicy deny = manifests.all(NetworkPolicy.class).stream()
          .filter(p -> p.getMetadata().getNamespace().equals(namespace))
          .filter(p -> isEmpty(p.getSpec().getPodSelector().getMatchLabels())
              && isEmpty(p.getSpec().getPodSelector().getMatchExpressions()))
          .findFirst().orElseThrow(() -> new AssertionError(overlay + ": no default deny in " + namespace));
      assertEquals(Set.of("Ingress", "Egress"), Set.copyOf(deny.getSpec().getPolicyTypes()), overlay + " " + namespace);
      assertTrue(deny.getSpec().getIngress().isEmpty() && deny.getSpec().getEgress().isEmpty(),
          overlay + ": the default deny in " + namespace + " allows something");
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void theControlPlaneReachesOnlyItsDependencies(String overlay) {
    Manifests manifests = Kustomize.render(overlay);
    List<Workload> pods = pods(manifests);
    Workload controlPlane = pods.stream().filter(w -> w.name().equals("vigil")).findFirst().orElseThrow();
    Set<Integer> ports = new TreeSet<>();
    for (NetworkPolicyEgressRule rule : egressRulesFor(manifests, controlPlane)) {
      assertFalse(rule.getTo().isEmpty(), overlay + ": an egress rule with no destination allows everywhere");
      assertFalse(rule.getPorts().isEmpty(), overlay + ": an egress rule with no ports allows every port");
      for (NetworkPolicyPeer peer : rule.getTo()) {
        if (peer.getIpBlock() != null) {
          assertFalse(overlay.startsWith("production") && peer.getIpBlock().getCidr().endsWith("/0"),
              overlay + ": production egress to " + peer.getIpBlock().getCidr());
        }
      }
      rule.getPorts().forEach(port -> ports.add(portNumber(port.getPort())));
    }
    // peers (remoting, management), DNS, PostgreSQL, Vault, the Kubernetes API
    assertEquals(new TreeSet<>(List.of(25520, 8558, 53, 5432, 8200, 443, 6443)), ports, overlay);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void onlyTheApiIsOpenAndOnlyMonitoringReachesMetrics(String overlay) {
    Manifests manifests = Kustomize.render(overlay);
    List<Workload> pods = pods(manifests);
    for (Workload node : pods.stream().filter(w -> VIGIL_NODES.contains(w.name())).toList()) {
      for (NetworkPolicyIngressRule rule : ingressRulesFor(manifests, node)) {
        Set<String> ports = rule.getPorts().stream().map(p -> p.getPort().getStrVal()).collect(Collectors.toSet());
        if (rule.getFrom() == null || rule.getFrom().isEmpty()) {
          assertEquals(Set.of("http"), ports, overlay + ": only the API is open to any caller");
          continue;
        }
        for (NetworkPolicyPeer peer : rule.getFrom()) {
          boolean fromMonitoring = peer.getPodSelector() == null && peer.getNamespaceSelector() != null
              && "monitoring".equals(peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"));
          boolean fromPeers = peer.getNamespaceSelector() == null && peer.getPodSelector() != null
              && "vigil".equals(peer.getPodSelector().getMatchLabels().get("app"));
          assertTrue(fromMonitoring || fromPeers, overlay + ": unexpected ingress source " + peer);
          if (ports.contains("metrics")) {
            assertTrue(fromMonitoring, overlay + ": metrics reachable from " + peer);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void agentsReachOnlyTheVigilApiAndKubernetesOnlyWithRights(String overlay) {
    Manifests manifests = Kustomize.render(overlay);
    List<Workload> pods = pods(manifests);
    Workload controlPlane = pods.stream().filter(w -> w.name().equals("vigil")).findFirst().orElseThrow();
    int apiPort = controlPlane.spec().getContainers().get(0).getPorts().stream()
        .filter(p -> p.getName().equals("http")).findFirst().orElseThrow().getContainerPort();
    for (Workload job : pods.stream().filter(w -> AGENT_JOBS.contains(w.name())).toList()) {
      assertTrue(ingressRulesFor(manifests, job).isEmpty(), overlay + ": nothing may connect to " + job.name());
      boolean reachesApi = false;
      Set<Integer> ports = new TreeSet<>();
      for (NetworkPolicyEgressRule rule : egressRulesFor(manifests, job)) {
        assertFalse(rule.getTo().isEmpty() || rule.getPorts().isEmpty(), overlay + ": open egress for " + job.name());
        rule.getPorts().forEach(port -> ports.add(portNumber(port.getPort())));
        for (NetworkPolicyPeer peer : rule.getTo()) {
          if (peer.getPodSelector() != null && peer.getNamespaceSelector() != null
              && "vigil-system".equals(peer.getNamespaceSelector().getMatchLabels().get("kubernetes.io/metadata.name"))) {
            assertTrue(Workload.selects(peer.getPodSelector(), controlPlane.labels()), overlay + ": API peer");
            assertEquals(List.of(apiPort), rule.getPorts().stream().map(p -> portNumber(p.getPort())).toList());
            reachesApi = true;
          }
        }
      }
      assertTrue(reachesApi, overlay + ": " + job.name() + " cannot reach the Vigil API");
      boolean shadow = job.name().endsWith("shadow");
      Set<Integer> expected = shadow ? Set.of(apiPort, 53) : Set.of(apiPort, 53, 443, 6443);
      assertEquals(new TreeSet<>(expected), ports, overlay + ": " + job.name() + " egress ports");
    }
  }

  private static List<NetworkPolicyEgressRule> egressRulesFor(Manifests manifests, Workload pod) {
    return policiesFor(manifests, pod, "Egress").stream().flatMap(p -> p.getSpec().getEgress().stream()).toList();
  }

  private static List<NetworkPolicyIngressRule> ingressRulesFor(Manifests manifests, Workload pod) {
    return policiesFor(manifests, pod, "Ingress").stream().flatMap(p -> p.getSpec().getIngress().stream()).toList();
  }

  private static List<NetworkPolicy> policiesFor(Manifests manifests, Workload pod, String type) {
    return manifests.all(NetworkPolicy.class).stream()
        .filter(p -> p.getMetadata().getNamespace().equals(pod.namespace()))
        .filter(p -> p.getSpec().getPolicyTypes().contains(type))
        .filter(p -> Workload.selects(p.getSpec().getPodSelector(), pod.labels()))
        .toList();
  }

  private static boolean isEmpty(Object mapOrList) {
    return mapOrList == null
        || (mapOrList instanceof Map<?, ?> map && map.isEmpty())
        || (mapOrList instanceof List<?> list && list.isEmpty());
  }

  /** Egress ports name numbers (the destination's names are not ours to rely on). */
  private static int portNumber(IntOrString port) {
    assertNotNull(port, "a rule port without a number allows every port");
    assertNotNull(port.getIntVal(), "egress to a named port " + port.getStrVal() + " depends on the destination");
    return port.getIntVal();
  }
}

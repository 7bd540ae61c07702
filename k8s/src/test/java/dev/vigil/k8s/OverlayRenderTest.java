package dev.vigil.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every overlay renders with kubectl kustomize, every object parses as its typed model with
 * no unknown field, and the objects hang together the way a schema validator (kubeconform)
 * plus a careful reviewer would check: names, namespaces, selectors, references.
 */
class OverlayRenderTest {

  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding");
  private static final Set<String> NAMESPACES = Set.of("vigil-system", "vigil-agents", "vigil-agent-workspace");
  private static final Pattern DNS_SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

  static List<String> overlays() {
    return Kustomize.overlays();
  }

  @Test
  void theExpectedOverlaysExist() {
    assertTrue(overlays().containsAll(List.of("dev", "production")), "overlays: " + overlays());
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void rendersAndEveryObjectIsTyped(String overlay) {
    Manifests manifests = Kustomize.render(overlay);
    assertFalse(manifests.objects().isEmpty(), overlay + " rendered nothing");
    for (HasMetadata object : manifests.objects()) {
      if (object instanceof GenericKubernetesResource generic) {
        String group = generic.getApiVersion().split("/")[0];
        assertTrue(Manifests.CUSTOM_RESOURCE_GROUPS.contains(group),
            overlay + ": " + generic.getKind() + " parsed as generic but is not a known custom resource");
      }
    }
    assertEquals(3, manifests.all(Namespace.class).size(), overlay + ": namespaces");
    assertEquals(1, manifests.all(Deployment.class).stream()
        .filter(d -> d.getMetadata().getName().equals("vigil")).count(), overlay + ": control plane Deployment");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyObjectIsNamedAndNamespacedCorrectly(String overlay) {
    Set<String> seen = new HashSet<>();
    for (HasMetadata object : Kustomize.render(overlay).objects()) {
      String name = object.getMetadata().getName();
      String namespace = object.getMetadata().getNamespace();
      String id = object.getKind() + " " + namespace + "/" + name;
      assertNotNull(name, overlay + ": unnamed " + object.getKind());
      assertTrue(name.length() <= 253 && DNS_SUBDOMAIN.matcher(name).matches(), overlay + ": bad name " + id);
      assertTrue(seen.add(object.getApiVersion() + " " + id), overlay + ": duplicate " + id);
      if (CLUSTER_SCOPED.contains(object.getKind())) {
        assertNull(namespace, overlay + ": cluster-scoped " + id + " has a namespace");
      } else if (object.getKind().equals("ConfigMap") && name.startsWith("prometheus-adapter")) {
        assertEquals("monitoring", namespace, overlay + ": " + id + " belongs next to the adapter");
      } else {
        assertTrue(namespace != null && NAMESPACES.contains(namespace), overlay + ": " + id + " namespace");
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void workloadSelectorsMatchTheirPodTemplates(String overlay) {
    Manifests manifests = Kustomize.render(overlay);
    for (Deployment deployment : manifests.all(Deployment.class)) {
      Map<String, String> podLabels = deployment.getSpec().getTemplate().getMetadata().getLabels();
      assertTrue(Workload.selects(deployment.getSpec().getSelector(), podLabels),
          overlay + ": Deployment " + deployment.getMetadata().getName() + " selector misses its pods");
      for (Deployment other : manifests.all(Deployment.class)) {
        if (other != deployment && other.getMetadata().getNamespace().equals(deployment.getMetadata().getNamespace())) {
          assertFalse(Workload.selects(deployment.getSpec().getSelector(),
                  other.getSpec().getTemplate().getMetadata().getLabels()),
              overlay + ": Deployment " + deployment.getMetadata().getName() + " would adopt "
                  + other.getMetadata().getName() + "'s pods");
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void servicesSelectPodsThatServeTheirTargetPorts(String overlay) {
    Manifests manifests = Kustomize.render(overlay);
    List<Workload> workloads = Workload.of(manifests);
    for (Service service : manifests.all(Service.class)) {
      List<Workload> selected = workloads.stream()
          .filter(w -> w.namespace().equals(service.getMetadata().getNamespace()))
          .filter(w -> Workload.selects(service.getSpec().getSelector(), w.labels()))
          .toList();
      assertFalse(selected.isEmpty(), overlay + ": Service " + service.getMetadata().getName() + " selects no pods");
      for (Workload workload : selected) {
        Set<String> portNames = new HashSet<>();
        workload.spec().getContainers().forEach(c -> c.getPorts().forEach(p -> portNames.add(p.getName())));
        service.getSpec().getPorts().forEach(port -> assertTrue(portNames.contains(port.getTargetPort().getStrVal()),
            overlay + ": Service " + service.getMetadata().getName() + " targets port "
                + port.getTargetPort() + " that " + workload.name() + " does not name"));
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void referencedObjectsExist(String overlay) {
    Manifests manifests = Kustomize.render(overlay);
    for (Workload workload : Workload.of(manifests)) {
      String where = overlay + ": " + workload.kind() + " " + workload.name();
      String account = workload.spec().getServiceAccountName();
      assertNotNull(account, where + " names no ServiceAccount");
      manifests.get(ServiceAccount.class, workload.namespace(), account);
      for (Container container : workload.spec().getContainers()) {
        for (EnvFromSource source : container.getEnvFrom() == null ? List.<EnvFromSource>of() : container.getEnvFrom()) {
          assertNotNull(source.getConfigMapRef(), where + ": envFrom only from ConfigMaps (secrets by key)");
          manifests.get(ConfigMap.class, workload.namespace(), source.getConfigMapRef().getName());
        }
        for (EnvVar env : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
          if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
            assertEquals("vigil-secrets", env.getValueFrom().getSecretKeyRef().getName(),
                where + ": " + env.getName() + " comes from the one documented Secret");
          }
        }
      }
    }
    for (PodDisruptionBudget pdb : manifests.all(PodDisruptionBudget.class)) {
      assertTrue(Workload.of(manifests).stream().anyMatch(w -> Workload.selects(pdb.getSpec().getSelector(), w.labels())),
          overlay + ": PodDisruptionBudget " + pdb.getMetadata().getName() + " selects no pods");
    }
    for (HorizontalPodAutoscaler hpa : manifests.all(HorizontalPodAutoscaler.class)) {
      assertEquals("Deployment", hpa.getSpec().getScaleTargetRef().getKind());
      manifests.get(Deployment.class, hpa.getMetadata().getNamespace(), hpa.getSpec().getScaleTargetRef().getName());
    }
    for (RoleBinding binding : manifests.all(RoleBinding.class)) {
      String roleName = binding.getRoleRef().getName();
      if (binding.getRoleRef().getKind().equals("Role")) {
        manifests.get(Role.class, binding.getMetadata().getNamespace(), roleName);
      } else {
        manifests.get(ClusterRole.class, null, roleName);
      }
      binding.getSubjects().forEach(s -> manifests.get(ServiceAccount.class, s.getNamespace(), s.getName()));
    }
    assertTrue(manifests.all(ClusterRoleBinding.class).isEmpty(), overlay + ": nothing is granted cluster-wide");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void noSecretObjectIsShipped(String overlay) {
    assertTrue(Kustomize.render(overlay).all(Secret.class).isEmpty(),
        overlay + ": Secrets are created by the platform team (README), never committed");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyPlaceholderAddressWasReplaced(String overlay) {
    String yaml = Kustomize.renderYaml(overlay);
    assertFalse(yaml.contains("192.0.2."), overlay + ": a NetworkPolicy still holds the base's placeholder address");
    assertFalse(yaml.contains("vigil-network-endpoints"), overlay + ": the local-config endpoints leaked into the output");
  }

  @Test
  void strictParsingRejectsAMisspelledField() {
    String typo = """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: x, namespace: vigil-system}
        spec:
          template:
            spec:
              containers:
                - name: vigil
                  imagePullPolicy: IfNotPresent
                  readinesProbe: {httpGet: {path: /ready, port: management}}
        """;
    AssertionError error = assertThrows(AssertionError.class, () -> Manifests.parse("typo", typo));
    assertTrue(error.getMessage().contains("readinesProbe"), error.getMessage());
  }

  @Test
  void strictParsingRejectsAnUnknownKind() {
    String unknown = "apiVersion: apps/v1\nkind: Deploymnet\nmetadata: {name: x}\n";
    assertThrows(AssertionError.class, () -> Manifests.parse("unknown", unknown));
  }

  @Test
  void aMissingKubectlFailsWithAClearMessage() {
    AssertionError error = assertThrows(AssertionError.class,
        () -> Kustomize.locateKubectl(Map.of("PATH", Path.of("/nonexistent-dir").toString())));
    assertTrue(error.getMessage().contains("kubectl not found"), error.getMessage());
    AssertionError badOverride = assertThrows(AssertionError.class,
        () -> Kustomize.locateKubectl(Map.of("KUBECTL", "/nonexistent-dir/kubectl")));
    assertTrue(badOverride.getMessage().contains("KUBECTL="), badOverride.getMessage());
  }

  @Test
  void kubectlIsFoundOnThisMachine() {
    try {
      assertTrue(Kustomize.locateKubectl(System.getenv()).toFile().canExecute());
    } catch (AssertionError e) {
      fail(e.getMessage());
    }
  }
}

package dev.vigil.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.Subject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every ServiceAccount has exactly the rights it is meant to have, computed the way the API
 * server would: all bindings naming it, resolved to their rules, expanded to
 * namespace/group/resource/verb. The expected sets are written out here on purpose: a
 * change to RBAC must change this specification too.
 */
class RbacInvariantsTest {

  private static final String WORKSPACE = "vigil-agent-workspace";

  private static final Set<String> VIGIL_RIGHTS = rights(
      "vigil-system  core  pods  get list watch",
      "vigil-agents  batch jobs  create get list watch delete",
      "vigil-agents  core  pods  get list watch");

  private static final Set<String> READ_ONLY = rights(
      WORKSPACE + " core  pods pods/log services endpoints configmaps events  get list watch",
      WORKSPACE + " apps  deployments replicasets statefulsets daemonsets  get list watch",
      WORKSPACE + " batch jobs cronjobs  get list watch");

  private static final Set<String> LIMITED_WRITE = union(READ_ONLY, rights(
      WORKSPACE + " core  pods  delete",
      WORKSPACE + " core  configmaps  create update patch",
      WORKSPACE + " apps  deployments/scale statefulsets/scale  update patch"));

  private static final Set<String> AUTONOMOUS = union(LIMITED_WRITE, rights(
      WORKSPACE + " core  services configmaps  create update patch delete",
      WORKSPACE + " apps  deployments statefulsets  create update patch delete",
      WORKSPACE + " batch jobs cronjobs  create update patch delete"));

  private static final Map<String, Set<String>> AGENT_RIGHTS = Map.of(
      "agent-phase-shadow", Set.of(),
      "agent-phase-read-only", READ_ONLY,
      "agent-phase-limited-write", LIMITED_WRITE,
      "agent-phase-autonomous", AUTONOMOUS);

  private static final Set<String> NEVER_FOR_AGENTS = Set.of(
      "secrets", "pods/exec", "pods/attach", "pods/portforward", "serviceaccounts", "serviceaccounts/token",
      "roles", "rolebindings", "clusterroles", "clusterrolebindings", "networkpolicies", "namespaces");

  static List<String> overlays() {
    return Kustomize.overlays();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void vigilMayBootstrapAndRunJobsAndNothingMore(String overlay) {
    Manifests manifests = Kustomize.render(overlay);
    assertEquals(VIGIL_RIGHTS, effectiveRights(manifests, "vigil-system", "vigil"), overlay);
    assertTrue(manifests.get(ServiceAccount.class, "vigil-system", "vigil").getAutomountServiceAccountToken(),
        overlay + ": Vigil needs its token for the Kubernetes API and Vault's Kubernetes auth");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyAgentPhaseHasExactlyItsRights(String overlay) {
    Manifests manifests = Kustomize.render(overlay);
    AGENT_RIGHTS.forEach((account, expected) -> {
      Set<String> actual = effectiveRights(manifests, "vigil-agents", account);
      assertEquals(new TreeSet<>(expected), new TreeSet<>(actual), overlay + ": " + account);
      boolean hasRights = !expected.isEmpty();
      assertEquals(hasRights, manifests.get(ServiceAccount.class, "vigil-agents", account).getAutomountServiceAccountToken(),
          overlay + ": " + account + " mounts a token exactly when it has rights to use");
      for (String right : actual) {
        String resource = right.split(" ")[2];
        assertFalse(NEVER_FOR_AGENTS.contains(resource), overlay + ": " + account + " may " + right);
        assertFalse(right.startsWith("vigil-agents ") || right.startsWith("vigil-system "),
            overlay + ": " + account + " may act where investigations or Vigil run: " + right);
      }
    });
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void phasesOnlyEverGainRights(String overlay) {
    Manifests manifests = Kustomize.render(overlay);
    List<String> ladder = List.of("agent-phase-shadow", "agent-phase-read-only", "agent-phase-limited-write",
        "agent-phase-autonomous");
    for (int i = 1; i < ladder.size(); i++) {
      Set<String> lower = effectiveRights(manifests, "vigil-agents", ladder.get(i - 1));
      Set<String> higher = effectiveRights(manifests, "vigil-agents", ladder.get(i));
      assertTrue(higher.containsAll(lower) && higher.size() > lower.size(),
          overlay + ": " + ladder.get(i) + " must hold strictly more than " + ladder.get(i - 1));
    }
  }

  /** namespace group resource verb, for every right the account holds; '*' anywhere fails. */
  static Set<String> effectiveRights(Manifests manifests, String namespace, String account) {
    Set<String> rights = new TreeSet<>();
    for (RoleBinding binding : manifests.all(RoleBinding.class)) {
      if (!names(binding.getSubjects(), namespace, account)) {
        continue;
      }
      String bindingNamespace = binding.getMetadata().getNamespace();
      List<PolicyRule> rules = binding.getRoleRef().getKind().equals("Role")
          ? manifests.get(Role.class, bindingNamespace, binding.getRoleRef().getName()).getRules()
          : manifests.get(ClusterRole.class, null, binding.getRoleRef().getName()).getRules();
      rules.forEach(rule -> expand(bindingNamespace, rule, rights));
    }
    for (ClusterRoleBinding binding : manifests.all(ClusterRoleBinding.class)) {
      if (names(binding.getSubjects(), namespace, account)) {
        manifests.get(ClusterRole.class, null, binding.getRoleRef().getName()).getRules()
            .forEach(rule -> expand("*", rule, rights));
      }
    }
    return rights;
  }

  private static boolean names(List<Subject> subjects, String namespace, String account) {
    return subjects.stream().anyMatch(s -> s.getKind().equals("ServiceAccount")
        && s.getName().equals(account) && namespace.equals(s.getNamespace()));
  }

  private static void expand(String namespace, PolicyRule rule, Set<String> into) {
    assertTrue(rule.getNonResourceURLs() == null || rule.getNonResourceURLs().isEmpty(), "non-resource URLs");
    assertTrue(rule.getResourceNames() == null || rule.getResourceNames().isEmpty(),
        "resourceNames would narrow a right this test reads as whole");
    for (String group : rule.getApiGroups()) {
      for (String resource : rule.getResources()) {
        for (String verb : rule.getVerbs()) {
          assertFalse(group.equals("*") || resource.equals("*") || verb.equals("*"), "wildcard in " + rule);
          into.add(namespace + " " + (group.isEmpty() ? "core" : group) + " " + resource + " " + verb);
        }
      }
    }
  }

  /** "namespace group resource... verb..." where resources contain no verb names. */
  private static Set<String> rights(String... lines) {
    Set<String> verbs = Set.of("get", "list", "watch", "create", "update", "patch", "delete");
    Set<String> rights = new TreeSet<>();
    for (String line : lines) {
      String[] words = line.trim().split("\\s+");
      List<String> resources = Stream.of(words).skip(2).filter(w -> !verbs.contains(w)).toList();
      List<String> lineVerbs = Stream.of(words).skip(2).filter(verbs::contains).toList();
      for (String resource : resources) {
        for (String verb : lineVerbs) {
          rights.add(words[0] + " " + words[1] + " " + resource + " " + verb);
        }
      }
    }
    return rights;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    return Stream.concat(a.stream(), b.stream()).collect(Collectors.toCollection(TreeSet::new));
  }
}

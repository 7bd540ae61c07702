package dev.vigil.k8s;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A pod the manifests (or the investigation Job template) will run: where, with which
 * labels and spec. Tests match selectors against these, as Kubernetes would.
 */
record Workload(String kind, String name, String namespace, Map<String, String> labels, PodSpec spec) {

  static List<Workload> of(Manifests manifests) {
    List<Workload> workloads = new ArrayList<>();
    manifests.all(Deployment.class).forEach(d -> workloads.add(from(d.getKind(), d.getMetadata().getName(),
        d.getMetadata().getNamespace(), d.getSpec().getTemplate())));
    manifests.all(StatefulSet.class).forEach(d -> workloads.add(from(d.getKind(), d.getMetadata().getName(),
        d.getMetadata().getNamespace(), d.getSpec().getTemplate())));
    manifests.all(DaemonSet.class).forEach(d -> workloads.add(from(d.getKind(), d.getMetadata().getName(),
        d.getMetadata().getNamespace(), d.getSpec().getTemplate())));
    manifests.all(Job.class).forEach(j -> workloads.add(of(j)));
    return workloads;
  }

  static Workload of(Job job) {
    return from(job.getKind(), job.getMetadata().getName(), job.getMetadata().getNamespace(),
        job.getSpec().getTemplate());
  }

  private static Workload from(String kind, String name, String namespace, PodTemplateSpec template) {
    Map<String, String> labels = template.getMetadata() == null || template.getMetadata().getLabels() == null
        ? Map.of() : template.getMetadata().getLabels();
    return new Workload(kind, name, namespace, labels, template.getSpec());
  }

  /** Kubernetes' label selector semantics: matchLabels and matchExpressions all hold; empty selects all. */
  static boolean selects(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    if (selector.getMatchLabels() != null) {
      for (Map.Entry<String, String> wanted : selector.getMatchLabels().entrySet()) {
        if (!wanted.getValue().equals(labels.get(wanted.getKey()))) {
          return false;
        }
      }
    }
    if (selector.getMatchExpressions() != null) {
      for (LabelSelectorRequirement requirement : selector.getMatchExpressions()) {
        String value = labels.get(requirement.getKey());
        boolean ok = switch (requirement.getOperator()) {
          case "In" -> value != null && requirement.getValues().contains(value);
          case "NotIn" -> value == null || !requirement.getValues().contains(value);
          case "Exists" -> value != null;
          case "DoesNotExist" -> value == null;
          default -> throw new AssertionError("unknown selector operator " + requirement.getOperator());
        };
        if (!ok) {
          return false;
        }
      }
    }
    return true;
  }

  /** A Service's selector: a plain map, all of it must match. */
  static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    return selector != null && !selector.isEmpty()
        && selector.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }
}

package dev.vigil.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ServiceMonitor and PrometheusRule have no fabric8 model, so their fields are checked by
 * hand here: the monitor scrapes a Service that exposes metrics, the alerts cover what the
 * issue lists, and the Prometheus adapter rule serves the metric the autoscaler asks for.
 */
class MonitoringInvariantsTest {

  /** Alert purpose to a pattern its expression must match. */
  private static final Map<String, Pattern> REQUIRED_ALERTS = Map.of(
      "pod restarts", Pattern.compile("kube_pod_container_status_restarts_total"),
      "OOMKilled", Pattern.compile("reason=\"OOMKilled\""),
      "p95 over 50 ms", Pattern.compile("histogram_quantile\\(0\\.95,.*vigil_policy_evaluation_seconds_bucket.*\\)\\s*>\\s*0\\.05"),
      "lease revocation failures", Pattern.compile("vigil_lease_revocation_failures_total"),
      "unreachable database", Pattern.compile("vigil_database_up.*==\\s*0"),
      "cluster unreachable members", Pattern.compile("vigil_cluster_unreachable_members.*>\\s*0"));

  static List<String> monitoredOverlays() {
    return Kustomize.overlays().stream()
        .filter(overlay -> !Kustomize.render(overlay).custom("ServiceMonitor").isEmpty())
        .toList();
  }

  @ParameterizedTest
  @MethodSource("monitoredOverlays")
  void serviceMonitorScrapesTheMetricsPort(String overlay) {
    Manifests manifests = Kustomize.render(overlay);
    GenericKubernetesResource monitor = manifests.custom("ServiceMonitor").get(0);
    assertEquals("monitoring.coreos.com/v1", monitor.getApiVersion());
    Map<String, Object> spec = monitor.get("spec");
    Map<String, String> selector = monitor.get("spec", "selector", "matchLabels");
    List<String> namespaces = monitor.get("spec", "namespaceSelector", "matchNames");
    List<Map<String, Object>> endpoints = monitor.get("spec", "endpoints");
    assertNotNull(spec, overlay);
    List<Service> scraped = manifests.all(Service.class).stream()
        .filter(s -> namespaces.contains(s.getMetadata().getNamespace()))
        .filter(s -> Workload.selects(selector, s.getMetadata().getLabels()))
        .toList();
    assertEquals(1, scraped.size(), overlay + ": the ServiceMonitor must select exactly one Service");
    assertEquals("metrics", endpoints.get(0).get("port"));
    assertEquals("/metrics", endpoints.get(0).get("path"));
    assertTrue(scraped.get(0).getSpec().getPorts().stream().anyMatch(p -> p.getName().equals("metrics")),
        overlay + ": " + scraped.get(0).getMetadata().getName() + " has no metrics port");
  }

  @SuppressWarnings("unchecked") // the generic resource is untyped YAML: maps and lists all the way down
  @ParameterizedTest
  @MethodSource("monitoredOverlays")
  void alertsCoverWhatAnOperatorMustActOn(String overlay) {
    GenericKubernetesResource rule = Kustomize.render(overlay).custom("PrometheusRule").get(0);
    List<Map<String, Object>> groups = rule.get("spec", "groups");
    List<Map<String, Object>> alerts = new ArrayList<>();
    groups.forEach(group -> alerts.addAll((List<Map<String, Object>>) group.get("rules")));
    for (Map<String, Object> alert : alerts) {
      assertNotNull(alert.get("alert"), overlay + ": a rule without an alert name");
      assertNotNull(((Map<String, Object>) alert.get("labels")).get("severity"), overlay + ": " + alert.get("alert"));
      assertNotNull(((Map<String, Object>) alert.get("annotations")).get("summary"), overlay + ": " + alert.get("alert"));
    }
    REQUIRED_ALERTS.forEach((purpose, pattern) -> assertTrue(
        alerts.stream().anyMatch(a -> pattern.matcher(String.valueOf(a.get("expr")).replace('\n', ' ')).find()),
        overlay + ": no alert on " + purpose));
  }

  @ParameterizedTest
  @MethodSource("monitoredOverlays")
  void theAdapterServesTheMetricTheAutoscalerUses(String overlay) throws Exception {
    Manifests manifests = Kustomize.render(overlay);
    ConfigMap rules = manifests.get(ConfigMap.class, "monitoring", "prometheus-adapter-vigil-rules");
    JsonNode config = new YAMLMapper().readTree(rules.getData().get("config.yaml"));
    JsonNode rule = config.path("rules").get(0);
    assertNotNull(rule, overlay + ": no adapter rule");
    HorizontalPodAutoscaler hpa = manifests.get(HorizontalPodAutoscaler.class, "vigil-system", "vigil");
    String metric = hpa.getSpec().getMetrics().stream().filter(m -> m.getType().equals("Pods")).findFirst()
        .orElseThrow().getPods().getMetric().getName();
    assertEquals(metric, rule.path("name").path("as").asText(), overlay + ": HPA and adapter disagree");
    assertTrue(rule.path("seriesQuery").asText().startsWith("vigil_policy_evaluation_seconds_bucket"));
    assertTrue(rule.path("metricsQuery").asText().contains("histogram_quantile(0.95,"));
    assertEquals("pod", rule.path("resources").path("overrides").path("pod").path("resource").asText(),
        overlay + ": a Pods metric must be per pod");
    assertFalse(rule.path("metricsQuery").asText().contains("vigil-system"),
        overlay + ": the adapter fills in the namespace itself");
  }
}

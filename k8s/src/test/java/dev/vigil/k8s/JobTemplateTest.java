package dev.vigil.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Capabilities;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The investigation Job template has every field the investigation issue lists, and
 * {@link JobTemplate#render} applies one investigation's values to a fresh copy without
 * ever changing the template.
 */
@EnableKubernetesMockClient(crud = true)
class JobTemplateTest {

  private static final JobTemplate TEMPLATE = JobTemplate.load();

  KubernetesClient client;

  private static Container agent(Job job) {
    List<Container> containers = job.getSpec().getTemplate().getSpec().getContainers();
    assertEquals(1, containers.size(), "one container");
    assertEquals("agent", containers.get(0).getName());
    return containers.get(0);
  }

  private static Map<String, String> env(Job job) {
    return agent(job).getEnv().stream()
        .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue, (a, b) -> b, LinkedHashMap::new));
  }

  private static JobSpecInput full(String phase) {
    return new JobSpecInput("3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f", phase, "registry.example/agents/triage:2.1",
        List.of("python", "-m", "triage"), List.of("--max-steps", "40"), Map.of("MODEL", "small", "LOG_LEVEL", "info"),
        1200, "750m", "2Gi", "3", "6Gi", "http://vigil-api.vigil-system.svc.cluster.local:8080", "tok-123");
  }

  @Test
  void theTemplateHasTheFieldsTheIssueLists() {
    Job job = TEMPLATE.template();
    assertEquals("batch/v1", job.getApiVersion());
    assertEquals("vigil-agents", job.getMetadata().getNamespace());
    assertTrue(job.getMetadata().getName().startsWith("investigation-"));
    for (Map<String, String> labels : List.of(job.getMetadata().getLabels(),
        job.getSpec().getTemplate().getMetadata().getLabels())) {
      assertEquals("vigil", labels.get("app.kubernetes.io/managed-by"));
      assertTrue(labels.containsKey("investigation-id"));
      assertTrue(labels.containsKey("trust-phase"));
    }
    assertEquals(0, job.getSpec().getBackoffLimit());
    assertEquals(900L, job.getSpec().getActiveDeadlineSeconds());
    assertEquals(3600, job.getSpec().getTtlSecondsAfterFinished());
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertEquals("Never", pod.getRestartPolicy());
    assertEquals("agent-phase-shadow", pod.getServiceAccountName(), "the default is the least trusted phase");
    assertFalse(pod.getAutomountServiceAccountToken());
    assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
    assertTrue(pod.getSecurityContext().getRunAsNonRoot());

    Container agent = agent(job);
    assertEquals(new Quantity("500m"), agent.getResources().getRequests().get("cpu"));
    assertEquals(new Quantity("1Gi"), agent.getResources().getRequests().get("memory"));
    assertEquals(new Quantity("2"), agent.getResources().getLimits().get("cpu"));
    assertEquals(new Quantity("4Gi"), agent.getResources().getLimits().get("memory"));
    assertEquals(List.of("INVESTIGATION_ID", "VIGIL_GATEWAY_URL", "VIGIL_BOOTSTRAP_TOKEN"),
        List.copyOf(env(job).keySet()));
    SecurityContext security = agent.getSecurityContext();
    assertTrue(security.getRunAsNonRoot());
    assertTrue(security.getReadOnlyRootFilesystem());
    assertFalse(security.getAllowPrivilegeEscalation());
    assertFalse(security.getPrivileged());
    assertEquals(List.of("ALL"), security.getCapabilities().getDrop());
    assertEquals("RuntimeDefault", security.getSeccompProfile().getType());
  }

  @Test
  void theTemplateParsesStrictly() throws Exception {
    try (var in = JobTemplate.class.getResourceAsStream(JobTemplate.RESOURCE)) {
      String yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      Manifests parsed = Manifests.parse("template", yaml);
      assertEquals(1, parsed.all(Job.class).size());
    }
  }

  @Test
  void renderAppliesEveryInput() {
    Job job = TEMPLATE.render(full("limited-write"));
    String id = "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f";
    assertEquals("investigation-" + id, job.getMetadata().getName());
    for (Map<String, String> labels : List.of(job.getMetadata().getLabels(),
        job.getSpec().getTemplate().getMetadata().getLabels())) {
      assertEquals(id, labels.get("investigation-id"));
      assertEquals("limited-write", labels.get("trust-phase"));
      assertEquals("vigil", labels.get("app.kubernetes.io/managed-by"));
    }
    assertEquals(1200L, job.getSpec().getActiveDeadlineSeconds());
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertEquals("agent-phase-limited-write", pod.getServiceAccountName());
    assertTrue(pod.getAutomountServiceAccountToken());
    Container agent = agent(job);
    assertEquals("registry.example/agents/triage:2.1", agent.getImage());
    assertEquals(List.of("python", "-m", "triage"), agent.getCommand());
    assertEquals(List.of("--max-steps", "40"), agent.getArgs());
    assertEquals(new Quantity("750m"), agent.getResources().getRequests().get("cpu"));
    assertEquals(new Quantity("2Gi"), agent.getResources().getRequests().get("memory"));
    assertEquals(new Quantity("3"), agent.getResources().getLimits().get("cpu"));
    assertEquals(new Quantity("6Gi"), agent.getResources().getLimits().get("memory"));
    Map<String, String> env = env(job);
    assertEquals(id, env.get("INVESTIGATION_ID"));
    assertEquals("http://vigil-api.vigil-system.svc.cluster.local:8080", env.get("VIGIL_GATEWAY_URL"));
    assertEquals("tok-123", env.get("VIGIL_BOOTSTRAP_TOKEN"));
    assertEquals("small", env.get("MODEL"));
    assertEquals("info", env.get("LOG_LEVEL"));
    assertEquals(5, env.size());
    // untouched template fields survive
    assertEquals(0, job.getSpec().getBackoffLimit());
    assertEquals("Never", pod.getRestartPolicy());
    assertEquals(List.of("ALL"), agent.getSecurityContext().getCapabilities().getDrop());
  }

  @Test
  void nullsKeepTheTemplateDefaults() {
    Job job = TEMPLATE.render(JobSpecInput.of("abc123", "shadow", "registry.example/agent:1", "tok"));
    Job template = TEMPLATE.template();
    assertEquals(900L, job.getSpec().getActiveDeadlineSeconds());
    assertEquals(agent(template).getResources(), agent(job).getResources());
    assertTrue(agent(job).getCommand() == null || agent(job).getCommand().isEmpty(), "the image's entrypoint runs");
    assertEquals(env(template).get("VIGIL_GATEWAY_URL"), env(job).get("VIGIL_GATEWAY_URL"));
    assertEquals("abc123", env(job).get("INVESTIGATION_ID"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"shadow", "read-only", "limited-write", "autonomous"})
  void theTokenIsMountedOnlyForPhasesWithKubernetesRights(String phase) {
    Job job = TEMPLATE.render(JobSpecInput.of("x1", phase, "registry.example/agent:1", "tok"));
    PodSpec pod = job.getSpec().getTemplate().getSpec();
    assertEquals("agent-phase-" + phase, pod.getServiceAccountName());
    assertEquals(!phase.equals("shadow"), pod.getAutomountServiceAccountToken());
    // the account the Job names exists in every overlay, with the same token choice
    for (String overlay : Kustomize.overlays()) {
      ServiceAccount account = Kustomize.render(overlay).get(ServiceAccount.class, "vigil-agents", pod.getServiceAccountName());
      assertEquals(pod.getAutomountServiceAccountToken(), account.getAutomountServiceAccountToken(), overlay);
    }
  }

  @Test
  void renderReturnsAFreshDeepCopyEachTime() {
    Job first = TEMPLATE.render(full("autonomous"));
    Job second = TEMPLATE.render(full("autonomous"));
    assertEquals(first, second);
    assertNotSame(first.getSpec(), second.getSpec());
    agent(first).getEnv().clear();
    first.getMetadata().getLabels().put("tampered", "yes");
    agent(first).getResources().getLimits().put("memory", new Quantity("64Gi"));
    agent(first).getSecurityContext().setCapabilities(new Capabilities(List.of("NET_ADMIN"), List.of()));

    Job third = TEMPLATE.render(full("autonomous"));
    assertEquals(second, third, "changing a rendered Job must not reach the template");
    Job template = TEMPLATE.template();
    assertFalse(template.getMetadata().getLabels().containsKey("tampered"));
    assertEquals(new Quantity("4Gi"), agent(template).getResources().getLimits().get("memory"));
    assertEquals("agent-phase-shadow", template.getSpec().getTemplate().getSpec().getServiceAccountName());
  }

  @Test
  void invalidInputIsRejectedNamingTheField() {
    Map<String, JobSpecInput> bad = new LinkedHashMap<>();
    bad.put("investigationId", JobSpecInput.of("Has_Upper", "shadow", "img:1", "t"));
    bad.put("investigationId ", JobSpecInput.of("a".repeat(50), "shadow", "img:1", "t"));
    bad.put("trust phase", JobSpecInput.of("ok1", "root", "img:1", "t"));
    bad.put("image", JobSpecInput.of("ok1", "shadow", " ", "t"));
    bad.put("bootstrapToken", JobSpecInput.of("ok1", "shadow", "img:1", null));
    bad.put("VIGIL_BOOTSTRAP_TOKEN", withEnv(Map.of("VIGIL_BOOTSTRAP_TOKEN", "other")));
    bad.put("env name", withEnv(Map.of("BAD-NAME", "x")));
    bad.put("cpuRequest", withResources("lots", null));
    bad.put("memory request", withResources(null, "8Gi"));
    bad.put("activeDeadlineSeconds", new JobSpecInput("ok1", "shadow", "img:1", null, null, null, -5,
        null, null, null, null, null, "t"));
    bad.forEach((field, input) -> {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TEMPLATE.render(input), field);
      assertTrue(e.getMessage().contains(field.trim()), field + " not named in: " + e.getMessage());
    });
  }

  private static JobSpecInput withEnv(Map<String, String> env) {
    return new JobSpecInput("ok1", "shadow", "img:1", null, null, env, 0, null, null, null, null, null, "t");
  }

  private static JobSpecInput withResources(String cpuRequest, String memoryRequest) {
    return new JobSpecInput("ok1", "shadow", "img:1", null, null, null, 0, cpuRequest, memoryRequest,
        null, null, null, "t");
  }

  @Test
  void aTemplateWithoutTheAgentContainerIsRefused() {
    String yaml = """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: investigation-x}
        spec:
          template:
            spec:
              containers: [{name: sidecar, image: x}]
        """;
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> JobTemplate.fromYaml(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))));
    assertTrue(e.getMessage().contains("agent"), e.getMessage());
  }

  @Test
  void aRenderedJobRoundTripsThroughTheApiAndIsFoundByItsLabels() {
    Job job = TEMPLATE.render(full("read-only"));
    client.batch().v1().jobs().inNamespace("vigil-agents").resource(job).create();
    List<Job> found = client.batch().v1().jobs().inNamespace("vigil-agents")
        .withLabel("app.kubernetes.io/managed-by", "vigil")
        .withLabel("investigation-id", "3f2a9c1e-7b4d-4e8a-9c0f-1a2b3c4d5e6f")
        .list().getItems();
    assertEquals(1, found.size());
    assertEquals(job.getSpec().getTemplate().getSpec(), found.get(0).getSpec().getTemplate().getSpec());
  }
}

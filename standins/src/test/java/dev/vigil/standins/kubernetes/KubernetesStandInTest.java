package dev.vigil.standins.kubernetes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The Kubernetes stand-in as a client sees it: a plain fabric8 client pointed at its master URL (as a Vigil node is)
 * creates Jobs and watches them go through the statuses the Job controller writes; finished Jobs are deleted after
 * their TTL; {@code activeDeadlineSeconds} fails a Job with {@code DeadlineExceeded}; the listener sees each Job's
 * environment once, when it is created and when it starts.
 */
class KubernetesStandInTest {

  static final String NAMESPACE = "vigil-agents";
  static final Duration RUN_TIME = Duration.ofMillis(1500);

  static KubernetesStandIn standIn;
  static KubernetesClient client;
  static final Map<String, String> tokensAtStart = new ConcurrentHashMap<>();
  static final List<String> created = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start() {
    standIn = KubernetesStandIn.start(KubernetesStandInSettings.defaults().withStartDelay(Duration.ofMillis(300))
        .withRunTime(RUN_TIME).withTick(Duration.ofMillis(50)), new JobListener() {
          @Override
          public void created(Job job) {
            created.add(job.getMetadata().getName());
          }

          @Override
          public void started(Job job) {
            job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
                .filter(e -> e.getName().equals("VIGIL_BOOTSTRAP_TOKEN"))
                .forEach(e -> tokensAtStart.merge(job.getMetadata().getName(), e.getValue(), (a, b) -> a + "," + b));
          }
        });
    client = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(standIn.masterUrl())
        .withNamespace(NAMESPACE).build()).build();
  }

  @AfterAll
  static void stop() {
    if (client != null) {
      client.close();
    }
    if (standIn != null) {
      standIn.close();
    }
  }

  static Job job(String investigationId, Long activeDeadlineSeconds, Integer ttlSecondsAfterFinished) {
    return new JobBuilder().withNewMetadata().withName("investigation-" + investigationId).withNamespace(NAMESPACE)
        .addToLabels("app.kubernetes.io/managed-by", "vigil").addToLabels(JobView.INVESTIGATION_ID_LABEL, investigationId)
        .endMetadata()
        .withNewSpec().withBackoffLimit(0).withActiveDeadlineSeconds(activeDeadlineSeconds)
        .withTtlSecondsAfterFinished(ttlSecondsAfterFinished)
        .withNewTemplate().withNewSpec().withRestartPolicy("Never").addNewContainer().withName("agent")
        .withImage("example/agent:1").addNewEnv().withName("VIGIL_BOOTSTRAP_TOKEN").withValue("token-of-" + investigationId)
        .endEnv().endContainer().endSpec().endTemplate().endSpec().build();
  }

  static Job get(String name) {
    return client.batch().v1().jobs().inNamespace(NAMESPACE).withName(name).get();
  }

  static Optional<JobCondition> condition(Job job, String type) {
    if (job == null || job.getStatus() == null || job.getStatus().getConditions() == null) {
      return Optional.empty();
    }
    return job.getStatus().getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst();
  }

  @Test
  void aJobStartsCompletesAndIsDeletedAfterItsTtl() {
    List<String> watched = new CopyOnWriteArrayList<>();
    SharedIndexInformer<Job> informer = client.batch().v1().jobs().inNamespace(NAMESPACE)
        .withLabel(JobView.INVESTIGATION_ID_LABEL, "complete-1").inform(new ResourceEventHandler<>() {
          @Override
          public void onAdd(Job job) {
            record(job);
          }

          @Override
          public void onUpdate(Job before, Job job) {
            record(job);
          }

          @Override
          public void onDelete(Job job, boolean finalStateUnknown) {
            watched.add("deleted");
          }

          private void record(Job job) {
            var s = job.getStatus();
            String phase = s == null ? "pending" : condition(job, "Complete").isPresent() ? "complete"
                : Integer.valueOf(1).equals(s.getActive()) ? "active" : "pending";
            if (watched.isEmpty() || !watched.get(watched.size() - 1).equals(phase)) {
              watched.add(phase);
            }
          }
        });
    try {
      client.batch().v1().jobs().inNamespace(NAMESPACE).resource(job("complete-1", null, 1)).create();
      String name = "investigation-complete-1";

      await().atMost(Duration.ofSeconds(5)).until(() -> {
        Job j = get(name);
        return j != null && j.getStatus() != null && Integer.valueOf(1).equals(j.getStatus().getActive());
      });
      Job running = get(name);
      assertNotNull(running.getStatus().getStartTime(), "a started Job has a startTime");
      assertTrue(condition(running, "Complete").isEmpty(), "not complete while running");
      assertEquals("token-of-complete-1", tokensAtStart.get(name), "the listener saw the pod's environment once");

      await().atMost(Duration.ofSeconds(5)).until(() -> condition(get(name), "Complete").isPresent());
      Job done = get(name);
      assertEquals(1, done.getStatus().getSucceeded());
      assertEquals(0, done.getStatus().getActive());
      assertNotNull(done.getStatus().getCompletionTime());
      JobView view = standIn.jobOf("complete-1").orElseThrow();
      assertEquals(JobView.Phase.SUCCEEDED, view.phase());
      Duration ran = Duration.between(view.startedAt(), view.finishedAt());
      assertTrue(ran.compareTo(RUN_TIME) >= 0 && ran.compareTo(RUN_TIME.plusSeconds(1)) < 0,
          "ran for the configured run time: " + ran);

      // ttlSecondsAfterFinished = 1: the controller deletes it about a second after it finished
      // the API server forgets the Job a moment before the controller records that its delete call returned
      await().atMost(Duration.ofSeconds(5)).until(() -> get(name) == null);
      await().atMost(Duration.ofSeconds(5)).until(() -> !standIn.jobOf("complete-1").orElseThrow().exists());
      JobView gone = standIn.jobOf("complete-1").orElseThrow();
      assertEquals(JobView.Deletion.TTL, gone.deletedBy());
      assertTrue(Duration.between(gone.finishedAt(), gone.deletedAt()).compareTo(Duration.ofSeconds(1)) >= 0,
          "not deleted before its TTL: " + gone);

      // a watching client (as Vigil's informers are) saw every step, in order
      await().atMost(Duration.ofSeconds(5)).until(() -> watched.contains("deleted"));
      assertEquals(List.of("pending", "active", "complete", "deleted"), watched);
      assertEquals(1, created.stream().filter(name::equals).count(), "created reported once");
    } finally {
      informer.close();
    }
  }

  @Test
  void activeDeadlineSecondsFailsTheJobWithDeadlineExceeded() {
    // the deadline (1 s) is shorter than the run time (1.5 s): Failed, never Complete
    client.batch().v1().jobs().inNamespace(NAMESPACE).resource(job("deadline-1", 1L, null)).create();
    String name = "investigation-deadline-1";
    await().atMost(Duration.ofSeconds(5)).until(() -> condition(get(name), "Failed").isPresent());
    Job failed = get(name);
    assertEquals("DeadlineExceeded", condition(failed, "Failed").orElseThrow().getReason());
    assertEquals(1, failed.getStatus().getFailed());
    assertTrue(condition(failed, "Complete").isEmpty());
    JobView view = standIn.jobOf("deadline-1").orElseThrow();
    assertEquals(JobView.Phase.FAILED, view.phase());
    assertEquals("DeadlineExceeded", view.reason());
    // no TTL: it stays until someone deletes it
    await().during(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).until(() -> get(name) != null);
    assertTrue(standIn.jobOf("deadline-1").orElseThrow().exists());
  }

  @Test
  void aJobDeletedByAClientIsRecordedAndNotMovedAnyFurther() {
    client.batch().v1().jobs().inNamespace(NAMESPACE).resource(job("deleted-1", null, null)).create();
    String name = "investigation-deleted-1";
    await().atMost(Duration.ofSeconds(5)).until(() -> standIn.jobOf("deleted-1").map(JobView::phase)
        .orElse(null) == JobView.Phase.RUNNING);
    client.batch().v1().jobs().inNamespace(NAMESPACE).withName(name).delete();
    await().atMost(Duration.ofSeconds(5)).until(() -> !standIn.jobOf("deleted-1").orElseThrow().exists());
    // past its run time it is still gone, and its record still says running: nobody completed a deleted Job
    await().during(RUN_TIME.plusMillis(300)).atMost(RUN_TIME.plusSeconds(2)).until(() -> get(name) == null);
    JobView view = standIn.jobOf("deleted-1").orElseThrow();
    assertEquals(JobView.Deletion.CLIENT, view.deletedBy());
    assertEquals(JobView.Phase.RUNNING, view.phase());
    assertNull(view.finishedAt());
  }
}

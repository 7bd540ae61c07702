package dev.vigil.standins.kubernetes.internal;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vigil.standins.kubernetes.JobListener;
import dev.vigil.standins.kubernetes.JobView;
import dev.vigil.standins.kubernetes.KubernetesStandInSettings;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The Job controller and kubelet of the Kubernetes stand-in, as far as Vigil needs them: an informer on every Job in
 * the mock API server (a direct client, never through a drill's relay) and a loop that, every tick, writes what the
 * real controllers would: {@code active = 1} and {@code startTime} once a Job's start delay passed; then either
 * {@code Complete} ({@code succeeded = 1}) after the run time, or {@code Failed} with reason {@code DeadlineExceeded}
 * ({@code failed = 1}) when {@code activeDeadlineSeconds} after {@code startTime} comes first; and deletes a finished
 * Job {@code ttlSecondsAfterFinished} after it finished. Suspended Jobs stay pending. No pods are created: Vigil reads
 * the Job's own status. A write that fails (the Job was deleted meanwhile, a conflict) is tried again at the next tick.
 */
public final class JobController implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(JobController.class);

  private final KubernetesClient client;
  private final KubernetesStandInSettings settings;
  private final JobListener listener;
  /** uid -> what the controller knows; records of deleted Jobs are kept for {@link #jobs()}. */
  private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
  private final ScheduledExecutorService loop;
  private final SharedIndexInformer<Job> informer;

  private JobController(KubernetesClient client, KubernetesStandInSettings settings, JobListener listener) {
    this.client = client;
    this.settings = settings;
    this.listener = listener;
    this.loop = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "k8s-standin-job-controller");
      t.setDaemon(true);
      return t;
    });
    this.informer = client.batch().v1().jobs().inAnyNamespace().inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(Job job) {
        seen(job);
      }

      @Override
      public void onUpdate(Job before, Job job) {
        seen(job);
      }

      @Override
      public void onDelete(Job job, boolean finalStateUnknown) {
        Tracked t = tracked.get(uid(job));
        if (t != null) {
          t.deleted(Instant.now());
        }
      }
    }, 0);
  }

  /** Starts watching the API server {@code client} talks to and moving its Jobs. */
  public static JobController start(KubernetesClient client, KubernetesStandInSettings settings, JobListener listener) {
    JobController controller = new JobController(client, settings, listener);
    long tickMillis = settings.tick().toMillis();
    controller.loop.scheduleWithFixedDelay(controller::tickQuietly, tickMillis, tickMillis, TimeUnit.MILLISECONDS);
    return controller;
  }

  /** Every Job seen so far, oldest first. */
  public List<JobView> jobs() {
    List<JobView> views = new ArrayList<>();
    for (Tracked t : tracked.values()) {
      views.add(t.view());
    }
    views.sort(Comparator.comparing(JobView::createdAt).thenComparing(JobView::name));
    return views;
  }

  private void seen(Job job) {
    String uid = uid(job);
    Tracked fresh = new Tracked(job, Instant.now());
    Tracked existing = tracked.putIfAbsent(uid, fresh);
    if (existing == null) {
      notify(job, listener::created);
    } else {
      existing.latest(job);
    }
  }

  private static String uid(Job job) {
    String uid = job.getMetadata().getUid();
    // the mock assigns a uid on create; without one, name + creation time tell incarnations apart
    return uid != null ? uid
        : job.getMetadata().getNamespace() + "/" + job.getMetadata().getName() + "@" + job.getMetadata().getCreationTimestamp();
  }

  private void tickQuietly() {
    try {
      tick(Instant.now());
    } catch (RuntimeException e) {
      log.warn("Kubernetes stand-in: controller tick failed: {}", e.toString());
    }
  }

  private void tick(Instant now) {
    for (Tracked t : tracked.values()) {
      JobView view = t.view();
      if (!view.exists()) {
        continue;
      }
      switch (view.phase()) {
        case PENDING -> {
          if (!t.suspended() && !now.isBefore(view.createdAt().plus(settings.startDelay()))) {
            start(t, now);
          }
        }
        case RUNNING -> {
          Duration deadline = t.activeDeadline();
          if (deadline != null && deadline.compareTo(settings.runTime()) <= 0) {
            if (!now.isBefore(view.startedAt().plus(deadline))) {
              fail(t, now, "DeadlineExceeded", "Job was active longer than specified deadline");
            }
          } else if (!now.isBefore(view.startedAt().plus(settings.runTime()))) {
            complete(t, now);
          }
        }
        case SUCCEEDED, FAILED -> {
          Duration ttl = t.ttlAfterFinished();
          if (ttl != null && !now.isBefore(view.finishedAt().plus(ttl))) {
            deleteExpired(t, now);
          }
        }
        default -> throw new IllegalStateException("unknown phase " + view.phase());
      }
    }
  }

  private void start(Tracked t, Instant now) {
    JobStatus status = new JobStatusBuilder().withActive(1).withReady(1).withStartTime(timestamp(now)).build();
    if (writeStatus(t, status)) {
      t.started(now);
      notify(t.job(), listener::started);
    }
  }

  private void complete(Tracked t, Instant now) {
    JobStatus status = new JobStatusBuilder().withActive(0).withReady(0).withSucceeded(1)
        .withStartTime(timestamp(t.view().startedAt())).withCompletionTime(timestamp(now))
        .withConditions(
            new JobConditionBuilder().withType("SuccessCriteriaMet").withStatus("True").withReason("CompletionsReached")
                .withMessage("Reached expected number of succeeded pods").withLastTransitionTime(timestamp(now)).build(),
            new JobConditionBuilder().withType("Complete").withStatus("True").withReason("CompletionsReached")
                .withMessage("Reached expected number of succeeded pods").withLastTransitionTime(timestamp(now)).build())
        .build();
    if (writeStatus(t, status)) {
      t.finished(now, JobView.Phase.SUCCEEDED, "");
    }
  }

  private void fail(Tracked t, Instant now, String reason, String message) {
    JobStatus status = new JobStatusBuilder().withActive(0).withReady(0).withFailed(1)
        .withStartTime(timestamp(t.view().startedAt()))
        .withConditions(
            new JobConditionBuilder().withType("FailureTarget").withStatus("True").withReason(reason)
                .withMessage(message).withLastTransitionTime(timestamp(now)).build(),
            new JobConditionBuilder().withType("Failed").withStatus("True").withReason(reason)
                .withMessage(message).withLastTransitionTime(timestamp(now)).build())
        .build();
    if (writeStatus(t, status)) {
      t.finished(now, JobView.Phase.FAILED, reason);
    }
  }

  private boolean writeStatus(Tracked t, JobStatus status) {
    JobView view = t.view();
    try {
      Job updated = client.batch().v1().jobs().inNamespace(view.namespace()).withName(view.name()).editStatus(job -> {
        job.setStatus(status);
        return job;
      });
      t.latest(updated);
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        t.deleted(Instant.now()); // deleted before the informer said so
      } else {
        log.debug("Kubernetes stand-in: status of Job {}/{} not written ({}); next tick", view.namespace(),
            view.name(), e.toString());
      }
      return false;
    }
  }

  private void deleteExpired(Tracked t, Instant now) {
    JobView view = t.view();
    t.ttlExpired(); // before the call: the informer may report the deletion before it returns
    try {
      client.batch().v1().jobs().inNamespace(view.namespace()).withName(view.name()).delete();
      t.deleted(now);
    } catch (KubernetesClientException e) {
      log.debug("Kubernetes stand-in: Job {}/{} not deleted ({}); next tick", view.namespace(), view.name(),
          e.toString());
    }
  }

  private void notify(Job job, Consumer<Job> callback) {
    try {
      callback.accept(job);
    } catch (RuntimeException e) {
      log.warn("Kubernetes stand-in: Job listener failed on {}: {}", job.getMetadata().getName(), e.toString());
    }
  }

  private static String timestamp(Instant instant) {
    return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
  }

  @Override
  public void close() {
    loop.shutdownNow();
    informer.close();
    try {
      loop.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One Job incarnation: its latest object from the API and where the controller has moved it. */
  private static final class Tracked {
    private final String namespace;
    private final String name;
    private final String uid;
    private final Instant createdAt;
    private Job job;
    private JobView.Phase phase = JobView.Phase.PENDING;
    private String reason = "";
    private Instant startedAt;
    private Instant finishedAt;
    private Instant deletedAt;
    private JobView.Deletion deletedBy;
    private boolean ttlExpired;

    Tracked(Job job, Instant createdAt) {
      this.namespace = job.getMetadata().getNamespace();
      this.name = job.getMetadata().getName();
      this.uid = JobController.uid(job);
      this.createdAt = createdAt;
      this.job = job;
    }

    synchronized void latest(Job newer) {
      job = newer;
    }

    synchronized Job job() {
      return job;
    }

    synchronized boolean suspended() {
      return job.getSpec() != null && Boolean.TRUE.equals(job.getSpec().getSuspend());
    }

    synchronized Duration activeDeadline() {
      Long seconds = job.getSpec() == null ? null : job.getSpec().getActiveDeadlineSeconds();
      return seconds == null ? null : Duration.ofSeconds(seconds);
    }

    synchronized Duration ttlAfterFinished() {
      Integer seconds = job.getSpec() == null ? null : job.getSpec().getTtlSecondsAfterFinished();
      return seconds == null ? null : Duration.ofSeconds(seconds);
    }

    synchronized void started(Instant at) {
      phase = JobView.Phase.RUNNING;
      startedAt = at;
    }

    synchronized void finished(Instant at, JobView.Phase outcome, String why) {
      phase = outcome;
      reason = why;
      finishedAt = at;
    }

    synchronized void ttlExpired() {
      ttlExpired = true;
    }

    synchronized void deleted(Instant at) {
      if (deletedAt == null) {
        deletedAt = at;
        deletedBy = ttlExpired ? JobView.Deletion.TTL : JobView.Deletion.CLIENT;
      }
    }

    synchronized JobView view() {
      Map<String, String> labels = job.getMetadata().getLabels();
      String investigationId = labels == null ? null : labels.get(JobView.INVESTIGATION_ID_LABEL);
      return new JobView(namespace, name, uid, investigationId, phase, reason, createdAt, startedAt, finishedAt,
          deletedAt, deletedBy);
    }
  }
}

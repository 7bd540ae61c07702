package dev.vigil.k8s.jobs.internal;

import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vigil.k8s.JobTemplate;
import dev.vigil.k8s.jobs.JobObservation;
import dev.vigil.k8s.jobs.JobRunner;
import dev.vigil.k8s.jobs.JobStatusReader;
import dev.vigil.k8s.jobs.ObservationDeduplicator;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * {@link JobRunner} on the Kubernetes API through fabric8: Jobs are created in one namespace, a 409 on create adopts
 * the existing Job when it carries the same investation-id label, deletes use foreground propagation, and one Job
 * informer plus one pod informer (both filtered on {@code app.kubernetes.io/managed-by=vigil}) feed the watch.
 * The client blocks, so every call runs on the given executor.
 */
public final class Fabric8JobRunner implements JobRunner {

  private static final Logger log = LoggerFactory.getLogger(Fabric8JobRunner.class);

  private final KubernetesClient client;
  private final String namespace;
  private final Executor executor;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  public Fabric8JobRunner(KubernetesClient client, String namespace, Executor executor) {
    this.client = Objects.requireNonNull(client, "client");
    this.namespace = Objects.requireNonNull(namespace, "namespace");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  @Override
  public CompletionStage<Launch> launch(Job job) {
    return CompletableFuture.supplyAsync(() -> {
      job.getMetadata().setNamespace(namespace);
      try {
        client.batch().v1().jobs().inNamespace(namespace).resource(job).create();
        return Launch.CREATED;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT) {
          throw e;
        }
        Job existing = client.batch().v1().jobs().inNamespace(namespace).withName(job.getMetadata().getName()).get();
        String wanted = JobStatusReader.investigationId(job).orElse("");
        if (existing != null && wanted.equals(JobStatusReader.investigationId(existing).orElse(null))) {
          return Launch.ADOPTED;
        }
        throw new IllegalStateException("Job " + job.getMetadata().getName()
            + " exists but belongs to another investigation", e);
      }
    }, executor);
  }

  @Override
  public CompletionStage<Void> delete(String jobName) {
    return CompletableFuture.runAsync(() -> client.batch().v1().jobs().inNamespace(namespace).withName(jobName)
        .withPropagationPolicy(DeletionPropagation.FOREGROUND).delete(), executor);
  }

  @Override
  public CompletionStage<Optional<JobObservation>> lookup(String investigationId) {
    return CompletableFuture.supplyAsync(() -> {
      Job job = client.batch().v1().jobs().inNamespace(namespace).withName(JobTemplate.jobName(investigationId)).get();
      return Optional.ofNullable(job).map(found -> JobStatusReader.ofJob(investigationId, found));
    }, executor);
  }

  @Override
  public synchronized void watch(Consumer<JobObservation> listener) {
    ObservationDeduplicator deduplicated = new ObservationDeduplicator(listener);
    informers.add(client.batch().v1().jobs().inNamespace(namespace)
        .withLabel(JobTemplate.LABEL_MANAGED_BY, JobTemplate.MANAGED_BY_VIGIL)
        .runnableInformer(0).addEventHandler(new ResourceEventHandler<Job>() {
          @Override
          public void onAdd(Job job) {
            JobStatusReader.investigationId(job).ifPresent(id -> deduplicated.accept(JobStatusReader.ofJob(id, job)));
          }

          @Override
          public void onUpdate(Job before, Job job) {
            onAdd(job);
          }

          @Override
          public void onDelete(Job job, boolean finalStateUnknown) {
            JobStatusReader.investigationId(job).ifPresent(id -> deduplicated.accept(
                new JobObservation(id, JobTemplate.jobName(id), JobObservation.JobPhase.GONE, "Job deleted")));
          }
        }));
    informers.add(client.pods().inNamespace(namespace)
        .withLabel(JobTemplate.LABEL_MANAGED_BY, JobTemplate.MANAGED_BY_VIGIL)
        .runnableInformer(0).addEventHandler(new ResourceEventHandler<Pod>() {
          @Override
          public void onAdd(Pod pod) {
            JobStatusReader.investigationId(pod).flatMap(id -> JobStatusReader.ofPod(id, pod))
                .ifPresent(deduplicated);
          }

          @Override
          public void onUpdate(Pod before, Pod pod) {
            onAdd(pod);
          }

          @Override
          public void onDelete(Pod pod, boolean finalStateUnknown) {
            // the Job's own status says what happened; a deleted pod alone is not an ending
          }
        }));
    // started without blocking the caller (node start-up); an API server that is not reachable yet is retried with
    // the informer's own backoff instead of failing the node
    for (SharedIndexInformer<?> informer : informers.subList(informers.size() - 2, informers.size())) {
      informer.exceptionHandler((started, failure) -> {
        log.warn("Job watch in namespace {} failed ({}); retrying", namespace, failure.toString());
        return true;
      });
      informer.start();
    }
    log.info("Watching Vigil-managed Jobs and pods in namespace {}", namespace);
  }

  @Override
  public synchronized void close() {
    informers.forEach(SharedIndexInformer::close);
    informers.clear();
  }
}

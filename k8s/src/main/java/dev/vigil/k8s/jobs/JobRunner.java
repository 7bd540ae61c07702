package dev.vigil.k8s.jobs;

import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * Runs investigation Jobs: on Kubernetes through fabric8 ({@code internal.Fabric8JobRunner}), or as local processes
 * in the dev profile. Every call is asynchronous (the clients block, so implementations run them on their own
 * executor). Creation is idempotent: the Job name is deterministic, and an existing Job of the same investigation is
 * adopted rather than duplicated.
 */
public interface JobRunner extends AutoCloseable {

  /** Whether {@link #launch} created the Job or found it already there. */
  enum Launch { CREATED, ADOPTED }

  /** Creates the Job, or adopts the existing one carrying the same {@code investigation-id} label. */
  CompletionStage<Launch> launch(Job job);

  /** Deletes the Job with foreground propagation (its pods go first); completes normally if it is already gone. */
  CompletionStage<Void> delete(String jobName);

  /** The Job's current phase, or empty if it does not exist. */
  CompletionStage<Optional<JobObservation>> lookup(String investigationId);

  /**
   * Starts delivering status changes of every Vigil-managed Job to {@code listener} (one watch per node, filtered
   * on the managed-by label). Each distinct (phase, reason) of a Job is delivered once per runner.
   */
  void watch(Consumer<JobObservation> listener);

  @Override
  void close();
}

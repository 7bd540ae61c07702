package dev.vigil.standins.kubernetes;

import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * Sees the Jobs of a {@link KubernetesStandIn} as its controller moves them: a test or drill harness can read what a
 * real pod would get (its environment, e.g. a bootstrap token). Called on the controller's threads, at most once per
 * Job and method; an exception is logged and does not stop the controller.
 */
public interface JobListener {

  /** A Job appeared in the API (created by a client). */
  default void created(Job job) {}

  /** The Job's pod "runs" now: {@code status.active = 1} has been written. */
  default void started(Job job) {}

  /** Listens to nothing. */
  JobListener NONE = new JobListener() {};
}

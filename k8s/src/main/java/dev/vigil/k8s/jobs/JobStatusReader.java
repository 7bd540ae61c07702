package dev.vigil.k8s.jobs;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.vigil.k8s.JobTemplate;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;

/**
 * Reads a Job's or a pod's status null-safely into a {@link JobObservation}, the way the Job controller writes it:
 * conditions {@code Complete}/{@code Failed} (reason {@code DeadlineExceeded}, {@code BackoffLimitExceeded}), counters
 * {@code active}/{@code succeeded}/{@code failed}; a pod stuck on an image pull or unschedulable counts as failed.
 */
public final class JobStatusReader {

  /** Container waiting reasons that mean the agent will never start without a human. */
  static final Set<String> FATAL_WAITING = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName",
      "CreateContainerConfigError", "CreateContainerError", "ErrImageNeverPull");

  private JobStatusReader() {}

  public static Optional<String> investigationId(io.fabric8.kubernetes.api.model.HasMetadata resource) {
    if (resource == null || resource.getMetadata() == null || resource.getMetadata().getLabels() == null) {
      return Optional.empty();
    }
    return Optional.ofNullable(resource.getMetadata().getLabels().get(JobTemplate.LABEL_INVESTIGATION_ID));
  }

  public static JobObservation ofJob(String investigationId, Job job) {
    String name = JobTemplate.jobName(investigationId);
    JobStatus status = job.getStatus();
    if (status == null) {
      return new JobObservation(investigationId, name, JobObservation.JobPhase.PENDING, "");
    }
    for (JobCondition condition : nullSafe(status.getConditions())) {
      if (!"True".equalsIgnoreCase(condition.getStatus())) {
        continue;
      }
      if ("Complete".equals(condition.getType()) || "SuccessCriteriaMet".equals(condition.getType())) {
        return new JobObservation(investigationId, name, JobObservation.JobPhase.SUCCEEDED, "");
      }
      if ("Failed".equals(condition.getType()) || "FailureTarget".equals(condition.getType())) {
        String reason = condition.getReason() == null ? "Failed" : condition.getReason();
        return new JobObservation(investigationId, name, JobObservation.JobPhase.FAILED, reason);
      }
    }
    if (positive(status.getSucceeded())) {
      return new JobObservation(investigationId, name, JobObservation.JobPhase.SUCCEEDED, "");
    }
    if (positive(status.getFailed())) {
      return new JobObservation(investigationId, name, JobObservation.JobPhase.FAILED, "PodFailed");
    }
    if (positive(status.getActive()) || positive(status.getReady())) {
      return new JobObservation(investigationId, name, JobObservation.JobPhase.RUNNING, "");
    }
    return new JobObservation(investigationId, name, JobObservation.JobPhase.PENDING, "");
  }

  /** A pod's status when it says something the Job's does not: running, or never going to start. */
  public static Optional<JobObservation> ofPod(String investigationId, Pod pod) {
    String name = JobTemplate.jobName(investigationId);
    if (pod.getStatus() == null) {
      return Optional.empty();
    }
    for (PodCondition condition : nullSafe(pod.getStatus().getConditions())) {
      if ("PodScheduled".equals(condition.getType()) && "False".equalsIgnoreCase(condition.getStatus())
          && "Unschedulable".equals(condition.getReason())) {
        return Optional.of(new JobObservation(investigationId, name, JobObservation.JobPhase.FAILED,
            "pod: Unschedulable"));
      }
    }
    for (ContainerStatus container : nullSafe(pod.getStatus().getContainerStatuses())) {
      if (container.getState() != null && container.getState().getWaiting() != null
          && FATAL_WAITING.contains(container.getState().getWaiting().getReason())) {
        return Optional.of(new JobObservation(investigationId, name, JobObservation.JobPhase.FAILED,
            "pod: " + container.getState().getWaiting().getReason()));
      }
    }
    if ("Running".equals(pod.getStatus().getPhase())) {
      return Optional.of(new JobObservation(investigationId, name, JobObservation.JobPhase.RUNNING, ""));
    }
    return Optional.empty();
  }

  private static boolean positive(Integer value) {
    return value != null && value > 0;
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }
}

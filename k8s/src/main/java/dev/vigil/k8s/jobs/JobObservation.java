package dev.vigil.k8s.jobs;

/**
 * What Vigil learned about one investigation's Job: its phase and, when it ended badly, why. Delivered by a
 * {@link JobRunner}'s watch (informers) or by {@link JobRunner#lookup}.
 *
 * @param investigationId the {@code investigation-id} label
 * @param jobName         {@code investigation-<id>}
 * @param phase           where the Job is
 * @param reason          why it failed ({@code DeadlineExceeded}, {@code pod: ImagePullBackOff}, ...), else empty
 */
public record JobObservation(String investigationId, String jobName, JobPhase phase, String reason) {

  public JobObservation {
    reason = reason == null ? "" : reason;
  }

  /** Lifecycle of a Job as Vigil needs it. */
  public enum JobPhase {
    /** Created; no pod running yet. */
    PENDING,
    /** A pod runs the agent. */
    RUNNING,
    /** The agent exited 0. */
    SUCCEEDED,
    /** The agent failed, the pod could not start, or Kubernetes' deadline passed ({@code DeadlineExceeded}). */
    FAILED,
    /** The Job no longer exists. */
    GONE;

    public boolean ended() {
      return this == SUCCEEDED || this == FAILED || this == GONE;
    }
  }
}

package dev.vigil.standins.kubernetes;

import java.time.Instant;

/**
 * What the stand-in's Job controller knows about one Job it saw: a snapshot for tests and chaos drills (a real API
 * server forgets a deleted Job; the stand-in keeps its record).
 *
 * @param namespace       the Job's namespace
 * @param name            the Job's name
 * @param uid             {@code metadata.uid} (a Job re-created under the same name is another record)
 * @param investigationId the Job's {@code investigation-id} label, or null
 * @param phase           where the controller has moved it
 * @param reason          why it failed ({@code DeadlineExceeded}), else empty
 * @param createdAt       when the controller first saw it
 * @param startedAt       when its pod "started" ({@code status.startTime}), or null
 * @param finishedAt      when it completed or failed, or null
 * @param deletedAt       when it disappeared from the API, or null
 * @param deletedBy       who deleted it, or null while it exists
 */
public record JobView(
    String namespace,
    String name,
    String uid,
    String investigationId,
    Phase phase,
    String reason,
    Instant createdAt,
    Instant startedAt,
    Instant finishedAt,
    Instant deletedAt,
    Deletion deletedBy) {

  /** The label Vigil puts the investigation id in ({@code dev.vigil.k8s.JobTemplate.LABEL_INVESTIGATION_ID}). */
  public static final String INVESTIGATION_ID_LABEL = "investigation-id";

  /** Lifecycle of a Job as the stand-in's controller moves it. */
  public enum Phase { PENDING, RUNNING, SUCCEEDED, FAILED }

  /** Who removed a Job from the API. */
  public enum Deletion {
    /** A client's DELETE (Vigil ending an investigation, a test). */
    CLIENT,
    /** The controller, {@code ttlSecondsAfterFinished} after the Job finished. */
    TTL
  }

  public boolean exists() {
    return deletedAt == null;
  }
}

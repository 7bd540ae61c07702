package dev.vigil.k8s.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;

/** Job and pod statuses as the Job controller and kubelet write them, read null-safely; repeats de-duplicated. */
class JobStatusReaderTest {

  static Job job(io.fabric8.kubernetes.api.model.batch.v1.JobStatus status) {
    return new JobBuilder().withNewMetadata().withName("investigation-i1").endMetadata().withStatus(status).build();
  }

  @Test
  void jobPhasesFollowConditionsThenCounters() {
    assertEquals(JobObservation.JobPhase.PENDING, JobStatusReader.ofJob("i1", job(null)).phase());
    assertEquals(JobObservation.JobPhase.RUNNING,
        JobStatusReader.ofJob("i1", job(new JobStatusBuilder().withActive(1).build())).phase());
    assertEquals(JobObservation.JobPhase.SUCCEEDED, JobStatusReader.ofJob("i1", job(new JobStatusBuilder()
        .withConditions(new JobConditionBuilder().withType("Complete").withStatus("True").build()).build())).phase());
    JobObservation deadline = JobStatusReader.ofJob("i1", job(new JobStatusBuilder().withConditions(
        new JobConditionBuilder().withType("Failed").withStatus("True").withReason("DeadlineExceeded").build()).build()));
    assertEquals(JobObservation.JobPhase.FAILED, deadline.phase());
    assertEquals("DeadlineExceeded", deadline.reason());
  }

  @Test
  void podsThatCannotStartAreFailures() {
    var imagePull = new PodBuilder().withNewStatus().withPhase("Pending").withContainerStatuses(
        new ContainerStatusBuilder().withName("agent").withNewState().withNewWaiting().withReason("ImagePullBackOff")
            .endWaiting().endState().build()).endStatus().build();
    assertEquals("pod: ImagePullBackOff", JobStatusReader.ofPod("i1", imagePull).orElseThrow().reason());
    var unschedulable = new PodBuilder().withNewStatus().withPhase("Pending").withConditions(new PodConditionBuilder()
        .withType("PodScheduled").withStatus("False").withReason("Unschedulable").build()).endStatus().build();
    assertEquals("pod: Unschedulable", JobStatusReader.ofPod("i1", unschedulable).orElseThrow().reason());
    assertEquals(Optional.empty(), JobStatusReader.ofPod("i1",
        new PodBuilder().withNewStatus().withPhase("Pending").endStatus().build()));
  }

  @Test
  void repeatsAreDroppedAndAnEndingIsNotUndone() {
    List<JobObservation> seen = new ArrayList<>();
    ObservationDeduplicator dedup = new ObservationDeduplicator(seen::add);
    JobObservation running = new JobObservation("i1", "investigation-i1", JobObservation.JobPhase.RUNNING, "");
    JobObservation failed = new JobObservation("i1", "investigation-i1", JobObservation.JobPhase.FAILED, "pod: ErrImagePull");
    dedup.accept(running);
    dedup.accept(running);
    dedup.accept(failed);
    dedup.accept(running);
    assertEquals(List.of(running, failed), seen);
  }
}

package dev.vigil.k8s.jobs;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Passes on an observation only when it differs from the last one passed for the same investigation, so informer
 * resyncs and repeated updates do not reach the entities as news. Thread-safe.
 */
public final class ObservationDeduplicator implements Consumer<JobObservation> {

  private final ConcurrentHashMap<String, JobObservation> last = new ConcurrentHashMap<>();
  private final Consumer<JobObservation> downstream;

  public ObservationDeduplicator(Consumer<JobObservation> downstream) {
    this.downstream = downstream;
  }

  @Override
  public void accept(JobObservation observation) {
    JobObservation previous = last.put(observation.investigationId(), observation);
    if (observation.equals(previous)) {
      return;
    }
    // a failure seen on the pod is final; a later Job update without it must not turn it back into "running"
    if (previous != null && previous.phase().ended() && !observation.phase().ended()) {
      last.put(observation.investigationId(), previous);
      return;
    }
    if (observation.phase() == JobObservation.JobPhase.GONE) {
      last.remove(observation.investigationId());
    }
    downstream.accept(observation);
  }
}

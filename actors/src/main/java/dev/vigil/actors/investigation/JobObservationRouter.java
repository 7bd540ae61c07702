package dev.vigil.actors.investigation;

import java.util.Locale;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

import dev.vigil.k8s.jobs.JobRunner;
import dev.vigil.protocol.InvestigationProtocol.JobObserved;

/**
 * Delivers this node's Job watch (one informer per node, de-duplicated by the runner) to the investigations through
 * sharding, wherever each entity lives. Several nodes may deliver the same change; the entity ignores repeats.
 */
public final class JobObservationRouter {

  private JobObservationRouter() {}

  public static void start(ActorSystem<?> system, JobRunner jobs) {
    ClusterSharding sharding = ClusterSharding.get(system);
    jobs.watch(observation -> sharding.entityRefFor(Investigation.TYPE_KEY, observation.investigationId())
        .tell(new JobObserved(observation.jobName(), observation.phase().name().toLowerCase(Locale.ROOT),
            observation.reason())));
  }
}

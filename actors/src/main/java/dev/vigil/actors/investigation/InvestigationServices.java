package dev.vigil.actors.investigation;

import java.time.Clock;
import java.util.Objects;

import org.apache.pekko.actor.typed.ActorRef;

import dev.vigil.actors.lease.LeaseBroker;
import dev.vigil.k8s.JobTemplate;
import dev.vigil.k8s.jobs.JobRunner;
import dev.vigil.protocol.InvestigationProtocol.AdmissionCommand;
import dev.vigil.scan.ContentScanner;

/**
 * Everything an {@link Investigation} entity talks to, each behind a narrow interface so tests can run the real
 * thing or its stand-in: Vault ({@link LeaseBroker}), Kubernetes or the local runner ({@link JobRunner}), the agent's
 * phase and the policy pool ({@link AgentPhases}, {@link Decider}), the content scanner (null = no scan), the clock,
 * and the admission queue.
 */
public record InvestigationServices(InvestigationSettings settings, LeaseBroker leases, JobRunner jobs,
    JobTemplate template, AgentPhases agents, Decider decider, ContentScanner scanner, Clock clock,
    ActorRef<AdmissionCommand> admission) {

  public InvestigationServices {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(leases, "leases");
    Objects.requireNonNull(jobs, "jobs");
    Objects.requireNonNull(template, "template");
    Objects.requireNonNull(agents, "agents");
    Objects.requireNonNull(decider, "decider");
    Objects.requireNonNull(clock, "clock");
    Objects.requireNonNull(admission, "admission");
  }
}

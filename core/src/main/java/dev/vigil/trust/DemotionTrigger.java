package dev.vigil.trust;

import dev.vigil.scan.Severity;
import java.time.Instant;
import java.util.Objects;

/** An incident that may demote an agent automatically; each names the evidence it rests on. */
public sealed interface DemotionTrigger {

  Instant at();

  /** Words naming the evidence, for the phase change's reason and receipt. */
  String evidence();

  /** The content scanner found something critical in the agent's action ({@code detail}: type, detector, rule). */
  record CriticalFinding(String detail, Instant at) implements DemotionTrigger {
    public CriticalFinding {
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(at, "at");
    }

    @Override
    public String evidence() {
      return "critical scanner finding (" + detail + ") at " + at;
    }
  }

  /** Behavioural monitoring raised an alert on the agent. */
  record MonitoringAlert(String metric, String method, Severity severity, String detail, Instant at)
      implements DemotionTrigger {
    public MonitoringAlert {
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(method, "method");
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(at, "at");
    }

    @Override
    public String evidence() {
      return severity.wireName() + " " + method + " alert on " + metric + " (" + detail + ") at " + at;
    }
  }

  /** The agent broke policy (e.g. a denied action it tried to execute anyway, or a rule marked as a violation). */
  record PolicyViolation(String ruleId, String detail, Instant at) implements DemotionTrigger {
    public PolicyViolation {
      Objects.requireNonNull(detail, "detail");
      Objects.requireNonNull(at, "at");
    }

    @Override
    public String evidence() {
      return "policy violation" + (ruleId == null ? "" : " of rule " + ruleId) + " (" + detail + ") at " + at;
    }
  }
}

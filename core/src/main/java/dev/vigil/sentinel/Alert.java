package dev.vigil.sentinel;

import dev.vigil.scan.Severity;
import dev.vigil.trust.DemotionTrigger;
import java.time.Instant;
import java.util.Objects;

/**
 * A behavioural anomaly of one agent: which metric, which detector, what it expected, what it
 * observed and the bound that was crossed, when, how severe, and a sentence for operators. The
 * {@code Agent} entity persists it as an event, exports it as a metric and may demote the agent or
 * pause its investigations on it.
 *
 * @param agentId the agent
 * @param metric what was measured
 * @param method the detector
 * @param expected the baseline value (mean, baseline share, or 0 for a divergence)
 * @param observed the value that alarmed (a count per bucket, a ratio, a divergence in bits, or a CUSUM sum)
 * @param threshold the bound crossed, in the unit of {@code observed}
 * @param at when the deciding observation happened
 * @param severity how serious
 * @param message one sentence naming the evidence
 */
public record Alert(String agentId, Metric metric, Method method, double expected, double observed, double threshold,
    Instant at, Severity severity, String message) {

  public Alert {
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(metric, "metric");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
  }

  /** This alert as the incident the trust {@link dev.vigil.trust.DemotionPolicy} decides on. */
  public DemotionTrigger.MonitoringAlert toDemotionTrigger() {
    return new DemotionTrigger.MonitoringAlert(metric.wireName(), method.wireName(), severity, message, at);
  }
}

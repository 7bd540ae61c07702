package dev.vigil.sentinel;

import dev.vigil.policy.Effect;
import dev.vigil.scan.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Deterministic decision sequences of made-up agents, as the Agent entity would feed them to
 * monitoring: working hours 09:00-17:00 UTC, Poisson arrivals per minute, a fixed mix of actions,
 * some denials and scanner findings. The same seed always gives the same sequence.
 */
final class RecordedAgent {

  static final Instant DAY_ONE = Instant.parse("2026-03-02T00:00:00Z");

  /** The normal agent's action mix: action and weight. */
  static final String[] ACTIONS = {"file.read", "file.write", "db.query", "ticket.update", "search.query"};
  static final double[] WEIGHTS = {0.35, 0.10, 0.30, 0.15, 0.10};

  private final SplittableRandom random;
  private final List<Observation> decisions = new ArrayList<>();
  private double perMinute = 4;
  private double denialRate = 0.05;
  private double findingRate = 0.02;
  private String[] actions = ACTIONS;
  private double[] weights = WEIGHTS;

  RecordedAgent(long seed) {
    this.random = new SplittableRandom(seed);
  }

  RecordedAgent rate(double perMinute) {
    this.perMinute = perMinute;
    return this;
  }

  RecordedAgent denials(double rate) {
    this.denialRate = rate;
    return this;
  }

  RecordedAgent findings(double rate) {
    this.findingRate = rate;
    return this;
  }

  RecordedAgent mix(String[] actions, double[] weights) {
    this.actions = actions;
    this.weights = weights;
    return this;
  }

  /** Working hours of whole days, from day {@code firstDay} (0-based) for {@code days} days. */
  RecordedAgent workDays(int firstDay, int days) {
    for (int day = firstDay; day < firstDay + days; day++) {
      Instant start = DAY_ONE.plus(Duration.ofDays(day)).plus(Duration.ofHours(9));
      minutes(start, 8 * 60);
    }
    return this;
  }

  /** {@code count} minutes of activity starting at {@code start}. */
  RecordedAgent minutes(Instant start, int count) {
    for (int minute = 0; minute < count; minute++) {
      Instant minuteStart = start.plus(Duration.ofMinutes(minute));
      int n = poisson(perMinute);
      long[] offsets = new long[n];
      for (int i = 0; i < n; i++) {
        offsets[i] = random.nextLong(60_000);
      }
      Arrays.sort(offsets);
      for (long offset : offsets) {
        decisions.add(decision(minuteStart.plusMillis(offset)));
      }
    }
    return this;
  }

  List<Observation> decisions() {
    return decisions;
  }

  int size() {
    return decisions.size();
  }

  private Observation decision(Instant at) {
    String action = actions[pick()];
    Effect effect = random.nextDouble() < denialRate ? Effect.DENY : Effect.ALLOW;
    Severity finding = random.nextDouble() < findingRate ? Severity.MEDIUM : Severity.NONE;
    return new Observation(action, effect, finding, at);
  }

  private int pick() {
    double u = random.nextDouble();
    double sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += weights[i];
      if (u < sum) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private int poisson(double mean) {
    double limit = Math.exp(-mean);
    double product = random.nextDouble();
    int n = 0;
    while (product > limit) {
      product *= random.nextDouble();
      n++;
    }
    return n;
  }

  /** One alert and the index of the decision that raised it. */
  record Raised(int index, Alert alert) {}

  /** Feeds every decision to a fresh monitor and returns the alerts with the index that raised each. */
  static List<Raised> replay(String agentId, List<Observation> decisions, SentinelSettings settings) {
    AgentMonitor monitor = AgentMonitor.start(agentId);
    List<Raised> raised = new ArrayList<>();
    for (int i = 0; i < decisions.size(); i++) {
      AgentMonitor.Step step = monitor.observe(decisions.get(i), settings);
      for (Alert alert : step.alerts()) {
        raised.add(new Raised(i, alert));
      }
      monitor = step.state();
    }
    return raised;
  }
}

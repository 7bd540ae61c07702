package dev.vigil.sentinel;

import dev.vigil.policy.Effect;
import dev.vigil.scan.Severity;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Behavioural monitoring of one agent: every decision goes through {@link #observe}, which returns
 * the next state and the alerts it raised. Pure and deterministic (time comes from the
 * observations), immutable, and made of plain records and arrays, so the {@code Agent} entity can
 * keep it in its state and snapshots and replay it from its decision events.
 *
 * <p>Until the baseline ends ({@code baselineDecisions} decisions <em>and</em>
 * {@code baselineDuration} since the first one) every detector only learns. After it:
 * <ul>
 *   <li>action rate: decisions per active bucket; EWMA k-sigma (also on the bucket still filling, so a
 *       loop is caught within the minute) and CUSUM on closed buckets;</li>
 *   <li>denial rate and findings rate: the ratio per block of decisions; EWMA and CUSUM;</li>
 *   <li>family mix: an alert on the first use of a family the baseline never saw, and when the recent
 *       mix's Jensen-Shannon divergence from the baseline exceeds the threshold.</li>
 * </ul>
 * Only increases alert: fewer actions, fewer denials or fewer findings are not a safety concern.
 * An alert of one metric and method is not repeated within the cooldown; a new family alerts once.
 *
 * @param agentId the agent
 * @param decisions decisions observed
 * @param firstAtMillis time of the first decision (epoch millis; {@link Long#MIN_VALUE} before it)
 * @param learning whether the baseline period is still running
 * @param rate the current rate bucket
 * @param rateEwma EWMA of decisions per bucket
 * @param rateCusum CUSUM of decisions per bucket
 * @param denialBlock decisions in the current denial-rate block
 * @param blockDenied denials in it
 * @param findingsBlock decisions in the current findings-rate block
 * @param blockFindings decisions with a finding in it
 * @param denialEwma EWMA of the denial ratio per block
 * @param denialCusum CUSUM of the denial ratio per block
 * @param findingsEwma EWMA of the findings ratio per block
 * @param findingsCusum CUSUM of the findings ratio per block
 * @param families family mix
 * @param lastAlertMillis last alert time per {@code metric/method}, for the cooldown
 */
public record AgentMonitor(
    String agentId,
    long decisions,
    long firstAtMillis,
    boolean learning,
    RateTracker rate,
    Ewma rateEwma,
    Cusum rateCusum,
    int denialBlock,
    int blockDenied,
    int findingsBlock,
    int blockFindings,
    Ewma denialEwma,
    Cusum denialCusum,
    Ewma findingsEwma,
    Cusum findingsCusum,
    FamilyDistribution families,
    Map<String, Long> lastAlertMillis) {

  public AgentMonitor {
    Objects.requireNonNull(agentId, "agentId");
    Objects.requireNonNull(rate, "rate");
    Objects.requireNonNull(rateEwma, "rateEwma");
    Objects.requireNonNull(rateCusum, "rateCusum");
    Objects.requireNonNull(denialEwma, "denialEwma");
    Objects.requireNonNull(denialCusum, "denialCusum");
    Objects.requireNonNull(findingsEwma, "findingsEwma");
    Objects.requireNonNull(findingsCusum, "findingsCusum");
    Objects.requireNonNull(families, "families");
    lastAlertMillis = lastAlertMillis == null ? Map.of() : Map.copyOf(lastAlertMillis);
  }

  /** A new agent's monitor: nothing learnt. */
  public static AgentMonitor start(String agentId) {
    return new AgentMonitor(agentId, 0, Long.MIN_VALUE, true, RateTracker.EMPTY, Ewma.EMPTY, Cusum.EMPTY, 0, 0, 0, 0,
        Ewma.EMPTY, Cusum.EMPTY, Ewma.EMPTY, Cusum.EMPTY, FamilyDistribution.EMPTY, Map.of());
  }

  /** The next state and the alerts one decision raised (usually none). */
  public record Step(AgentMonitor state, List<Alert> alerts) {
    public Step {
      Objects.requireNonNull(state, "state");
      alerts = List.copyOf(alerts);
    }
  }

  /** Whether the baseline period is over and alerts may fire. */
  public boolean baselineComplete() {
    return !learning;
  }

  /** Observes one decision. */
  public Step observe(Observation observation, SentinelSettings settings) {
    return new Observer(this, settings, observation).run();
  }

  /** One observation's working copy of the state; collects alerts and builds the next record once. */
  private static final class Observer {
    private final AgentMonitor old;
    private final SentinelSettings settings;
    private final Observation observation;
    private final long at;
    private List<Alert> alerts;
    private Map<String, Long> lastAlert;

    private RateTracker rate;
    private Ewma rateEwma;
    private Cusum rateCusum;
    private int denialBlock;
    private int blockDenied;
    private int findingsBlock;
    private int blockFindings;
    private Ewma denialEwma;
    private Cusum denialCusum;
    private Ewma findingsEwma;
    private Cusum findingsCusum;
    private FamilyDistribution families;

    Observer(AgentMonitor old, SentinelSettings settings, Observation observation) {
      this.old = old;
      this.settings = settings;
      this.observation = observation;
      this.at = observation.at().toEpochMilli();
      this.lastAlert = old.lastAlertMillis;
      rate = old.rate;
      rateEwma = old.rateEwma;
      rateCusum = old.rateCusum;
      denialBlock = old.denialBlock;
      blockDenied = old.blockDenied;
      findingsBlock = old.findingsBlock;
      blockFindings = old.blockFindings;
      denialEwma = old.denialEwma;
      denialCusum = old.denialCusum;
      findingsEwma = old.findingsEwma;
      findingsCusum = old.findingsCusum;
      families = old.families;
    }

    Step run() {
      boolean learning = old.learning;
      actionRate(learning);
      ratios(learning);
      familyMix(learning);
      long decisions = old.decisions + 1;
      long firstAt = old.firstAtMillis == Long.MIN_VALUE ? at : old.firstAtMillis;
      if (learning && decisions >= settings.baselineDecisions()
          && at - firstAt >= settings.baselineDuration().toMillis()) {
        learning = false;
        families = families.freeze();
      }
      AgentMonitor next = new AgentMonitor(old.agentId, decisions, firstAt, learning, rate, rateEwma, rateCusum,
          denialBlock, blockDenied, findingsBlock, blockFindings, denialEwma, denialCusum, findingsEwma, findingsCusum, families,
          lastAlert);
      return new Step(next, alerts == null ? List.of() : alerts);
    }

    private void actionRate(boolean learning) {
      SentinelSettings.RateSettings config = settings.rate();
      long bucketMillis = config.bucket().toMillis();
      long closed = rate.closing(at, bucketMillis);
      rate = rate.add(at, bucketMillis);
      if (closed >= 0) {
        if (learning) {
          rateEwma = rateEwma.learn(closed);
          rateCusum = rateCusum.learn(closed);
        } else {
          double expected = rateEwma.mean();
          Ewma.Step ewma = rateEwma.observe(config.ewma(), closed);
          if (ewma.alarm() && ewma.zScore() > 0 && closed >= config.minRatio() * expected) {
            rateAlert(expected, closed, Math.max(rateEwma.upperLimit(config.ewma()), config.minRatio() * expected));
          }
          rateEwma = ewma.state();
          Cusum.Step cusum = rateCusum.observe(config.cusum(), closed);
          if (cusum.alarm() == Cusum.Side.UPPER) {
            raise(Metric.ACTION_RATE, Method.CUSUM, rateCusum.mean(), cusum.statistic(), config.cusum().h(),
                Severity.MEDIUM, String.format(Locale.ROOT,
                    "decisions per %s stayed above the baseline %.1f (sigma %.2f) until the CUSUM reached %.1f > %.1f;"
                        + " last bucket %d",
                    describe(config.bucket()), rateCusum.mean(), rateCusum.sigma(config.cusum()), cusum.statistic(),
                    config.cusum().h(), closed));
          }
          rateCusum = cusum.state();
        }
      }
      // The bucket still filling can only grow, so crossing the limit now is already an anomaly: a loop
      // is caught within its first bucket rather than when the next one starts.
      if (!learning && rateEwma.ready(config.ewma())) {
        double limit = Math.max(rateEwma.upperLimit(config.ewma()), config.minRatio() * rateEwma.mean());
        if (rate.count() > limit) {
          rateAlert(rateEwma.mean(), rate.count(), limit);
        }
      }
    }

    private void rateAlert(double expected, double observed, double limit) {
      raise(Metric.ACTION_RATE, Method.EWMA, expected, observed, limit, Severity.HIGH, String.format(Locale.ROOT,
          "%.0f decisions in one %s, expected %.1f; limit %.1f (EWMA mean + k sigma, at least %.0fx the mean)",
          observed, describe(settings.rate().bucket()), expected, limit, settings.rate().minRatio()));
    }

    private void ratios(boolean learning) {
      denialBlock++;
      if (observation.effect() == Effect.DENY) {
        blockDenied++;
      }
      if (denialBlock >= settings.denials().block()) {
        denialRatio(learning, (double) blockDenied / denialBlock);
        denialBlock = 0;
        blockDenied = 0;
      }
      findingsBlock++;
      if (observation.findingSeverity() != Severity.NONE
          && observation.findingSeverity().atLeast(settings.findingSeverity())) {
        blockFindings++;
      }
      if (findingsBlock >= settings.findings().block()) {
        findingsRatio(learning, (double) blockFindings / findingsBlock);
        findingsBlock = 0;
        blockFindings = 0;
      }
    }

    private void denialRatio(boolean learning, double ratio) {
      SentinelSettings.RatioSettings config = settings.denials();
      if (learning) {
        denialEwma = denialEwma.learn(ratio);
        denialCusum = denialCusum.learn(ratio);
        return;
      }
      Ewma.Step ewma = denialEwma.observe(config.ewma(), ratio);
      if (ewma.alarm() && ewma.zScore() > 0) {
        raise(Metric.DENIAL_RATE, Method.EWMA, denialEwma.mean(), ratio, denialEwma.upperLimit(config.ewma()),
            Severity.MEDIUM, String.format(Locale.ROOT,
                "%.0f%% of the last %d decisions were denied, expected %.1f%%; limit %.1f%% (EWMA)",
                ratio * 100, config.block(), denialEwma.mean() * 100, denialEwma.upperLimit(config.ewma()) * 100));
      }
      denialEwma = ewma.state();
      Cusum.Step cusum = denialCusum.observe(config.cusum(), ratio);
      if (cusum.alarm() == Cusum.Side.UPPER) {
        raise(Metric.DENIAL_RATE, Method.CUSUM, denialCusum.mean(), cusum.statistic(), config.cusum().h(),
            Severity.MEDIUM, String.format(Locale.ROOT,
                "denial rate persistently above the baseline %.1f%%: CUSUM %.1f > %.1f; last block %.0f%% denied",
                denialCusum.mean() * 100, cusum.statistic(), config.cusum().h(), ratio * 100));
      }
      denialCusum = cusum.state();
    }

    private void findingsRatio(boolean learning, double ratio) {
      SentinelSettings.RatioSettings config = settings.findings();
      if (learning) {
        findingsEwma = findingsEwma.learn(ratio);
        findingsCusum = findingsCusum.learn(ratio);
        return;
      }
      Ewma.Step ewma = findingsEwma.observe(config.ewma(), ratio);
      if (ewma.alarm() && ewma.zScore() > 0) {
        raise(Metric.FINDINGS_RATE, Method.EWMA, findingsEwma.mean(), ratio, findingsEwma.upperLimit(config.ewma()),
            Severity.HIGH, String.format(Locale.ROOT,
                "%.0f%% of the last %d decisions had %s+ scanner findings, expected %.1f%%; limit %.1f%% (EWMA)",
                ratio * 100, config.block(), settings.findingSeverity().wireName(), findingsEwma.mean() * 100,
                findingsEwma.upperLimit(config.ewma()) * 100));
      }
      findingsEwma = ewma.state();
      Cusum.Step cusum = findingsCusum.observe(config.cusum(), ratio);
      if (cusum.alarm() == Cusum.Side.UPPER) {
        raise(Metric.FINDINGS_RATE, Method.CUSUM, findingsCusum.mean(), cusum.statistic(), config.cusum().h(),
            Severity.HIGH, String.format(Locale.ROOT,
                "scanner findings persistently above the baseline %.1f%% of decisions: CUSUM %.1f > %.1f",
                findingsCusum.mean() * 100, cusum.statistic(), config.cusum().h()));
      }
      findingsCusum = cusum.state();
    }

    private void familyMix(boolean learning) {
      SentinelSettings.FamilySettings config = settings.families();
      String family = FamilyDistribution.familyOf(observation.action());
      if (learning) {
        families = families.learn(family, config.maxFamilies());
        return;
      }
      String slot = families.slotFor(family, config.maxFamilies());
      if (!families.knows(slot)) {
        raise(Metric.FAMILY_MIX, Method.NEW_FAMILY, 0, 1, 0, Severity.HIGH, String.format(Locale.ROOT,
            "first use of action family '%s' (%s); the baseline of %d decisions used only %s",
            slot, observation.action(), families.baselineTotal(), families.families()));
      }
      families = families.observe(family, config.alpha(), config.maxFamilies());
      double divergence = families.divergence();
      if (divergence > config.divergenceThreshold()) {
        String shifted = families.mostShifted();
        raise(Metric.FAMILY_MIX, Method.DIVERGENCE, 0, divergence, config.divergenceThreshold(),
            divergence >= 2 * config.divergenceThreshold() ? Severity.HIGH : Severity.MEDIUM,
            String.format(Locale.ROOT,
                "the action family mix drifted from the baseline: Jensen-Shannon divergence %.3f bits > %.3f;"
                    + " '%s' is now %.0f%% of decisions, %.0f%% in the baseline",
                divergence, config.divergenceThreshold(), shifted, families.recentShare(shifted) * 100,
                families.baselineShare(shifted) * 100));
      }
    }

    private void raise(Metric metric, Method method, double expected, double observed, double threshold,
        Severity severity, String message) {
      String key = metric.wireName() + "/" + method.wireName();
      if (method != Method.NEW_FAMILY) {
        Long last = lastAlert.get(key);
        if (last != null && at - last < settings.alertCooldown().toMillis()) {
          return;
        }
      }
      if (alerts == null) {
        alerts = new ArrayList<>(2);
      }
      alerts.add(new Alert(old.agentId, metric, method, round(expected), round(observed), round(threshold),
          observation.at(), severity, message));
      Map<String, Long> updated = new HashMap<>(lastAlert);
      updated.put(key, at);
      lastAlert = updated;
    }

    private static double round(double value) {
      return Math.round(value * 1e6) / 1e6;
    }

    private static String describe(java.time.Duration bucket) {
      long seconds = bucket.toSeconds();
      return seconds % 3600 == 0 ? (seconds / 3600 == 1 ? "hour" : seconds / 3600 + " hours")
          : seconds % 60 == 0 ? (seconds / 60 == 1 ? "minute" : seconds / 60 + " minutes")
          : seconds + " s";
    }
  }
}

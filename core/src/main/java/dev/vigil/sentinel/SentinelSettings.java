package dev.vigil.sentinel;

import dev.vigil.scan.Severity;
import dev.vigil.trust.SettingsException;
import dev.vigil.trust.internal.ConfigReader;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Behavioural monitoring's configuration ({@code vigil.sentinel}); {@link #DEFAULT} documents the
 * defaults, {@code docs/trust-and-monitoring.md} the reasoning.
 *
 * @param enabled whether monitoring runs at all ({@code VIGIL_SENTINEL_ENABLED})
 * @param baselineDecisions decisions learnt before any alert ...
 * @param baselineDuration ... and time since the first decision; the baseline ends when both have passed
 * @param alertCooldown an alert of the same metric and method is not repeated within this long
 * @param pauseInvestigationsAt alerts at or above this severity pause the agent's running investigations
 *     ({@code null}: never)
 * @param findingSeverity scanner findings at or above this severity count towards the findings rate
 * @param rate action rate detectors
 * @param denials denial rate detectors
 * @param findings findings rate detectors
 * @param families family mix detectors
 */
public record SentinelSettings(boolean enabled, long baselineDecisions, Duration baselineDuration,
    Duration alertCooldown, Severity pauseInvestigationsAt, Severity findingSeverity, RateSettings rate,
    RatioSettings denials, RatioSettings findings, FamilySettings families) {

  /**
   * Decisions per time bucket.
   *
   * @param bucket bucket width
   * @param ewma k-sigma test on each bucket (also applied to the bucket still filling)
   * @param minRatio an EWMA alarm also needs the count to reach this multiple of the mean: bursts of a
   *     few extra actions are normal for agents, loops are not
   * @param cusum CUSUM on closed buckets
   */
  public record RateSettings(Duration bucket, Ewma.Params ewma, double minRatio, Cusum.Params cusum) {
    public RateSettings {
      Objects.requireNonNull(bucket, "bucket");
      Objects.requireNonNull(ewma, "ewma");
      Objects.requireNonNull(cusum, "cusum");
      if (bucket.toMillis() < 1 || !(minRatio >= 1)) {
        throw new IllegalArgumentException("rate bucket must be positive and minRatio at least 1");
      }
    }
  }

  /**
   * A ratio measured per block of decisions.
   *
   * @param block decisions per block
   * @param ewma k-sigma test on each block's ratio
   * @param cusum CUSUM on each block's ratio
   */
  public record RatioSettings(int block, Ewma.Params ewma, Cusum.Params cusum) {
    public RatioSettings {
      Objects.requireNonNull(ewma, "ewma");
      Objects.requireNonNull(cusum, "cusum");
      if (block < 1) {
        throw new IllegalArgumentException("block must be at least 1 decision");
      }
    }
  }

  /**
   * @param alpha weight of each decision in the recent mix (it reflects about {@code 2 / alpha} decisions)
   * @param divergenceThreshold Jensen-Shannon divergence, in bits, above which the mix has drifted
   * @param maxFamilies families kept per agent; later ones are pooled
   */
  public record FamilySettings(double alpha, double divergenceThreshold, int maxFamilies) {
    public FamilySettings {
      if (!(alpha > 0 && alpha < 1) || !(divergenceThreshold > 0 && divergenceThreshold <= 1) || maxFamilies < 2) {
        throw new IllegalArgumentException("families need 0 < alpha < 1, 0 < divergenceThreshold <= 1, maxFamilies >= 2");
      }
    }
  }

  public static final SentinelSettings DEFAULT = new SentinelSettings(true, 200, Duration.ofDays(1),
      Duration.ofMinutes(15), Severity.HIGH, Severity.MEDIUM,
      new RateSettings(Duration.ofMinutes(1), new Ewma.Params(0.05, 4, 10, 1.0), 5,
          new Cusum.Params(1.0, 8, 10, 1.0)),
      new RatioSettings(50, new Ewma.Params(0.1, 5, 3, 0.05), new Cusum.Params(0.75, 6, 3, 0.05)),
      new RatioSettings(50, new Ewma.Params(0.1, 5, 3, 0.05), new Cusum.Params(0.75, 6, 3, 0.05)),
      new FamilySettings(0.02, 0.1, 32));

  public SentinelSettings {
    Objects.requireNonNull(baselineDuration, "baselineDuration");
    Objects.requireNonNull(alertCooldown, "alertCooldown");
    Objects.requireNonNull(findingSeverity, "findingSeverity");
    Objects.requireNonNull(rate, "rate");
    Objects.requireNonNull(denials, "denials");
    Objects.requireNonNull(findings, "findings");
    Objects.requireNonNull(families, "families");
    if (baselineDecisions < 1 || baselineDuration.isNegative() || alertCooldown.isNegative()) {
      throw new IllegalArgumentException("baselineDecisions must be positive, durations not negative");
    }
  }

  /** Whether the integrator should pause the agent's running investigations on this alert. */
  public boolean pausesInvestigations(Alert alert) {
    return pauseInvestigationsAt != null && alert.severity().atLeast(pauseInvestigationsAt);
  }

  public SentinelSettings withBaseline(long decisions, Duration duration) {
    return new SentinelSettings(enabled, decisions, duration, alertCooldown, pauseInvestigationsAt, findingSeverity,
        rate, denials, findings, families);
  }

  /**
   * Parses {@code vigil.sentinel} given as plain values. Keys: {@code enabled}, {@code baseline-decisions},
   * {@code baseline-duration}, {@code alert-cooldown}, {@code pause-investigations-at}
   * ({@code low|medium|high|critical|none}), {@code finding-severity}; {@code rate {bucket, alpha, k,
   * min-sigma, min-ratio, baseline, cusum-k, cusum-h}}; {@code denials} and {@code findings}
   * {@code {block, alpha, k, min-sigma, baseline, cusum-k, cusum-h}}; {@code families {alpha,
   * divergence-threshold, max-families}}. Missing keys keep the {@link #DEFAULT}.
   *
   * @throws SettingsException listing every problem under its full key
   */
  public static SentinelSettings fromConfig(Map<String, ?> sentinel, String path) {
    ConfigReader reader = ConfigReader.root(path, sentinel);
    reader.rejectUnknown(Set.of("enabled", "baseline-decisions", "baseline-duration", "alert-cooldown",
        "pause-investigations-at", "finding-severity", "rate", "denials", "findings", "families"));
    SentinelSettings d = DEFAULT;
    boolean enabled = reader.bool("enabled", d.enabled);
    long baselineDecisions = reader.integer("baseline-decisions", d.baselineDecisions, 1);
    Duration baselineDuration = reader.duration("baseline-duration", d.baselineDuration);
    Duration cooldown = reader.duration("alert-cooldown", d.alertCooldown);
    Severity pauseAt = reader.parsed("pause-investigations-at", d.pauseInvestigationsAt,
        text -> text.equalsIgnoreCase("none") ? null : severity(text));
    Severity findingSeverity = reader.parsed("finding-severity", d.findingSeverity, SentinelSettings::severity);
    RateSettings rate = readRate(reader.child("rate"), d.rate);
    RatioSettings denials = readRatio(reader.child("denials"), d.denials);
    RatioSettings findings = readRatio(reader.child("findings"), d.findings);
    FamilySettings families = readFamilies(reader.child("families"), d.families);
    reader.throwIfProblems();
    return new SentinelSettings(enabled, baselineDecisions, baselineDuration, cooldown, pauseAt, findingSeverity,
        rate, denials, findings, families);
  }

  private static RateSettings readRate(ConfigReader r, RateSettings d) {
    r.rejectUnknown(Set.of("bucket", "alpha", "k", "min-sigma", "min-ratio", "baseline", "cusum-k", "cusum-h"));
    Duration bucket = r.duration("bucket", d.bucket());
    if (bucket.toMillis() < 1) {
      r.problem("bucket", "must be at least 1ms");
      bucket = d.bucket();
    }
    long baseline = r.integer("baseline", d.ewma().baseline(), 1);
    double minSigma = r.decimal("min-sigma", d.ewma().minSigma(), 1e-9, Double.MAX_VALUE);
    return new RateSettings(bucket,
        new Ewma.Params(r.decimal("alpha", d.ewma().alpha(), 1e-6, 1), r.decimal("k", d.ewma().k(), 0.1, 100),
            baseline, minSigma),
        r.decimal("min-ratio", d.minRatio(), 1, 1000),
        new Cusum.Params(r.decimal("cusum-k", d.cusum().k(), 0, 100), r.decimal("cusum-h", d.cusum().h(), 0.1, 1000),
            baseline, minSigma));
  }

  private static RatioSettings readRatio(ConfigReader r, RatioSettings d) {
    r.rejectUnknown(Set.of("block", "alpha", "k", "min-sigma", "baseline", "cusum-k", "cusum-h"));
    long baseline = r.integer("baseline", d.ewma().baseline(), 1);
    double minSigma = r.decimal("min-sigma", d.ewma().minSigma(), 1e-9, 1);
    return new RatioSettings((int) r.integer("block", d.block(), 1),
        new Ewma.Params(r.decimal("alpha", d.ewma().alpha(), 1e-6, 1), r.decimal("k", d.ewma().k(), 0.1, 100),
            baseline, minSigma),
        new Cusum.Params(r.decimal("cusum-k", d.cusum().k(), 0, 100), r.decimal("cusum-h", d.cusum().h(), 0.1, 1000),
            baseline, minSigma));
  }

  private static FamilySettings readFamilies(ConfigReader r, FamilySettings d) {
    r.rejectUnknown(Set.of("alpha", "divergence-threshold", "max-families"));
    return new FamilySettings(r.decimal("alpha", d.alpha(), 1e-6, 0.999),
        r.decimal("divergence-threshold", d.divergenceThreshold(), 1e-6, 1),
        (int) r.integer("max-families", d.maxFamilies(), 2));
  }

  private static Severity severity(String text) {
    try {
      Severity severity = Severity.valueOf(text.trim().toUpperCase(Locale.ROOT));
      if (severity != Severity.NONE) {
        return severity;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new IllegalArgumentException("must be one of low, medium, high, critical, got '" + text + "'");
  }
}

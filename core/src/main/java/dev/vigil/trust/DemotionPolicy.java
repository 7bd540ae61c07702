package dev.vigil.trust;

import dev.vigil.scan.Severity;
import dev.vigil.trust.internal.ConfigReader;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Decides automatic demotion: for each kind of incident, whether it demotes one phase down, all
 * the way to shadow, or not at all. Alerts below {@code minAlertSeverity} never demote. Loaded from
 * {@code vigil.trust.demotion}; see {@link #fromConfig(Map, String)}.
 */
public record DemotionPolicy(Target onCriticalFinding, Target onAlert, Target onViolation, Severity minAlertSeverity) {

  /** Defaults: a critical finding or a policy violation sends the agent back to shadow; a high or critical alert one step down. */
  public static final DemotionPolicy DEFAULT =
      new DemotionPolicy(Target.TO_SHADOW, Target.ONE_STEP, Target.TO_SHADOW, Severity.HIGH);

  static final Set<String> KEYS = Set.of("on-critical-finding", "on-alert", "on-violation", "min-alert-severity");

  /** Where an incident sends the agent. */
  public enum Target {
    NONE("none"),
    ONE_STEP("one-step"),
    TO_SHADOW("to-shadow");

    private final String wireName;

    Target(String wireName) {
      this.wireName = wireName;
    }

    public String wireName() {
      return wireName;
    }

    public static Target parse(String text) {
      for (Target target : values()) {
        if (target.wireName.equalsIgnoreCase(text.trim()) || target.name().equalsIgnoreCase(text.trim())) {
          return target;
        }
      }
      throw new IllegalArgumentException("must be one of none, one-step, to-shadow, got '" + text + "'");
    }

    Optional<TrustPhase> from(TrustPhase phase) {
      return switch (this) {
        case NONE -> Optional.empty();
        case ONE_STEP -> phase.previous();
        case TO_SHADOW -> phase == TrustPhase.SHADOW ? Optional.empty() : Optional.of(TrustPhase.SHADOW);
      };
    }
  }

  public DemotionPolicy {
    Objects.requireNonNull(onCriticalFinding, "onCriticalFinding");
    Objects.requireNonNull(onAlert, "onAlert");
    Objects.requireNonNull(onViolation, "onViolation");
    Objects.requireNonNull(minAlertSeverity, "minAlertSeverity");
  }

  /**
   * The demotion {@code trigger} causes for an agent with this {@code evidence} (already including
   * the incident), or empty when the policy says none or the agent is already as low as it would go.
   */
  public Optional<PhaseChange> decide(Evidence evidence, DemotionTrigger trigger) {
    Target target;
    PhaseChange.Cause cause;
    if (trigger instanceof DemotionTrigger.CriticalFinding) {
      target = onCriticalFinding;
      cause = PhaseChange.Cause.CRITICAL_FINDING;
    } else if (trigger instanceof DemotionTrigger.MonitoringAlert alert) {
      target = alert.severity().atLeast(minAlertSeverity) ? onAlert : Target.NONE;
      cause = PhaseChange.Cause.MONITORING_ALERT;
    } else {
      target = onViolation;
      cause = PhaseChange.Cause.POLICY_VIOLATION;
    }
    TrustPhase from = evidence.phase();
    return target.from(from).map(to -> new PhaseChange(from, to, cause, PhaseChange.VIGIL,
        "demoted from " + from.wireName() + " to " + to.wireName() + " (" + target.wireName() + ") on "
            + trigger.evidence(),
        evidence, trigger.at()));
  }

  /**
   * Parses {@code vigil.trust.demotion}: {@code on-critical-finding}, {@code on-alert},
   * {@code on-violation} ({@code none | one-step | to-shadow}) and {@code min-alert-severity}
   * ({@code low | medium | high | critical}); missing keys keep the {@link #DEFAULT}.
   *
   * @throws SettingsException listing every problem under its full key
   */
  public static DemotionPolicy fromConfig(Map<String, ?> demotion, String path) {
    ConfigReader reader = ConfigReader.root(path, demotion);
    DemotionPolicy policy = read(reader);
    reader.throwIfProblems();
    return policy;
  }

  static DemotionPolicy read(ConfigReader reader) {
    reader.rejectUnknown(KEYS);
    return new DemotionPolicy(
        reader.parsed("on-critical-finding", DEFAULT.onCriticalFinding, Target::parse),
        reader.parsed("on-alert", DEFAULT.onAlert, Target::parse),
        reader.parsed("on-violation", DEFAULT.onViolation, Target::parse),
        reader.parsed("min-alert-severity", DEFAULT.minAlertSeverity, DemotionPolicy::severity));
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

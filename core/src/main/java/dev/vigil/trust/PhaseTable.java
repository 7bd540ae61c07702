package dev.vigil.trust;

import dev.vigil.trust.internal.ConfigReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The one table of what each trust phase means: the Kubernetes service account its investigations
 * run as, the Vault credential domains ({@code mount/role}) they may lease, the action regime, and
 * the criteria for promotion out of it. Loaded from {@code vigil.trust.phases}; see
 * {@link #fromConfig(Map, String)}. Entries are kept in phase order, one per phase.
 */
public record PhaseTable(List<Entry> entries) {

  static final Set<String> ENTRY_KEYS = Set.of("service-account", "credential-domains", "regime", "promotion");
  static final Set<String> PROMOTION_KEYS = Set.of("min-investigations", "min-days-in-phase", "min-decisions",
      "max-denial-rate", "min-shadow-agreement", "quiet-window", "automatic");

  public PhaseTable {
    entries = List.copyOf(entries);
    TrustPhase[] phases = TrustPhase.values();
    if (entries.size() != phases.length) {
      throw new IllegalArgumentException("the phase table needs one entry per phase (" + TrustPhase.validNames()
          + "), got " + entries.size());
    }
    for (int i = 0; i < phases.length; i++) {
      if (entries.get(i).phase() != phases[i]) {
        throw new IllegalArgumentException("phase table entry " + i + " must be " + phases[i].wireName()
            + ", got " + entries.get(i).phase().wireName());
      }
    }
  }

  /**
   * What one phase means.
   *
   * @param phase the phase
   * @param serviceAccount Kubernetes service account of the phase's investigation Jobs
   * @param credentialDomains Vault {@code mount/role} paths the phase may lease credentials from
   * @param regime what the phase may execute
   * @param promotion criteria for promotion to the next phase (ignored in the top phase)
   */
  public record Entry(TrustPhase phase, String serviceAccount, List<String> credentialDomains, ActionRegime regime,
      PromotionCriteria promotion) {
    public Entry {
      Objects.requireNonNull(phase, "phase");
      Objects.requireNonNull(serviceAccount, "serviceAccount");
      Objects.requireNonNull(regime, "regime");
      Objects.requireNonNull(promotion, "promotion");
      credentialDomains = List.copyOf(credentialDomains);
    }
  }

  public Entry entry(TrustPhase phase) {
    return entries.get(phase.ordinal());
  }

  public PromotionCriteria promotion(TrustPhase phase) {
    return entry(phase).promotion();
  }

  /** Promotion progress of an agent with this evidence, by the criteria of its current phase. */
  public Progress assess(Evidence evidence, java.time.Instant now) {
    return promotion(evidence.phase()).assess(evidence, now);
  }

  /**
   * The defaults: service accounts {@code agent-phase-<phase>}; no credentials in shadow, read-only
   * roles in read-only, read-write database and application roles in limited-write, every read-write
   * role in autonomous; promotion criteria that grow stricter with each phase.
   */
  public static PhaseTable defaults() {
    return new PhaseTable(List.of(
        new Entry(TrustPhase.SHADOW, "agent-phase-shadow", List.of(), ActionRegime.SHADOW,
            new PromotionCriteria(5, 3, 100, 0.10, 0.90, Duration.ofDays(3), false)),
        new Entry(TrustPhase.READ_ONLY, "agent-phase-read-only",
            List.of("database/agent-ro", "application/agent-ro", "llm/agent-ro"), ActionRegime.READS_ONLY,
            new PromotionCriteria(10, 7, 200, 0.05, 0, Duration.ofDays(7), false)),
        new Entry(TrustPhase.LIMITED_WRITE, "agent-phase-limited-write",
            List.of("database/agent-rw", "application/agent-rw", "network/agent-ro", "llm/agent-ro"),
            ActionRegime.LIMITED_WRITE, new PromotionCriteria(20, 14, 500, 0.02, 0, Duration.ofDays(14), false)),
        new Entry(TrustPhase.AUTONOMOUS, "agent-phase-autonomous",
            List.of("database/agent-rw", "application/agent-rw", "network/agent-rw", "llm/agent-rw"),
            ActionRegime.AUTONOMOUS, new PromotionCriteria(0, 0, 0, 1, 0, Duration.ZERO, false))));
  }

  /**
   * Parses {@code vigil.trust.phases} given as plain values: an object keyed by phase wire name
   * ({@code shadow}, {@code read-only}, ...), each with {@code service-account},
   * {@code credential-domains}, {@code regime} and {@code promotion {min-investigations,
   * min-days-in-phase, min-decisions, max-denial-rate, min-shadow-agreement, quiet-window, automatic}}.
   * A missing phase or key keeps its {@link #defaults() default}. Every problem is reported at
   * once, under its full key.
   *
   * @param path where the map sits in the configuration, for messages ({@code vigil.trust.phases})
   * @throws SettingsException listing every problem
   */
  public static PhaseTable fromConfig(Map<String, ?> phases, String path) {
    ConfigReader reader = ConfigReader.root(path, phases);
    PhaseTable table = read(reader);
    reader.throwIfProblems();
    return table;
  }

  static PhaseTable read(ConfigReader reader) {
    Map<TrustPhase, String> wireKeys = new EnumMap<>(TrustPhase.class);
    for (TrustPhase phase : TrustPhase.values()) {
      wireKeys.put(phase, phase.wireName());
    }
    reader.rejectUnknown(Set.copyOf(wireKeys.values()));
    PhaseTable defaults = defaults();
    List<Entry> entries = new ArrayList<>();
    for (TrustPhase phase : TrustPhase.values()) {
      Entry fallback = defaults.entry(phase);
      ConfigReader entry = reader.child(phase.wireName());
      entry.rejectUnknown(ENTRY_KEYS);
      String account = entry.string("service-account", fallback.serviceAccount());
      List<String> domains = entry.stringList("credential-domains", fallback.credentialDomains());
      ActionRegime regime = entry.parsed("regime", fallback.regime(), ActionRegime::parse);
      PromotionCriteria promotion = fallback.promotion();
      if (phase.next().isEmpty()) {
        if (entry.has("promotion")) {
          entry.problem("promotion", phase.wireName() + " is the highest phase; there is no promotion out of it");
        }
      } else {
        promotion = readPromotion(entry.child("promotion"), fallback.promotion());
      }
      entries.add(new Entry(phase, account, domains, regime, promotion));
    }
    return new PhaseTable(entries);
  }

  private static PromotionCriteria readPromotion(ConfigReader promotion, PromotionCriteria fallback) {
    promotion.rejectUnknown(PROMOTION_KEYS);
    return new PromotionCriteria(
        (int) promotion.integer("min-investigations", fallback.minInvestigations(), 0),
        promotion.decimal("min-days-in-phase", fallback.minDaysInPhase(), 0, 3650),
        promotion.integer("min-decisions", fallback.minDecisions(), 0),
        promotion.decimal("max-denial-rate", fallback.maxDenialRate(), 0, 1),
        promotion.decimal("min-shadow-agreement", fallback.minShadowAgreement(), 0, 1),
        promotion.duration("quiet-window", fallback.quietWindow()),
        promotion.bool("automatic", fallback.automatic()));
  }
}

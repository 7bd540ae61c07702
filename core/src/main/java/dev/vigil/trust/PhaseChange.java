package dev.vigil.trust;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A promotion or demotion: the payload of the {@code Agent} entity's phase-change event and of its
 * receipt. {@code evidence} is what Vigil had observed in the phase being left, including the
 * incident that caused an automatic demotion; {@code reason} says in words which evidence decided.
 *
 * @param from the phase left
 * @param to the phase entered
 * @param cause why
 * @param actor the operator who asked, or {@code vigil} for automatic changes
 * @param reason the evidence in words
 * @param evidence the evidence gathered in {@code from}
 * @param at when
 */
public record PhaseChange(TrustPhase from, TrustPhase to, Cause cause, String actor, String reason, Evidence evidence,
    Instant at) {

  /** The actor of automatic changes. */
  public static final String VIGIL = "vigil";

  public enum Cause {
    PROMOTED_BY_OPERATOR,
    PROMOTED_AUTOMATICALLY,
    DEMOTED_BY_OPERATOR,
    CRITICAL_FINDING,
    MONITORING_ALERT,
    POLICY_VIOLATION;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  public PhaseChange {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(cause, "cause");
    Objects.requireNonNull(actor, "actor");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(evidence, "evidence");
    Objects.requireNonNull(at, "at");
    if (from == to) {
      throw new IllegalArgumentException("a phase change must change the phase (" + from.wireName() + ")");
    }
  }

  public boolean promotion() {
    return to.compareTo(from) > 0;
  }

  /**
   * The change as plain JSON values (strings, numbers, nested maps), in the shape a receipt's
   * canonical JSON takes: phases by wire name, times as ISO-8601, the evidence counters by name.
   */
  public Map<String, Object> receiptFields() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("type", promotion() ? "promotion" : "demotion");
    fields.put("from", from.wireName());
    fields.put("to", to.wireName());
    fields.put("cause", cause.wireName());
    fields.put("actor", actor);
    fields.put("reason", reason);
    fields.put("at", at.toString());
    Map<String, Object> facts = new LinkedHashMap<>();
    facts.put("phaseEnteredAt", evidence.phaseEnteredAt().toString());
    facts.put("investigationsSucceeded", evidence.investigationsSucceeded());
    facts.put("investigationsFailed", evidence.investigationsFailed());
    facts.put("decisionsTotal", evidence.decisionsTotal());
    facts.put("decisionsDenied", evidence.decisionsDenied());
    facts.put("shadowProposals", evidence.shadowProposals());
    facts.put("shadowAgreements", evidence.shadowAgreements());
    facts.put("criticalFindings", evidence.criticalFindings());
    facts.put("alerts", evidence.alerts());
    facts.put("violations", evidence.violations());
    putTime(facts, "lastCriticalFindingAt", evidence.lastCriticalFindingAt());
    putTime(facts, "lastAlertAt", evidence.lastAlertAt());
    putTime(facts, "lastViolationAt", evidence.lastViolationAt());
    fields.put("evidence", facts);
    return fields;
  }

  private static void putTime(Map<String, Object> map, String key, Instant time) {
    if (time != null) {
      map.put(key, time.toString());
    }
  }
}

package dev.vigil.sentinel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What behavioural monitoring measures per agent. */
public enum Metric {
  /** Decisions per minute while the agent is active. */
  ACTION_RATE("action-rate"),
  /** Denied over all decisions, per block of decisions. */
  DENIAL_RATE("denial-rate"),
  /** The share of each action family ({@code file}, {@code db}, ...). */
  FAMILY_MIX("family-mix"),
  /** Decisions whose payload had a scanner finding, over all decisions, per block of decisions. */
  FINDINGS_RATE("findings-rate");

  private final String wireName;

  Metric(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  @JsonCreator
  public static Metric fromWire(String text) {
    for (Metric metric : values()) {
      if (metric.wireName.equals(text) || metric.name().equals(text)) {
        return metric;
      }
    }
    throw new IllegalArgumentException("unknown metric '" + text + "'");
  }
}

package dev.vigil.trust;

import java.util.Locale;

/**
 * How an investigation ended, as the {@code Agent} entity learns it. Only {@link #SUCCEEDED}
 * counts towards promotion; {@link #FAILED} and {@link #TIMED_OUT} count against the agent;
 * {@link #CANCELLED} (an operator stopped it) and {@link #REJECTED} (never started) count neither way.
 */
public enum InvestigationOutcome {
  SUCCEEDED,
  FAILED,
  TIMED_OUT,
  CANCELLED,
  REJECTED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** Whether the agent itself is to blame for this ending. */
  public boolean failure() {
    return this == FAILED || this == TIMED_OUT;
  }

  public static InvestigationOutcome parse(String text) {
    for (InvestigationOutcome outcome : values()) {
      if (outcome.wireName().equalsIgnoreCase(text) || outcome.name().equalsIgnoreCase(text)) {
        return outcome;
      }
    }
    throw new IllegalArgumentException("unknown investigation outcome '" + text + "'");
  }
}

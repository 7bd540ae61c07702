package dev.vigil.policy;

import java.util.Locale;

/** What a decision tells the agent: go ahead, stop, or wait for a human to approve. */
public enum Effect {
  ALLOW,
  DENY,
  /** Needs human approval (Authensor's {@code require_approval}). */
  ESCALATE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}

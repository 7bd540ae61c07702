package dev.vigil.trust;

import dev.vigil.policy.ActionKind;

/**
 * What an investigation in a phase may actually execute once policy allowed it. Policy still
 * decides every action; the regime is the phase's hard ceiling on top of it.
 */
public enum ActionRegime {
  /** Decide and record, never execute: the agent proposes, Vigil compares with policy. */
  SHADOW("shadow"),
  /** Only actions policy classifies as reads. */
  READS_ONLY("reads-only"),
  /** Reads and classified writes; actions of unknown kind are not executed. */
  LIMITED_WRITE("limited-write"),
  /** Everything policy allows. */
  AUTONOMOUS("autonomous");

  private final String wireName;

  ActionRegime(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Whether an allowed action of this kind is executed under this regime. */
  public boolean executes(ActionKind kind) {
    return switch (this) {
      case SHADOW -> false;
      case READS_ONLY -> kind == ActionKind.READ;
      case LIMITED_WRITE -> kind == ActionKind.READ || kind == ActionKind.WRITE;
      case AUTONOMOUS -> true;
    };
  }

  public static ActionRegime parse(String text) {
    for (ActionRegime regime : values()) {
      if (regime.wireName.equalsIgnoreCase(text.trim()) || regime.name().equalsIgnoreCase(text.trim())) {
        return regime;
      }
    }
    throw new IllegalArgumentException("unknown action regime '" + text + "'; valid: shadow, reads-only, limited-write, autonomous");
  }
}

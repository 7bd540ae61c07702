package dev.vigil.sentinel;

import dev.vigil.policy.Effect;
import dev.vigil.scan.Severity;
import java.time.Instant;
import java.util.Objects;

/**
 * One decision of an agent as behavioural monitoring sees it.
 *
 * @param action the action name ({@code file.read}); its first segment is the family
 * @param effect what policy decided
 * @param findingSeverity the highest scanner finding in the action's payload ({@link Severity#NONE} when none)
 * @param at when the decision was made
 */
public record Observation(String action, Effect effect, Severity findingSeverity, Instant at) {

  public Observation {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(effect, "effect");
    findingSeverity = findingSeverity == null ? Severity.NONE : findingSeverity;
    Objects.requireNonNull(at, "at");
  }

  public static Observation of(String action, Effect effect, Instant at) {
    return new Observation(action, effect, Severity.NONE, at);
  }
}

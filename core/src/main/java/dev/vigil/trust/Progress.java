package dev.vigil.trust;

import java.util.List;
import java.util.Objects;

/**
 * How far an agent is from promotion out of its phase: every criterion with what it requires,
 * what Vigil observed, whether it holds and, when it does not, how far it is in words
 * ("3 more successful investigations"). {@code promotesTo} is null in the top phase, which has no
 * criteria and is never eligible.
 */
public record Progress(TrustPhase phase, TrustPhase promotesTo, boolean automatic, List<Criterion> criteria) {

  public Progress {
    Objects.requireNonNull(phase, "phase");
    criteria = List.copyOf(criteria);
  }

  /** Whether every criterion holds, so an operator may promote (or Vigil does, when automatic). */
  public boolean eligible() {
    return promotesTo != null && criteria.stream().allMatch(Criterion::met);
  }

  /** The criteria that do not hold yet. */
  public List<Criterion> unmet() {
    return criteria.stream().filter(c -> !c.met()).toList();
  }

  /** One line per unmet criterion, for a rejected promotion request. */
  public String shortfallSummary() {
    if (promotesTo == null) {
      return phase.wireName() + " is the highest phase";
    }
    return unmet().stream().map(Criterion::shortfall).reduce((a, b) -> a + "; " + b).orElse("");
  }

  /**
   * One promotion criterion.
   *
   * @param name stable id ({@code investigations}, {@code days-in-phase}, {@code decisions},
   *     {@code denial-rate}, {@code shadow-agreement}, {@code quiet-window})
   * @param unit what {@code required} and {@code observed} count ({@code investigations}, {@code days},
   *     {@code decisions}, {@code ratio})
   * @param required the configured bound (a minimum, except {@code denial-rate}, which is a maximum)
   * @param observed what Vigil measured
   * @param met whether the bound holds
   * @param shortfall how far it is from holding, in words; empty when met
   */
  public record Criterion(String name, String unit, double required, double observed, boolean met, String shortfall) {
    public Criterion {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(unit, "unit");
      shortfall = met || shortfall == null ? "" : shortfall;
    }
  }
}

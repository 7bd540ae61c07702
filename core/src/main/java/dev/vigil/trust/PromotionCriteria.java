package dev.vigil.trust;

import dev.vigil.trust.Progress.Criterion;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What an agent must show in one phase before it may be promoted to the next. All bounds are
 * measured from {@link Evidence} gathered in the current phase; a bound of 0 (or a
 * {@code maxDenialRate} of 1) switches that criterion off.
 *
 * @param minInvestigations successful investigations concluded in the phase, at least
 * @param minDaysInPhase days spent in the phase, at least (fractions allowed)
 * @param minDecisions decisions made in the phase, at least (so rates rest on a sample)
 * @param maxDenialRate denied over all decisions in the phase, at most, in {@code [0, 1]}
 * @param minShadowAgreement in {@code shadow} only: proposals that agreed with policy over all
 *     compared, at least, in {@code [0, 1]}
 * @param quietWindow no critical finding, monitoring alert or policy violation within this long before now
 * @param automatic promote as soon as eligible, without waiting for an operator
 */
public record PromotionCriteria(
    int minInvestigations,
    double minDaysInPhase,
    long minDecisions,
    double maxDenialRate,
    double minShadowAgreement,
    Duration quietWindow,
    boolean automatic) {

  /** Defaults: 5 investigations, 7 days, 100 decisions, at most 10% denied, 90% shadow agreement, 7 quiet days, by an operator. */
  public static final PromotionCriteria DEFAULT = new PromotionCriteria(5, 7, 100, 0.10, 0.90, Duration.ofDays(7), false);

  private static final double EPSILON = 1e-9;

  public PromotionCriteria {
    Objects.requireNonNull(quietWindow, "quietWindow");
    if (minInvestigations < 0 || minDecisions < 0 || !(minDaysInPhase >= 0) || quietWindow.isNegative()) {
      throw new IllegalArgumentException("promotion minimums must not be negative");
    }
    if (!(maxDenialRate >= 0 && maxDenialRate <= 1) || !(minShadowAgreement >= 0 && minShadowAgreement <= 1)) {
      throw new IllegalArgumentException("rates must be in [0, 1]: maxDenialRate " + maxDenialRate
          + ", minShadowAgreement " + minShadowAgreement);
    }
  }

  /**
   * Every criterion for leaving {@code evidence.phase()} towards its next phase, measured at {@code now}.
   * The top phase gets an empty, never eligible progress.
   */
  public Progress assess(Evidence evidence, Instant now) {
    TrustPhase phase = evidence.phase();
    TrustPhase next = phase.next().orElse(null);
    if (next == null) {
      return new Progress(phase, null, automatic, List.of());
    }
    List<Criterion> criteria = new ArrayList<>(6);
    int succeeded = evidence.investigationsSucceeded();
    criteria.add(new Criterion("investigations", "investigations", minInvestigations, succeeded,
        succeeded >= minInvestigations,
        plural(minInvestigations - succeeded, "more successful investigation", "more successful investigations")));

    double days = evidence.daysInPhase(now);
    criteria.add(new Criterion("days-in-phase", "days", minDaysInPhase, round(days), days >= minDaysInPhase,
        String.format(Locale.ROOT, "%s more days in %s", oneDecimalUp(minDaysInPhase - days), phase.wireName())));

    long decisions = evidence.decisionsTotal();
    criteria.add(new Criterion("decisions", "decisions", minDecisions, decisions, decisions >= minDecisions,
        plural(minDecisions - decisions, "more decision", "more decisions")));

    criteria.add(denialRate(evidence));
    if (phase == TrustPhase.SHADOW) {
      criteria.add(shadowAgreement(evidence));
    }
    criteria.add(quietWindow(evidence, now));
    return new Progress(phase, next, automatic, criteria);
  }

  private Criterion denialRate(Evidence evidence) {
    double rate = evidence.denialRate();
    // compared as counts with a tolerance: 0.1 * 40 is not exactly 4 in binary
    boolean met = evidence.decisionsDenied() <= maxDenialRate * evidence.decisionsTotal() + EPSILON;
    String shortfall;
    if (maxDenialRate == 0) {
      shortfall = "no denial is allowed in " + evidence.phase().wireName() + "; " + evidence.decisionsDenied()
          + " denied (the count restarts in the next phase)";
    } else {
      // denied / (total + n) <= max  <=>  n >= denied / max - total
      long more = (long) Math.ceil(evidence.decisionsDenied() / maxDenialRate - evidence.decisionsTotal() - EPSILON);
      shortfall = String.format(Locale.ROOT, "denial rate %s is above %s: %s without a denial would bring it down",
          percent(rate), percent(maxDenialRate), plural(more, "more decision", "more decisions"));
    }
    return new Criterion("denial-rate", "ratio", maxDenialRate, round(rate), met, shortfall);
  }

  private Criterion shadowAgreement(Evidence evidence) {
    double rate = evidence.shadowAgreementRate();
    long proposals = evidence.shadowProposals();
    long agreements = evidence.shadowAgreements();
    boolean met = minShadowAgreement == 0 || (proposals > 0 && agreements >= minShadowAgreement * proposals - EPSILON);
    String shortfall;
    if (minShadowAgreement >= 1 && agreements < proposals) {
      shortfall = "every proposal must agree with policy; " + (proposals - agreements)
          + " disagreed in shadow (the count restarts when the phase is entered again)";
    } else {
      // (agreements + n) / (proposals + n) >= min  <=>  n >= (min * proposals - agreements) / (1 - min)
      long more = Math.max(1,
          (long) Math.ceil((minShadowAgreement * proposals - agreements) / (1 - minShadowAgreement) - EPSILON));
      shortfall = String.format(Locale.ROOT, "agreement with policy %s is below %s: %s",
          percent(rate), percent(minShadowAgreement), plural(more, "more agreeing proposal", "more agreeing proposals"));
    }
    return new Criterion("shadow-agreement", "ratio", minShadowAgreement, round(rate), met, shortfall);
  }

  private Criterion quietWindow(Evidence evidence, Instant now) {
    double windowDays = quietWindow.toMillis() / 86_400_000.0;
    Instant last = evidence.lastIncidentAt();
    if (last == null) {
      return new Criterion("quiet-window", "days", round(windowDays), round(windowDays), true, "");
    }
    double quietDays = Math.max(0, Duration.between(last, now).toMillis()) / 86_400_000.0;
    boolean met = quietDays >= windowDays;
    String what = last.equals(evidence.lastCriticalFindingAt()) ? "critical finding"
        : last.equals(evidence.lastAlertAt()) ? "monitoring alert" : "policy violation";
    return new Criterion("quiet-window", "days", round(windowDays), round(quietDays), met,
        String.format(Locale.ROOT, "%s more days without a critical finding, alert or violation (last: %s at %s)",
            oneDecimalUp(windowDays - quietDays), what, last));
  }

  private static String plural(long count, String one, String many) {
    return count + " " + (count == 1 ? one : many);
  }

  private static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.1f%%", ratio * 100);
  }

  /** Rounded up to one decimal so "0.0 more days" never shows for a criterion that is still short. */
  private static String oneDecimalUp(double value) {
    return String.format(Locale.ROOT, "%.1f", Math.ceil(value * 10) / 10);
  }

  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }
}

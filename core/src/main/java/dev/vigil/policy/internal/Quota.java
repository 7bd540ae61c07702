package dev.vigil.policy.internal;

import dev.vigil.policy.EvaluationRequest;
import java.time.Duration;

/**
 * A rate limit (one unit per request) or a budget (the sum of a numeric parameter) attached to a
 * rule, with its ledger key prefix and the deny reasons precomputed. Budget amounts and limits
 * are counted in thousandths so that fractional amounts add up exactly.
 */
public final class Quota {

  public enum Kind { RATE, BUDGET }

  public enum Scope { PRINCIPAL, ACTION, GLOBAL }

  public static final long BUDGET_SCALE = 1000;

  private final Kind kind;
  private final long limit;
  private final Duration window;
  private final Scope scope;
  private final FieldPath amountPath;
  private final String keyPrefix;
  private final String exceededReason;
  private final String invalidAmountReason;
  private final String description;

  public Quota(Kind kind, double limit, Duration window, Scope scope, FieldPath amountPath, String policyId,
      String ruleId, String windowText) {
    this.kind = kind;
    this.limit = kind == Kind.RATE ? (long) limit : Math.round(limit * BUDGET_SCALE);
    this.window = window;
    this.scope = scope;
    this.amountPath = amountPath;
    String scopeText = scope.name().toLowerCase(java.util.Locale.ROOT);
    String amountText = limit == Math.rint(limit) ? Long.toString((long) limit) : Double.toString(limit);
    this.keyPrefix = policyId + "/" + ruleId + "/" + (kind == Kind.RATE ? "rate" : "budget");
    this.description = kind == Kind.RATE
        ? "at most " + amountText + " requests per " + windowText + " per " + scopeText
        : "at most " + amountText + " of parameter '" + pathName() + "' per " + windowText + " per " + scopeText;
    this.exceededReason = (kind == Kind.RATE ? "rate limit exceeded: " : "budget exceeded: ") + description
        + " (rule " + ruleId + ")";
    this.invalidAmountReason = "budget parameter '" + pathName() + "' is missing or not a non-negative number (rule "
        + ruleId + ")";
  }

  private String pathName() {
    return amountPath == null ? "" : amountPath.text().substring("parameters.".length());
  }

  /** The amount this request consumes, or -1 when a budget's parameter is missing or invalid. */
  public long amount(EvaluationRequest request) {
    if (kind == Kind.RATE) {
      return 1;
    }
    double value = Values.number(amountPath.get(request));
    if (Double.isNaN(value) || value < 0 || Double.isInfinite(value)) {
      return -1;
    }
    return (long) Math.ceil(value * BUDGET_SCALE);
  }

  public String key(EvaluationRequest request) {
    return switch (scope) {
      case PRINCIPAL -> keyPrefix + "|principal:" + request.principal().id();
      case ACTION -> keyPrefix + "|action:" + request.action();
      case GLOBAL -> keyPrefix;
    };
  }

  public long limit() {
    return limit;
  }

  public Duration window() {
    return window;
  }

  public String exceededReason() {
    return exceededReason;
  }

  public String invalidAmountReason() {
    return invalidAmountReason;
  }

  public String description() {
    return description;
  }
}

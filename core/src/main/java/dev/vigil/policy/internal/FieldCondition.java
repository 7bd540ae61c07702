package dev.vigil.policy.internal;

import dev.vigil.policy.EvaluationRequest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares the value at a {@link FieldPath} with constants prepared at compile time: numbers
 * pre-parsed, regexes pre-compiled (with one reusable {@link Matcher} per thread), globs
 * pre-compiled. A missing value satisfies only {@code neq}, {@code not_in} and {@code exists: false}.
 */
public final class FieldCondition implements Condition {

  private final FieldPath path;
  private final Operator operator;
  private final String description;
  private final Object expected;
  private final Object[] expectedSet;
  private final double bound;
  private final Glob[] globs;
  private final ThreadLocal<Matcher> matcher;

  private FieldCondition(FieldPath path, Operator operator, String description, Object expected,
      Object[] expectedSet, double bound, Glob[] globs, Pattern pattern) {
    this.path = path;
    this.operator = operator;
    this.description = description;
    this.expected = expected;
    this.expectedSet = expectedSet;
    this.bound = bound;
    this.globs = globs;
    this.matcher = pattern == null ? null : ThreadLocal.withInitial(() -> pattern.matcher(""));
  }

  /** eq, neq, contains, starts_with, ends_with, exists (a Boolean) against one constant. */
  public static FieldCondition single(FieldPath path, Operator operator, Object expected, String description) {
    return new FieldCondition(path, operator, description, expected, null, Double.NaN, null, null);
  }

  public static FieldCondition oneOf(FieldPath path, Operator operator, Object[] expected, String description) {
    return new FieldCondition(path, operator, description, null, expected.clone(), Double.NaN, null, null);
  }

  public static FieldCondition ordering(FieldPath path, Operator operator, double bound, String description) {
    return new FieldCondition(path, operator, description, null, null, bound, null, null);
  }

  public static FieldCondition regex(FieldPath path, Pattern pattern, String description) {
    return new FieldCondition(path, Operator.MATCHES, description, null, null, Double.NaN, null, pattern);
  }

  public static FieldCondition glob(FieldPath path, Glob[] globs, String description) {
    return new FieldCondition(path, Operator.GLOB, description, null, null, Double.NaN, globs.clone(), null);
  }

  @Override
  public boolean test(EvaluationRequest request) {
    Object actual = path.get(request);
    if (actual == null) {
      return switch (operator) {
        case EQ -> expected == null;
        case NEQ -> expected != null;
        case NOT_IN -> true;
        case EXISTS -> Boolean.FALSE.equals(expected);
        default -> false;
      };
    }
    switch (operator) {
      case EQ: return Values.same(actual, expected);
      case NEQ: return !Values.same(actual, expected);
      case IN: return inSet(actual);
      case NOT_IN: return !inSet(actual);
      case LT: return Values.number(actual) < bound;
      case LTE: return Values.number(actual) <= bound;
      case GT: return Values.number(actual) > bound;
      case GTE: return Values.number(actual) >= bound;
      case CONTAINS: return Values.contains(actual, expected);
      case STARTS_WITH: return actual instanceof String s && s.startsWith((String) expected);
      case ENDS_WITH: return actual instanceof String s && s.endsWith((String) expected);
      case EXISTS: return Boolean.TRUE.equals(expected);
      case MATCHES: return actual instanceof String s ? matcher.get().reset(s).find()
          : (actual instanceof Number || actual instanceof Boolean) && matcher.get().reset(actual.toString()).find();
      case GLOB: return anyGlob(actual);
      default: throw new IllegalStateException(operator.name());
    }
  }

  private boolean inSet(Object actual) {
    for (Object candidate : expectedSet) {
      if (Values.same(actual, candidate)) {
        return true;
      }
    }
    return false;
  }

  private boolean anyGlob(Object actual) {
    if (!(actual instanceof String s)) {
      return false;
    }
    for (Glob glob : globs) {
      if (glob.matches(s)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String describe() {
    return description;
  }
}

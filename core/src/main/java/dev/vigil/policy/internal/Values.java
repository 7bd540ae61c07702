package dev.vigil.policy.internal;

import java.util.Collection;
import java.util.Map;

/**
 * Loose comparison of request values (String, Number, Boolean, List, Map from JSON/YAML) against
 * policy constants: numbers compare by value whether given as Number or as a numeric string.
 */
public final class Values {

  private Values() {}

  /** The value as a double, or NaN when it is neither a Number nor a numeric string. */
  public static double number(Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String s && looksNumeric(s)) {
      try {
        return Double.parseDouble(s);
      } catch (NumberFormatException e) {
        return Double.NaN;
      }
    }
    return Double.NaN;
  }

  private static boolean looksNumeric(String s) {
    if (s.isEmpty() || s.length() > 40) {
      return false;
    }
    char c = s.charAt(0);
    return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.';
  }

  /** Equality as policies mean it: numbers by value, strings and booleans exactly, null only equals null. */
  public static boolean same(Object actual, Object expected) {
    if (actual == null || expected == null) {
      return actual == expected;
    }
    if (expected instanceof Number || actual instanceof Number) {
      double a = number(actual);
      double e = number(expected);
      return !Double.isNaN(a) && a == e;
    }
    return expected.equals(actual);
  }

  public static boolean contains(Object actual, Object expected) {
    if (actual instanceof String s) {
      return expected instanceof String needle && s.contains(needle);
    }
    if (actual instanceof Collection<?> items) {
      for (Object item : items) {
        if (same(item, expected)) {
          return true;
        }
      }
      return false;
    }
    if (actual instanceof Map<?, ?> map) {
      return expected instanceof String key && map.containsKey(key);
    }
    return false;
  }
}

package dev.vigil.policy.internal;

/**
 * A compiled glob over segmented names: {@code *} matches any run of characters within one
 * segment, {@code **} any run across segments, {@code ?} one character other than the
 * separator. The separator is '.' for actions ({@code file.*}) and '/' for resources. Matching
 * walks the pattern in place and allocates nothing; literal, match-all and prefix patterns take
 * a shortcut.
 */
public final class Glob {

  /** Patterns with more wildcards than this are rejected: backtracking cost grows with them. */
  public static final int MAX_WILDCARDS = 8;

  private enum Shape { ANY, LITERAL, PREFIX, GENERAL }

  private final String pattern;
  private final char separator;
  private final Shape shape;
  private final String literalPart;

  private Glob(String pattern, char separator) {
    this.pattern = pattern;
    this.separator = separator;
    int firstWildcard = firstWildcard(pattern);
    if (pattern.equals("**")) {
      shape = Shape.ANY;
      literalPart = "";
    } else if (firstWildcard < 0) {
      shape = Shape.LITERAL;
      literalPart = pattern;
    } else if (firstWildcard == pattern.length() - 2 && pattern.endsWith("**")) {
      shape = Shape.PREFIX;
      literalPart = pattern.substring(0, firstWildcard);
    } else {
      shape = Shape.GENERAL;
      literalPart = null;
    }
  }

  public static Glob compile(String pattern, char separator) {
    return new Glob(pattern, separator);
  }

  /** Why the pattern cannot be used, or null when it is fine. */
  public static String problemWith(String pattern) {
    if (pattern.isEmpty()) {
      return "a glob must not be empty";
    }
    int wildcards = 0;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*') {
        wildcards++;
        if (i + 2 < pattern.length() && pattern.charAt(i + 1) == '*' && pattern.charAt(i + 2) == '*') {
          return "'***' is not a glob wildcard; use '*' (one segment) or '**' (any segments)";
        }
        if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
          i++;
        }
      } else if (c == '?') {
        wildcards++;
      }
    }
    return wildcards > MAX_WILDCARDS ? "a glob may have at most " + MAX_WILDCARDS + " wildcards" : null;
  }

  private static int firstWildcard(String pattern) {
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*' || c == '?') {
        return i;
      }
    }
    return -1;
  }

  public boolean matches(String text) {
    if (text == null) {
      return false;
    }
    return switch (shape) {
      case ANY -> true;
      case LITERAL -> literalPart.equals(text);
      case PREFIX -> text.startsWith(literalPart);
      case GENERAL -> match(0, text, 0);
    };
  }

  private boolean match(int p, String text, int t) {
    int patternLength = pattern.length();
    int textLength = text.length();
    while (p < patternLength) {
      char c = pattern.charAt(p);
      if (c == '*') {
        boolean crossesSegments = p + 1 < patternLength && pattern.charAt(p + 1) == '*';
        int rest = crossesSegments ? p + 2 : p + 1;
        if (rest == patternLength) {
          return crossesSegments || text.indexOf(separator, t) < 0;
        }
        for (int k = t; k <= textLength; k++) {
          if (match(rest, text, k)) {
            return true;
          }
          if (k < textLength && !crossesSegments && text.charAt(k) == separator) {
            return false;
          }
        }
        return false;
      }
      if (t >= textLength) {
        return false;
      }
      char actual = text.charAt(t);
      if (c == '?' ? actual == separator : c != actual) {
        return false;
      }
      p++;
      t++;
    }
    return t == textLength;
  }

  public String pattern() {
    return pattern;
  }

  @Override
  public String toString() {
    return pattern;
  }
}

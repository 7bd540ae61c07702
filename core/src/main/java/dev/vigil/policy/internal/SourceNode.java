package dev.vigil.policy.internal;

import java.util.List;
import java.util.Map;

/**
 * A parsed policy document that remembers where each value came from, so that validation errors
 * can name a line and column. Built by {@link SourceReader} from Jackson's streaming parser.
 */
public sealed interface SourceNode {

  int line();

  int column();

  /** A short name of the node's shape for error messages ("a map", "a list", "a string"...). */
  String shape();

  record MapNode(Map<String, SourceNode> entries, int line, int column) implements SourceNode {
    public SourceNode get(String key) {
      return entries.get(key);
    }

    @Override
    public String shape() {
      return "a map";
    }
  }

  record ListNode(List<SourceNode> items, int line, int column) implements SourceNode {
    @Override
    public String shape() {
      return "a list";
    }
  }

  /**
   * A scalar: {@code value} is a String, Long, Double, java.math.BigInteger, Boolean or null;
   * {@code raw} is the text as written (YAML 1.1 reads {@code off} or {@code NO} as booleans).
   */
  record ScalarNode(Object value, String raw, int line, int column) implements SourceNode {
    public ScalarNode(Object value, int line, int column) {
      this(value, value == null ? null : value.toString(), line, column);
    }

    public String text() {
      return raw != null ? raw : value == null ? null : value.toString();
    }

    /** The value, except that a boolean not spelled true/false (YAML 1.1's yes/no/on/off) stays a string. */
    public Object literal() {
      return value instanceof Boolean && raw != null && !raw.equalsIgnoreCase("true") && !raw.equalsIgnoreCase("false")
          ? raw : value;
    }

    @Override
    public String shape() {
      if (value == null) {
        return "null";
      }
      if (value instanceof String) {
        return "a string";
      }
      return value instanceof Boolean ? "a boolean" : "a number";
    }
  }
}

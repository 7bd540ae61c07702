package dev.vigil.receipt;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * RFC 8785 JSON Canonicalization Scheme (JCS): the one byte sequence a JSON value hashes to.
 *
 * <p>Object members are sorted by the UTF-16 code units of their names, no whitespace is
 * emitted, strings carry only the escapes ECMAScript's {@code JSON.stringify} emits, and
 * every number is written as ECMAScript's {@code Number.prototype.toString} writes the IEEE-754
 * double it denotes. Values outside the I-JSON data model (NaN, infinities, lone surrogates)
 * are rejected with {@link IllegalArgumentException} rather than silently altered. Stateless and
 * thread-safe.
 */
public final class CanonicalJson {

  private static final double TWO_POW_53 = 9007199254740992d;
  private static final long MAX_EXACT_INTEGER = 1L << 53;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private CanonicalJson() {}

  /** The canonical text of a Jackson tree. */
  public static String serialize(JsonNode node) {
    StringBuilder out = new StringBuilder(256);
    append(out, node);
    return out.toString();
  }

  /**
   * The canonical text of a plain Java value: {@link JsonNode}, {@link Map} with string keys,
   * {@link Collection}, array of objects, {@link CharSequence}, {@link Number}, {@link Boolean} or null.
   */
  public static String serialize(Object value) {
    StringBuilder out = new StringBuilder(256);
    appendValue(out, value);
    return out.toString();
  }

  /** The canonical UTF-8 bytes of a Jackson tree: what gets hashed. */
  public static byte[] utf8(JsonNode node) {
    return serialize(node).getBytes(StandardCharsets.UTF_8);
  }

  /** A double as ECMAScript's {@code Number.prototype.toString} writes it ({@code -0} becomes {@code 0}). */
  public static String number(double value) {
    StringBuilder out = new StringBuilder(24);
    appendNumber(out, value);
    return out.toString();
  }

  /** Appends the canonical text of a Jackson tree to {@code out}. */
  public static void append(StringBuilder out, JsonNode node) {
    if (node == null || node.isNull()) {
      out.append("null");
      return;
    }
    switch (node.getNodeType()) {
      case OBJECT -> appendObject(out, node);
      case ARRAY -> {
        out.append('[');
        boolean first = true;
        for (JsonNode element : node) {
          if (!first) {
            out.append(',');
          }
          first = false;
          append(out, element);
        }
        out.append(']');
      }
      case STRING -> appendString(out, node.textValue());
      case NUMBER -> appendJacksonNumber(out, node);
      case BOOLEAN -> out.append(node.booleanValue() ? "true" : "false");
      default -> throw new IllegalArgumentException(
          "RFC 8785 has no canonical form for a " + node.getNodeType() + " node");
    }
  }

  private static void appendObject(StringBuilder out, JsonNode node) {
    @SuppressWarnings("unchecked")
    Map.Entry<String, JsonNode>[] members = node.properties().toArray(new Map.Entry[0]);
    // String.compareTo compares UTF-16 code units: exactly the order RFC 8785 section 3.2.3 asks for.
    Arrays.sort(members, Map.Entry.comparingByKey());
    out.append('{');
    for (int i = 0; i < members.length; i++) {
      if (i > 0) {
        out.append(',');
      }
      appendString(out, members[i].getKey());
      out.append(':');
      append(out, members[i].getValue());
    }
    out.append('}');
  }

  private static void appendJacksonNumber(StringBuilder out, JsonNode node) {
    if (node.isIntegralNumber() && node.canConvertToLong()) {
      appendIntegral(out, node.longValue());
    } else {
      // I-JSON numbers are doubles: big integers and decimals are written as the double they denote.
      appendNumber(out, node.doubleValue());
    }
  }

  private static void appendIntegral(StringBuilder out, long value) {
    if (value >= -MAX_EXACT_INTEGER && value <= MAX_EXACT_INTEGER) {
      out.append(value);
    } else {
      appendNumber(out, (double) value);
    }
  }

  private static void appendValue(StringBuilder out, Object value) {
    if (value == null) {
      out.append("null");
    } else if (value instanceof JsonNode node) {
      append(out, node);
    } else if (value instanceof CharSequence text) {
      appendString(out, text.toString());
    } else if (value instanceof Boolean bool) {
      out.append(bool ? "true" : "false");
    } else if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
      appendIntegral(out, ((Number) value).longValue());
    } else if (value instanceof BigInteger big) {
      if (big.bitLength() < 63) {
        appendIntegral(out, big.longValue());
      } else {
        appendNumber(out, big.doubleValue());
      }
    } else if (value instanceof Number number) {
      appendNumber(out, number.doubleValue());
    } else if (value instanceof Map<?, ?> map) {
      appendMap(out, map);
    } else if (value instanceof Collection<?> collection) {
      appendList(out, collection);
    } else if (value instanceof Object[] array) {
      appendList(out, Arrays.asList(array));
    } else {
      throw new IllegalArgumentException("RFC 8785 has no canonical form for " + value.getClass().getName());
    }
  }

  private static void appendMap(StringBuilder out, Map<?, ?> map) {
    List<String> names = new ArrayList<>(map.size());
    for (Object key : map.keySet()) {
      if (!(key instanceof String name)) {
        throw new IllegalArgumentException("JSON object names must be strings, got " + key);
      }
      names.add(name);
    }
    names.sort(null);
    out.append('{');
    boolean first = true;
    for (String name : names) {
      if (!first) {
        out.append(',');
      }
      first = false;
      appendString(out, name);
      out.append(':');
      appendValue(out, map.get(name));
    }
    out.append('}');
  }

  private static void appendList(StringBuilder out, Collection<?> values) {
    out.append('[');
    boolean first = true;
    for (Object element : values) {
      if (!first) {
        out.append(',');
      }
      first = false;
      appendValue(out, element);
    }
    out.append(']');
  }

  /** Appends a JSON string literal with exactly the escapes RFC 8785 section 3.2.2.2 prescribes. */
  public static void appendString(StringBuilder out, String text) {
    out.append('"');
    int length = text.length();
    int copiedUpTo = 0;
    for (int i = 0; i < length; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c != '"' && c != '\\' && !Character.isSurrogate(c)) {
        continue;
      }
      if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(text.charAt(i + 1))) {
        i++;
        continue;
      }
      if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException("lone UTF-16 surrogate at index " + i + ": not valid I-JSON");
      }
      out.append(text, copiedUpTo, i);
      copiedUpTo = i + 1;
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
      }
    }
    out.append(text, copiedUpTo, length).append('"');
  }

  /** Appends an integer as RFC 8785 writes it (as the double it denotes beyond 2^53). */
  public static void appendNumber(StringBuilder out, long value) {
    appendIntegral(out, value);
  }

  /** Appends a double as ECMAScript's {@code Number.prototype.toString} writes it. */
  public static void appendNumber(StringBuilder out, double value) {
    if (!Double.isFinite(value)) {
      throw new IllegalArgumentException("RFC 8785 allows only finite numbers, got " + value);
    }
    if (value == 0) {
      out.append('0');
      return;
    }
    if (value == Math.rint(value) && Math.abs(value) < TWO_POW_53) {
      // Every integer below 2^53 is exact, so its own digits are the shortest round-trip form.
      out.append((long) value);
      return;
    }
    if (value < 0) {
      out.append('-');
      value = -value;
    }
    BigDecimal shortest = shortestRoundTrip(value).stripTrailingZeros();
    String digits = shortest.unscaledValue().toString();
    int k = digits.length();
    int n = k - shortest.scale();
    layout(out, digits, k, n);
  }

  /**
   * The decimal with the fewest significant digits that parses back to {@code value}; among
   * those the closest to it, ties to an even last digit (ECMA-262 Number::toString, note 2).
   * JDK 17's {@code Double.toString} is not always shortest (JDK-4511638), hence this search.
   */
  private static BigDecimal shortestRoundTrip(double value) {
    BigDecimal exact = new BigDecimal(value);
    // Round-tripping is monotonic in the digit count, so a binary search over 1..17 finds the least.
    int low = 1;
    int high = 17;
    while (low < high) {
      int middle = (low + high) >>> 1;
      if (closestRoundTrip(exact, value, middle) != null) {
        high = middle;
      } else {
        low = middle + 1;
      }
    }
    return closestRoundTrip(exact, value, low);
  }

  private static BigDecimal closestRoundTrip(BigDecimal exact, double value, int precision) {
    // Both neighbours are tried: near a power of two the rounding interval is lopsided, so the
    // nearest decimal may miss it while the one on the other side hits.
    BigDecimal down = exact.round(new MathContext(precision, RoundingMode.FLOOR));
    BigDecimal up = exact.round(new MathContext(precision, RoundingMode.CEILING));
    boolean downHits = down.doubleValue() == value;
    boolean upHits = up.doubleValue() == value;
    if (downHits && upHits) {
      int comparison = exact.subtract(down).compareTo(up.subtract(exact));
      if (comparison != 0) {
        return comparison < 0 ? down : up;
      }
      return down.unscaledValue().testBit(0) ? up : down;
    }
    return downHits ? down : upHits ? up : null;
  }

  private static void layout(StringBuilder out, String digits, int k, int n) {
    if (k <= n && n <= 21) {
      out.append(digits);
      out.append("0".repeat(n - k));
    } else if (0 < n && n <= 21) {
      out.append(digits, 0, n).append('.').append(digits, n, k);
    } else if (-6 < n && n <= 0) {
      out.append("0.").append("0".repeat(-n)).append(digits);
    } else {
      int exponent = n - 1;
      out.append(digits.charAt(0));
      if (k > 1) {
        out.append('.').append(digits, 1, k);
      }
      out.append('e').append(exponent >= 0 ? '+' : '-').append(Math.abs(exponent));
    }
  }
}

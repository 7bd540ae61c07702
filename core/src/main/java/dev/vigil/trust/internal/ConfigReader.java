package dev.vigil.trust.internal;

import dev.vigil.trust.SettingsException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one subtree of configuration given as plain values (what Typesafe Config's
 * {@code root().unwrapped()} or Jackson's {@code convertValue(node, Map.class)} produce: maps, lists,
 * numbers, strings, booleans) and collects every problem under its full key, so a settings parser
 * reports all mistakes at once. Durations accept HOCON's forms ({@code 7d}, {@code 30 minutes},
 * {@code 500ms}) and ISO-8601 ({@code PT1H}). Shared by core's settings parsers; not an API.
 */
public final class ConfigReader {

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]+)");
  private static final Map<String, Long> UNIT_MILLIS = units();

  private final String path;
  private final Map<String, ?> values;
  private final List<String> problems;

  private ConfigReader(String path, Map<String, ?> values, List<String> problems) {
    this.path = path;
    this.values = values == null ? Map.of() : values;
    this.problems = problems;
  }

  public static ConfigReader root(String path, Map<String, ?> values) {
    return new ConfigReader(path, values, new ArrayList<>());
  }

  public String path() {
    return path;
  }

  public String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public boolean has(String key) {
    return values.get(key) != null;
  }

  public Set<String> keys() {
    return new TreeSet<>(values.keySet());
  }

  public void problem(String key, String message) {
    problems.add((key == null ? path : keyPath(key)) + ": " + message);
  }

  /** A nested object; a missing one reads as empty, so every key in it takes its default. */
  @SuppressWarnings("unchecked")
  public ConfigReader child(String key) {
    Object value = values.get(key);
    if (value == null) {
      return new ConfigReader(keyPath(key), Map.of(), problems);
    }
    if (value instanceof Map<?, ?> map) {
      return new ConfigReader(keyPath(key), (Map<String, ?>) map, problems);
    }
    problem(key, "must be an object, got " + describe(value));
    return new ConfigReader(keyPath(key), Map.of(), problems);
  }

  /** Records a problem for every key not in {@code known}: a misspelt key must not silently take a default. */
  public void rejectUnknown(Set<String> known) {
    for (String key : keys()) {
      if (!known.contains(key)) {
        problem(key, "unknown key; known keys: " + String.join(", ", new TreeSet<>(known)));
      }
    }
  }

  public long integer(String key, long fallback, long min) {
    Object value = values.get(key);
    if (value == null) {
      return fallback;
    }
    Double number = number(key, value);
    if (number == null) {
      return fallback;
    }
    if (number != Math.rint(number)) {
      problem(key, "must be a whole number, got " + value);
      return fallback;
    }
    if (number < min) {
      problem(key, "must be at least " + min + ", got " + value);
      return fallback;
    }
    return number.longValue();
  }

  public double decimal(String key, double fallback, double min, double max) {
    Object value = values.get(key);
    if (value == null) {
      return fallback;
    }
    Double number = number(key, value);
    if (number == null) {
      return fallback;
    }
    if (!(number >= min && number <= max)) {
      problem(key, "must be in [" + min + ", " + max + "], got " + value);
      return fallback;
    }
    return number;
  }

  public boolean bool(String key, boolean fallback) {
    Object value = values.get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Boolean b) {
      return b;
    }
    String text = value.toString().trim().toLowerCase(Locale.ROOT);
    switch (text) {
      case "true", "yes", "on":
        return true;
      case "false", "no", "off":
        return false;
      default:
        problem(key, "must be true or false, got " + describe(value));
        return fallback;
    }
  }

  public String string(String key, String fallback) {
    Object value = values.get(key);
    if (value == null) {
      return fallback;
    }
    if (value instanceof Map || value instanceof List) {
      problem(key, "must be a string, got " + describe(value));
      return fallback;
    }
    String text = value.toString().trim();
    if (text.isEmpty()) {
      problem(key, "must not be empty");
      return fallback;
    }
    return text;
  }

  public List<String> stringList(String key, List<String> fallback) {
    Object value = values.get(key);
    if (value == null) {
      return fallback;
    }
    if (!(value instanceof List<?> list)) {
      problem(key, "must be a list of strings, got " + describe(value));
      return fallback;
    }
    List<String> out = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      Object item = list.get(i);
      if (item == null || item instanceof Map || item instanceof List || item.toString().isBlank()) {
        problem(key + "[" + i + "]", "must be a non-empty string, got " + describe(item));
      } else {
        out.add(item.toString().trim());
      }
    }
    return List.copyOf(out);
  }

  public Duration duration(String key, Duration fallback) {
    Object value = values.get(key);
    if (value == null) {
      return fallback;
    }
    Duration parsed = parseDuration(value.toString().trim());
    if (parsed == null || parsed.isNegative()) {
      problem(key, "must be a duration such as 7d, 12h, 30m, 10s, 500ms or PT1H, got " + describe(value));
      return fallback;
    }
    return parsed;
  }

  /** A value parsed by {@code parse}; its IllegalArgumentException message becomes the problem. */
  public <T> T parsed(String key, T fallback, Function<String, T> parse) {
    String text = string(key, null);
    if (text == null) {
      return fallback;
    }
    try {
      return parse.apply(text);
    } catch (IllegalArgumentException e) {
      problem(key, e.getMessage());
      return fallback;
    }
  }

  /** Throws a {@link SettingsException} listing every problem recorded through this reader or its children. */
  public void throwIfProblems() {
    if (!problems.isEmpty()) {
      throw new SettingsException(problems);
    }
  }

  public List<String> problems() {
    return List.copyOf(problems);
  }

  static Duration parseDuration(String text) {
    if (text.startsWith("P") || text.startsWith("p")) {
      try {
        return Duration.parse(text.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    Matcher matcher = DURATION.matcher(text);
    if (!matcher.matches()) {
      return null;
    }
    Long unit = UNIT_MILLIS.get(matcher.group(2).toLowerCase(Locale.ROOT));
    if (unit == null) {
      return null;
    }
    return Duration.ofMillis(Math.round(Double.parseDouble(matcher.group(1)) * unit));
  }

  private Double number(String key, Object value) {
    if (value instanceof Number n) {
      return n.doubleValue();
    }
    if (value instanceof String s) {
      try {
        return Double.parseDouble(s.trim());
      } catch (NumberFormatException e) {
        // reported below
      }
    }
    problem(key, "must be a number, got " + describe(value));
    return null;
  }

  private static String describe(Object value) {
    if (value == null) {
      return "nothing";
    }
    if (value instanceof Map) {
      return "an object";
    }
    if (value instanceof List) {
      return "a list";
    }
    return value instanceof String ? "'" + value + "'" : value.toString();
  }

  private static Map<String, Long> units() {
    Map<String, Long> units = new LinkedHashMap<>();
    for (String name : List.of("ms", "milli", "millis", "millisecond", "milliseconds")) {
      units.put(name, 1L);
    }
    for (String name : List.of("s", "second", "seconds")) {
      units.put(name, 1_000L);
    }
    for (String name : List.of("m", "minute", "minutes")) {
      units.put(name, 60_000L);
    }
    for (String name : List.of("h", "hour", "hours")) {
      units.put(name, 3_600_000L);
    }
    for (String name : List.of("d", "day", "days")) {
      units.put(name, 86_400_000L);
    }
    return Map.copyOf(units);
  }
}

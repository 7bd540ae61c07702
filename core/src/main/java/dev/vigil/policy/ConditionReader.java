package dev.vigil.policy;

import dev.vigil.policy.internal.Condition;
import dev.vigil.policy.internal.FieldCondition;
import dev.vigil.policy.internal.FieldPath;
import dev.vigil.policy.internal.Glob;
import dev.vigil.policy.internal.Operator;
import dev.vigil.policy.internal.SourceNode;
import dev.vigil.policy.internal.SourceNode.ListNode;
import dev.vigil.policy.internal.SourceNode.MapNode;
import dev.vigil.policy.internal.SourceNode.ScalarNode;
import dev.vigil.policy.internal.TimeWindow;
import dev.vigil.scan.Severity;
import java.time.DateTimeException;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Compiles condition trees in both languages into {@link Condition}s: Vigil blocks
 * ({@code resource}, {@code parameters}, {@code principal}, {@code time}, {@code scan},
 * {@code all}/{@code any}/{@code not}...) and Authensor conditions ({@code field}/{@code operator}/{@code value}).
 * Returns null where it reported an error.
 */
final class ConditionReader {

  private static final Set<String> BLOCK_KEYS = Set.of("all", "any", "not", "action", "resource", "parameters",
      "context", "principal", "phase", "time", "scan", "fields");
  private static final String[] DAY_NAMES = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

  private final SourceFields fields;

  ConditionReader(SourceFields fields) {
    this.fields = fields;
  }

  // ---- Vigil ----

  Condition vigilBlock(SourceNode node, String path) {
    MapNode block = fields.map(node, path);
    if (block == null) {
      return null;
    }
    fields.onlyKeys(block, path, BLOCK_KEYS);
    List<Condition> parts = new ArrayList<>();
    boolean ok = true;
    for (Map.Entry<String, SourceNode> entry : block.entries().entrySet()) {
      String key = entry.getKey();
      SourceNode value = entry.getValue();
      String at = path + "/" + key;
      List<Condition> produced = switch (key) {
        case "all" -> single(combinator(value, at, true));
        case "any" -> single(combinator(value, at, false));
        case "not" -> {
          Condition inner = vigilBlock(value, at);
          yield inner == null ? null : List.of(new Condition.Not(inner));
        }
        case "action" -> ops(value, FieldPath.parse("action"), at, Operator.GLOB, '.');
        case "resource" -> ops(value, FieldPath.parse("resource"), at, Operator.GLOB, '/');
        case "parameters" -> namedOps(value, "parameters.", at);
        case "context" -> namedOps(value, "context.", at);
        case "fields" -> namedOps(value, "", at);
        case "principal" -> principal(value, at);
        case "phase" -> phase(value, at);
        case "time" -> single(time(value, at));
        case "scan" -> scan(value, at);
        default -> List.of();
      };
      if (produced == null) {
        ok = false;
      } else {
        parts.addAll(produced);
      }
    }
    if (!ok) {
      return null;
    }
    return parts.isEmpty() ? Condition.ALWAYS : Condition.all(parts);
  }

  private static List<Condition> single(Condition condition) {
    return condition == null ? null : List.of(condition);
  }

  private Condition combinator(SourceNode node, String path, boolean all) {
    List<SourceNode> items = fields.list(node, path);
    if (items == null) {
      return null;
    }
    List<Condition> parts = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < items.size(); i++) {
      Condition part = vigilBlock(items.get(i), path + "/" + i);
      ok &= part != null;
      parts.add(part);
    }
    if (!ok) {
      return null;
    }
    if (all) {
      return parts.isEmpty() ? Condition.ALWAYS : Condition.all(parts);
    }
    return new Condition.Any(parts);
  }

  /** {@code {name: spec, ...}} where each name is a dot path under {@code prefix}. */
  private List<Condition> namedOps(SourceNode node, String prefix, String path) {
    MapNode map = fields.map(node, path);
    if (map == null) {
      return null;
    }
    List<Condition> result = new ArrayList<>();
    boolean ok = true;
    for (Map.Entry<String, SourceNode> entry : map.entries().entrySet()) {
      String at = path + "/" + entry.getKey();
      FieldPath field = FieldPath.parse(prefix + entry.getKey());
      if (field == null) {
        fields.error(entry.getValue(), at, "'" + prefix + entry.getKey() + "' is not a field of a request");
        ok = false;
        continue;
      }
      List<Condition> produced = ops(entry.getValue(), field, at, Operator.EQ, '.');
      ok &= produced != null;
      if (produced != null) {
        result.addAll(produced);
      }
    }
    return ok ? result : null;
  }

  /**
   * An operator spec for one field: a scalar (shorthand for {@code shorthand}: eq, or glob for
   * resources), a list (in, or any of several globs) or a map of operators, all of which must hold.
   */
  private List<Condition> ops(SourceNode spec, FieldPath field, String path, Operator shorthand, char globSeparator) {
    if (spec instanceof ScalarNode) {
      return single(fieldOp(field, shorthand, spec, path, globSeparator));
    }
    if (spec instanceof ListNode) {
      return single(fieldOp(field, shorthand == Operator.GLOB ? Operator.GLOB : Operator.IN, spec, path, globSeparator));
    }
    MapNode map = (MapNode) spec;
    List<Condition> result = new ArrayList<>();
    boolean ok = true;
    for (Map.Entry<String, SourceNode> entry : map.entries().entrySet()) {
      String at = path + "/" + entry.getKey();
      Operator operator = Operator.fromVigil(entry.getKey());
      if (operator == null) {
        fields.error(entry.getValue(), at, "unknown operator '" + entry.getKey() + "'; expected one of "
            + Arrays.stream(Operator.values()).map(Operator::vigilName).collect(Collectors.joining(", "))
            + ", prefix, regex");
        ok = false;
        continue;
      }
      Condition condition = fieldOp(field, operator, entry.getValue(), at, globSeparator);
      ok &= condition != null;
      result.add(condition);
    }
    if (result.isEmpty() && ok) {
      fields.error(spec, path, "expected at least one operator");
      return null;
    }
    return ok ? result : null;
  }

  private List<Condition> principal(SourceNode node, String path) {
    MapNode map = fields.map(node, path);
    if (map == null) {
      return null;
    }
    fields.onlyKeys(map, path, Set.of("id", "type", "labels"));
    List<Condition> result = new ArrayList<>();
    boolean ok = true;
    if (map.get("id") != null) {
      List<Condition> c = ops(map.get("id"), FieldPath.parse("principal.id"), path + "/id", Operator.GLOB, '/');
      ok &= c != null;
      if (c != null) result.addAll(c);
    }
    if (map.get("type") != null) {
      List<Condition> c = ops(map.get("type"), FieldPath.parse("principal.type"), path + "/type", Operator.EQ, '.');
      ok &= c != null;
      if (c != null) result.addAll(c);
    }
    if (map.get("labels") != null) {
      List<Condition> c = namedOps(map.get("labels"), "principal.labels.", path + "/labels");
      ok &= c != null;
      if (c != null) result.addAll(c);
    }
    return ok ? result : null;
  }

  private List<Condition> phase(SourceNode node, String path) {
    List<String> names = fields.strings(node, path);
    if (names == null) {
      return null;
    }
    for (String name : names) {
      try {
        dev.vigil.trust.TrustPhase.parse(name);
      } catch (IllegalArgumentException e) {
        fields.error(node, path, e.getMessage());
        return null;
      }
    }
    return single(fieldOp(FieldPath.parse("phase"), Operator.IN, node instanceof ListNode ? node
        : new ListNode(List.of(node), node.line(), node.column()), path, '.'));
  }

  private Condition time(SourceNode node, String path) {
    MapNode map = fields.map(node, path);
    if (map == null) {
      return null;
    }
    fields.onlyKeys(map, path, Set.of("days", "from", "to", "timezone"));
    int daysMask = 0x7f;
    boolean ok = true;
    if (map.get("days") != null) {
      List<String> days = fields.strings(map.get("days"), path + "/days");
      if (days == null) {
        ok = false;
      } else {
        daysMask = 0;
        for (String day : days) {
          int mask = dayMask(day);
          if (mask == 0) {
            fields.error(map.get("days"), path + "/days", "unknown day '" + day + "'; use mon..sun or a range like mon-fri");
            ok = false;
          }
          daysMask |= mask;
        }
      }
    }
    int from = timeOfDay(map.get("from"), path + "/from");
    int to = timeOfDay(map.get("to"), path + "/to");
    ZoneId zone = ZoneId.of("UTC");
    String zoneText = fields.string(map, "timezone", path, false);
    if (zoneText != null) {
      try {
        zone = ZoneId.of(zoneText);
      } catch (DateTimeException e) {
        fields.error(map.get("timezone"), path + "/timezone", "unknown time zone '" + zoneText + "'");
        ok = false;
      }
    }
    if (!ok || from < 0 || to < 0) {
      return null;
    }
    String description = "time " + (map.get("days") == null ? "any day" : String.join(",", fields.strings(map.get("days"), path)))
        + " " + LocalTime.ofSecondOfDay(from) + "-" + LocalTime.ofSecondOfDay(to) + " " + zone;
    return new TimeWindow(daysMask, from, to, zone, description);
  }

  private static int dayMask(String text) {
    String day = text.trim().toLowerCase(Locale.ROOT);
    int dash = day.indexOf('-');
    if (dash > 0) {
      int start = dayIndex(day.substring(0, dash));
      int end = dayIndex(day.substring(dash + 1));
      if (start < 0 || end < 0) {
        return 0;
      }
      int mask = 0;
      for (int d = start; ; d = (d + 1) % 7) {
        mask |= 1 << d;
        if (d == end) {
          return mask;
        }
      }
    }
    int index = dayIndex(day);
    return index < 0 ? 0 : 1 << index;
  }

  private static int dayIndex(String day) {
    for (int i = 0; i < DAY_NAMES.length; i++) {
      if (day.startsWith(DAY_NAMES[i])) {
        return i;
      }
    }
    return -1;
  }

  /** Seconds of the day, 0 when absent, -1 after reporting an error. */
  private int timeOfDay(SourceNode node, String path) {
    if (node == null) {
      return 0;
    }
    if (node instanceof ScalarNode scalar && scalar.value() instanceof String text) {
      try {
        return text.equals("24:00") ? 0 : LocalTime.parse(text).toSecondOfDay();
      } catch (DateTimeParseException e) {
        // reported below
      }
    }
    fields.error(node, path, "expected a time of day in quotes such as \"09:30\", found " + SourceFields.describe(node));
    return -1;
  }

  private List<Condition> scan(SourceNode node, String path) {
    MapNode map = fields.map(node, path);
    if (map == null) {
      return null;
    }
    fields.onlyKeys(map, path, Set.of("min_severity", "max_severity", "any_type", "no_type"));
    FieldPath severity = FieldPath.parse("scan.maxSeverity");
    FieldPath types = FieldPath.parse("scan.findingTypes");
    List<Condition> result = new ArrayList<>();
    boolean ok = true;
    if (map.get("min_severity") != null) {
      Condition c = fieldOp(severity, Operator.GTE, map.get("min_severity"), path + "/min_severity", '.');
      ok &= c != null;
      result.add(c);
    }
    if (map.get("max_severity") != null) {
      Condition c = fieldOp(severity, Operator.LTE, map.get("max_severity"), path + "/max_severity", '.');
      ok &= c != null;
      result.add(c);
    }
    for (String key : new String[] {"any_type", "no_type"}) {
      if (map.get(key) == null) {
        continue;
      }
      List<String> names = fields.strings(map.get(key), path + "/" + key);
      if (names == null) {
        ok = false;
        continue;
      }
      List<Condition> anyOf = new ArrayList<>();
      for (String name : names) {
        anyOf.add(FieldCondition.single(types, Operator.CONTAINS, name, "scan.findingTypes contains " + name));
      }
      Condition any = new Condition.Any(anyOf);
      result.add(key.equals("any_type") ? any : new Condition.Not(any));
    }
    return ok ? result : null;
  }

  // ---- Authensor ----

  Condition authensor(SourceNode node, String path) {
    MapNode map = fields.map(node, path);
    if (map == null) {
      return null;
    }
    if (map.get("all") != null || map.get("any") != null) {
      String key = map.get("all") != null ? "all" : "any";
      fields.onlyKeys(map, path, Set.of(key));
      List<SourceNode> items = fields.list(map.get(key), path + "/" + key);
      if (items == null) {
        return null;
      }
      List<Condition> parts = new ArrayList<>();
      boolean ok = true;
      for (int i = 0; i < items.size(); i++) {
        Condition part = authensor(items.get(i), path + "/" + key + "/" + i);
        ok &= part != null;
        parts.add(part);
      }
      if (!ok) {
        return null;
      }
      return key.equals("all") ? (parts.isEmpty() ? Condition.ALWAYS : Condition.all(parts)) : new Condition.Any(parts);
    }
    if (map.get("not") != null) {
      fields.onlyKeys(map, path, Set.of("not"));
      Condition inner = authensor(map.get("not"), path + "/not");
      return inner == null ? null : new Condition.Not(inner);
    }
    fields.onlyKeys(map, path, Set.of("field", "operator", "value"));
    String fieldText = fields.string(map, "field", path, true);
    String operatorText = fields.string(map, "operator", path, true);
    if (fieldText == null || operatorText == null) {
      return null;
    }
    FieldPath field = FieldPath.parse(fieldText);
    Operator operator = Operator.fromAuthensor(operatorText);
    boolean ok = true;
    if (field == null) {
      fields.error(map.get("field"), path + "/field", "'" + fieldText + "' is not a field of an action envelope");
      ok = false;
    }
    if (operator == null) {
      fields.error(map.get("operator"), path + "/operator", "unknown operator '" + operatorText
          + "'; expected eq, neq, gt, gte, lt, lte, in, notIn, contains, startsWith, endsWith, matches, exists");
      ok = false;
    }
    SourceNode value = map.get("value");
    if (value == null) {
      if (operator == Operator.EXISTS) {
        value = new ScalarNode(Boolean.TRUE, map.line(), map.column());
      } else if (ok) {
        fields.error(map, path + "/value", "'value' is required for operator '" + operatorText + "'");
        return null;
      }
    }
    return ok ? fieldOp(field, operator, value, path + "/value", '.') : null;
  }

  // ---- shared ----

  /** One operator against one field, with its operand checked and prepared; null after an error. */
  private Condition fieldOp(FieldPath field, Operator operator, SourceNode operand, String path, char globSeparator) {
    boolean severity = field.root() == FieldPath.Root.SCAN_SEVERITY;
    String name = field.text() + " " + operator.vigilName() + " ";
    switch (operator) {
      case EQ, NEQ, CONTAINS: {
        Object value = scalar(operand, path, severity);
        if (value == NOTHING) {
          return null;
        }
        return FieldCondition.single(field, operator, value, name + SourceFields.describe(operand));
      }
      case IN, NOT_IN: {
        List<SourceNode> items = fields.list(operand, path);
        if (items == null) {
          return null;
        }
        Object[] values = new Object[items.size()];
        for (int i = 0; i < values.length; i++) {
          values[i] = scalar(items.get(i), path + "/" + i, severity);
          if (values[i] == NOTHING) {
            return null;
          }
        }
        return FieldCondition.oneOf(field, operator, values,
            name + items.stream().map(SourceFields::describe).collect(Collectors.joining(", ", "[", "]")));
      }
      case LT, LTE, GT, GTE: {
        Double bound;
        if (severity) {
          Object ordinal = scalar(operand, path, true);
          bound = ordinal instanceof Long l ? l.doubleValue() : null;
        } else if (operand instanceof ScalarNode scalar && scalar.value() instanceof String text
            && !Double.isNaN(dev.vigil.policy.internal.Values.number(text))) {
          bound = Double.parseDouble(text);
        } else {
          bound = fields.number(operand, path);
        }
        return bound == null ? null : FieldCondition.ordering(field, operator, bound, name + SourceFields.describe(operand));
      }
      case STARTS_WITH, ENDS_WITH: {
        String text = fields.text(operand, path);
        return text == null ? null : FieldCondition.single(field, operator, text, name + "'" + text + "'");
      }
      case MATCHES: {
        String text = fields.text(operand, path);
        if (text == null) {
          return null;
        }
        try {
          return FieldCondition.regex(field, Pattern.compile(text), name + "/" + text + "/");
        } catch (PatternSyntaxException e) {
          fields.error(operand, path, "invalid regular expression: " + e.getDescription() + " near index " + e.getIndex());
          return null;
        }
      }
      case EXISTS: {
        if (operand instanceof ScalarNode scalar && scalar.value() instanceof Boolean b) {
          return FieldCondition.single(field, operator, b, field.text() + (b ? " exists" : " is absent"));
        }
        fields.error(operand, path, "exists takes true or false, found " + operand.shape());
        return null;
      }
      case GLOB: {
        Glob[] globs = fields.globs(operand, path, globSeparator);
        return globs == null ? null : FieldCondition.glob(field, globs, name + Arrays.toString(globs));
      }
      default:
        throw new IllegalStateException(operator.name());
    }
  }

  private static final Object NOTHING = new Object();

  /** A constant: String, Long, Double, Boolean or null; severities become their ordinal; NOTHING after an error. */
  private Object scalar(SourceNode node, String path, boolean severity) {
    if (!(node instanceof ScalarNode scalar)) {
      fields.error(node, path, "expected a single value, found " + node.shape());
      return NOTHING;
    }
    if (severity) {
      try {
        return (long) Severity.fromWire(String.valueOf(scalar.value())).ordinal();
      } catch (IllegalArgumentException e) {
        fields.error(node, path, "unknown severity " + SourceFields.describe(node) + "; expected none, low, medium, high or critical");
        return NOTHING;
      }
    }
    return scalar.value() instanceof java.math.BigInteger big ? big.doubleValue() : scalar.literal();
  }
}

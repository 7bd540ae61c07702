package dev.vigil.policy;

import dev.vigil.policy.internal.DurationText;
import dev.vigil.policy.internal.Glob;
import dev.vigil.policy.internal.Problems;
import dev.vigil.policy.internal.SourceNode;
import dev.vigil.policy.internal.SourceNode.ListNode;
import dev.vigil.policy.internal.SourceNode.MapNode;
import dev.vigil.policy.internal.SourceNode.ScalarNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, located access to a parsed policy for the two readers: each getter reports a precise
 * error (line, rule id, path) and returns null instead of throwing, so that reading continues
 * and every mistake is found in one pass.
 */
final class SourceFields {

  final Problems problems;
  /** The rule being read, attached to errors; null outside rules. */
  String ruleId;

  SourceFields(Problems problems) {
    this.problems = problems;
  }

  void error(SourceNode at, String path, String message) {
    problems.add(at, ruleId, path, message);
  }

  MapNode map(SourceNode node, String path) {
    if (node instanceof MapNode map) {
      return map;
    }
    error(node, path, "expected a map, found " + node.shape());
    return null;
  }

  List<SourceNode> list(SourceNode node, String path) {
    if (node instanceof ListNode list) {
      return list.items();
    }
    error(node, path, "expected a list, found " + node.shape());
    return null;
  }

  void onlyKeys(MapNode map, String path, Set<String> allowed) {
    for (var entry : map.entries().entrySet()) {
      if (!allowed.contains(entry.getKey())) {
        error(entry.getValue(), path + "/" + entry.getKey(),
            "unknown key '" + entry.getKey() + "'; expected one of " + new TreeSet<>(allowed));
      }
    }
  }

  String string(MapNode map, String key, String path, boolean required) {
    SourceNode node = map.get(key);
    if (node == null) {
      if (required) {
        error(map, path + "/" + key, "'" + key + "' is required");
      }
      return null;
    }
    return text(node, path + "/" + key);
  }

  /** A scalar's text; numbers are accepted where a string is expected (version: 2). */
  String text(SourceNode node, String path) {
    if (node instanceof ScalarNode scalar && scalar.value() != null && !(scalar.literal() instanceof Boolean)) {
      return scalar.text();
    }
    error(node, path, "expected a string, found " + node.shape());
    return null;
  }

  /** A string or a list of strings, as a list. */
  List<String> strings(SourceNode node, String path) {
    if (node instanceof ScalarNode) {
      String single = text(node, path);
      return single == null ? null : List.of(single);
    }
    List<SourceNode> items = list(node, path);
    if (items == null) {
      return null;
    }
    List<String> result = new ArrayList<>();
    boolean ok = true;
    for (int i = 0; i < items.size(); i++) {
      String item = text(items.get(i), path + "/" + i);
      ok &= item != null;
      result.add(item);
    }
    return ok ? result : null;
  }

  Boolean bool(MapNode map, String key, String path, boolean fallback) {
    SourceNode node = map.get(key);
    if (node == null) {
      return fallback;
    }
    if (node instanceof ScalarNode scalar && scalar.value() instanceof Boolean b) {
      return b;
    }
    error(node, path + "/" + key, "expected true or false, found " + node.shape());
    return null;
  }

  Long integer(MapNode map, String key, String path, long fallback, long min) {
    SourceNode node = map.get(key);
    if (node == null) {
      return fallback;
    }
    if (node instanceof ScalarNode scalar && scalar.value() instanceof Long value) {
      if (value < min) {
        error(node, path + "/" + key, "must be at least " + min + ", was " + value);
        return null;
      }
      return value;
    }
    error(node, path + "/" + key, "expected a whole number, found " + node.shape());
    return null;
  }

  Double number(SourceNode node, String path) {
    if (node instanceof ScalarNode scalar && scalar.value() instanceof Number n) {
      return n.doubleValue();
    }
    error(node, path, "expected a number, found " + node.shape());
    return null;
  }

  Duration duration(SourceNode node, String path) {
    if (node instanceof ScalarNode scalar && scalar.value() instanceof String text) {
      Duration parsed = DurationText.parse(text);
      if (parsed != null && !parsed.isNegative() && !parsed.isZero()) {
        return parsed;
      }
    }
    error(node, path, "expected a positive duration such as 30s, 10m, 1h, 1d, found " + describe(node));
    return null;
  }

  Glob[] globs(SourceNode node, String path, char separator) {
    List<String> patterns = strings(node, path);
    if (patterns == null) {
      return null;
    }
    if (patterns.isEmpty()) {
      error(node, path, "expected at least one glob");
      return null;
    }
    Glob[] globs = new Glob[patterns.size()];
    for (int i = 0; i < globs.length; i++) {
      String problem = Glob.problemWith(patterns.get(i));
      if (problem != null) {
        error(node, path, problem + ": '" + patterns.get(i) + "'");
        return null;
      }
      globs[i] = Glob.compile(patterns.get(i), separator);
    }
    return globs;
  }

  static String describe(SourceNode node) {
    if (node instanceof ScalarNode scalar && scalar.value() != null) {
      return scalar.literal() instanceof String ? "'" + scalar.text() + "'" : scalar.text();
    }
    return node.shape();
  }

  /** Reads an approval block whose keys are spelled by the caller (Vigil snake_case, Authensor camelCase). */
  ApprovalConfig approval(SourceNode node, String path, String approversKey, String requiredKey, String expiresKey,
      boolean secondsAllowed) {
    MapNode map = map(node, path);
    if (map == null) {
      return null;
    }
    onlyKeys(map, path, Set.of(approversKey, requiredKey, expiresKey));
    List<String> approvers = map.get(approversKey) == null ? List.of() : strings(map.get(approversKey), path + "/" + approversKey);
    Long required = integer(map, requiredKey, path, 1, 1);
    Duration expires = Duration.ofHours(1);
    SourceNode expiresNode = map.get(expiresKey);
    if (expiresNode != null) {
      if (secondsAllowed && expiresNode instanceof ScalarNode scalar && scalar.value() instanceof Long seconds && seconds > 0) {
        expires = Duration.ofSeconds(seconds);
      } else {
        expires = duration(expiresNode, path + "/" + expiresKey);
      }
    }
    if (approvers == null || required == null || expires == null) {
      return null;
    }
    if (!approvers.isEmpty() && required > approvers.size()) {
      error(map, path + "/" + requiredKey, required + " approvals required but only " + approvers.size() + " approvers named");
      return null;
    }
    return new ApprovalConfig(approvers, required.intValue(), expires);
  }
}

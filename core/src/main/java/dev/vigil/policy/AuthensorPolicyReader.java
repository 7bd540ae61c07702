package dev.vigil.policy;

import dev.vigil.policy.internal.CompiledRule;
import dev.vigil.policy.internal.Condition;
import dev.vigil.policy.internal.Glob;
import dev.vigil.policy.internal.Quota;
import dev.vigil.policy.internal.SourceNode;
import dev.vigil.policy.internal.SourceNode.MapNode;
import dev.vigil.policy.internal.SourceNode.ScalarNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads an Authensor JSON policy unchanged into a {@link CompiledPolicy} with Authensor's
 * semantics: rules in source order, first match wins, {@code require_approval} becomes
 * {@link Effect#ESCALATE}, no {@code defaultEffect} passes to the next policy.
 */
final class AuthensorPolicyReader {

  private static final Pattern SEMVER = Pattern.compile(
      "\\d+\\.\\d+\\.\\d+(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");
  private static final Set<String> METADATA = Set.of("metadata", "tags", "createdAt", "updatedAt", "createdBy",
      "updatedBy", "$schema");
  private static final Set<String> TOP_KEYS = union(METADATA, Set.of("id", "name", "description", "version",
      "enabled", "priority", "scope", "defaultEffect", "rules"));
  private static final Set<String> RULE_KEYS = union(METADATA, Set.of("id", "name", "description", "effect",
      "condition", "rateLimit", "approvalConfig", "enabled"));

  private final SourceFields fields;
  private final ConditionReader conditions;

  AuthensorPolicyReader(SourceFields fields) {
    this.fields = fields;
    this.conditions = new ConditionReader(fields);
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }

  /** Whether a document has Authensor's shape rather than Vigil's. */
  static boolean looksLikeAuthensor(MapNode root) {
    if (root.get("schema") != null) {
      return false;
    }
    if (root.get("defaultEffect") != null || root.get("scope") instanceof MapNode scope
        && (scope.get("actionTypes") != null || scope.get("principalTypes") != null)) {
      return true;
    }
    if (root.get("rules") instanceof SourceNode.ListNode rules) {
      for (SourceNode rule : rules.items()) {
        if (rule instanceof MapNode map && (map.get("condition") != null || map.get("rateLimit") != null
            || map.get("effect") instanceof ScalarNode effect && "require_approval".equals(effect.value()))) {
          return true;
        }
      }
    }
    return false;
  }

  CompiledPolicy read(MapNode root, String source, String sha256) {
    fields.onlyKeys(root, "", TOP_KEYS);
    String id = fields.string(root, "id", "", true);
    String version = fields.string(root, "version", "", true);
    if (version != null && !SEMVER.matcher(version).matches()) {
      fields.error(root.get("version"), "/version", "version must be semver (major.minor.patch), was '" + version + "'");
    }
    String name = fields.string(root, "name", "", false);
    Boolean enabled = fields.bool(root, "enabled", "", true);
    Long priority = 0L;
    if (root.get("priority") != null) {
      Double p = fields.number(root.get("priority"), "/priority");
      priority = p == null ? null : p.longValue();
    }
    Glob[] actionTypes = null;
    Set<String> principalTypes = null;
    Set<String> environments = null;
    if (root.get("scope") != null) {
      MapNode scope = fields.map(root.get("scope"), "/scope");
      if (scope != null) {
        fields.onlyKeys(scope, "/scope", Set.of("actionTypes", "principalTypes", "environments"));
        if (scope.get("actionTypes") != null) {
          actionTypes = fields.globs(scope.get("actionTypes"), "/scope/actionTypes", '.');
        }
        principalTypes = optionalSet(scope.get("principalTypes"), "/scope/principalTypes");
        environments = optionalSet(scope.get("environments"), "/scope/environments");
      }
    }
    Effect defaultEffect = null;
    String defaultText = fields.string(root, "defaultEffect", "", false);
    if (defaultText != null) {
      defaultEffect = effect(defaultText, root.get("defaultEffect"), "/defaultEffect");
    }
    List<CompiledRule> rules = new ArrayList<>();
    if (root.get("rules") == null) {
      fields.error(root, "/rules", "'rules' is required");
    } else {
      List<SourceNode> items = fields.list(root.get("rules"), "/rules");
      if (items != null) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
          CompiledRule rule = rule(items.get(i), "/rules/" + i, id, seen);
          fields.ruleId = null;
          if (rule != null) {
            rules.add(rule);
          }
        }
      }
    }
    if (!fields.problems.isEmpty()) {
      return null;
    }
    String defaultReason = defaultEffect == null ? null : "no rule matched: policy default is " + defaultText;
    return new CompiledPolicy(new PolicyRef(id, version, sha256), name == null ? id : name, PolicyFormat.AUTHENSOR,
        enabled, priority, actionTypes, principalTypes, environments, defaultEffect, defaultReason,
        ApprovalConfig.DEFAULT, rules, new Glob[0], new Glob[0], source);
  }

  private Set<String> optionalSet(SourceNode node, String path) {
    if (node == null) {
      return null;
    }
    List<String> values = fields.strings(node, path);
    return values == null || values.isEmpty() ? null : Set.copyOf(values);
  }

  private Effect effect(String text, SourceNode at, String path) {
    switch (text) {
      case "allow": return Effect.ALLOW;
      case "deny": return Effect.DENY;
      case "require_approval": return Effect.ESCALATE;
      default:
        fields.error(at, path, "unknown effect '" + text + "'; expected allow, deny or require_approval");
        return null;
    }
  }

  private CompiledRule rule(SourceNode node, String path, String policyId, Set<String> seen) {
    MapNode map = fields.map(node, path);
    if (map == null) {
      return null;
    }
    String id = fields.string(map, "id", path, true);
    fields.ruleId = id;
    fields.onlyKeys(map, path, RULE_KEYS);
    if (id != null && !seen.add(id)) {
      fields.error(map.get("id"), path + "/id", "duplicate rule id '" + id + "'");
    }
    String effectText = fields.string(map, "effect", path, true);
    Effect effect = effectText == null ? null : effect(effectText, map.get("effect"), path + "/effect");
    Boolean enabled = fields.bool(map, "enabled", path, true);
    Condition condition = map.get("condition") == null ? Condition.ALWAYS
        : conditions.authensor(map.get("condition"), path + "/condition");
    Quota[] quotas = new Quota[0];
    if (map.get("rateLimit") != null) {
      Quota quota = new VigilPolicyReader(fields).rateLimit(map.get("rateLimit"), path + "/rateLimit", policyId, id, "requests");
      quotas = quota == null ? quotas : new Quota[] {quota};
    }
    ApprovalConfig approval = ApprovalConfig.DEFAULT;
    if (map.get("approvalConfig") != null) {
      approval = fields.approval(map.get("approvalConfig"), path + "/approvalConfig", "approvers", "requiredApprovals",
          "expiresIn", true);
    }
    String name = fields.string(map, "name", path, false);
    String description = fields.string(map, "description", path, false);
    if (id == null || effect == null || condition == null || enabled == null || approval == null) {
      return null;
    }
    String reason = description != null ? description : name != null ? name : "matched rule " + id;
    return new CompiledRule(id, name == null ? id : name, effect, reason, null, CompiledRule.ALL_PHASES, "all",
        condition, quotas, approval, null, enabled);
  }
}

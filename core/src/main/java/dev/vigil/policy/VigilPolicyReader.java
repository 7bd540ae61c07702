package dev.vigil.policy;

import dev.vigil.policy.internal.CompiledRule;
import dev.vigil.policy.internal.Condition;
import dev.vigil.policy.internal.FieldPath;
import dev.vigil.policy.internal.Glob;
import dev.vigil.policy.internal.Quota;
import dev.vigil.policy.internal.SourceNode;
import dev.vigil.policy.internal.SourceNode.MapNode;
import dev.vigil.trust.TrustPhase;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads a Vigil-language policy ({@code schema: vigil/v1}) into a {@link CompiledPolicy}, reporting every error. */
final class VigilPolicyReader {

  static final String SCHEMA = "vigil/v1";
  static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

  private static final Set<String> TOP_KEYS = Set.of("schema", "id", "name", "version", "description", "enabled",
      "priority", "default", "default_reason", "scope", "action_kinds", "approval", "rules");
  private static final Set<String> RULE_KEYS = Set.of("id", "name", "description", "enabled", "action", "effect",
      "reason", "phases", "kind", "when", "rate_limit", "budget", "approval");
  private static final Glob[] NONE = new Glob[0];

  private final SourceFields fields;
  private final ConditionReader conditions;

  VigilPolicyReader(SourceFields fields) {
    this.fields = fields;
    this.conditions = new ConditionReader(fields);
  }

  CompiledPolicy read(MapNode root, String source, String sha256) {
    fields.onlyKeys(root, "", TOP_KEYS);
    String schema = fields.string(root, "schema", "", true);
    if (schema != null && !schema.equals(SCHEMA)) {
      fields.error(root.get("schema"), "/schema", "unsupported schema '" + schema + "'; this engine reads " + SCHEMA);
    }
    String id = fields.string(root, "id", "", true);
    if (id != null && !ID.matcher(id).matches()) {
      fields.error(root.get("id"), "/id", "an id is 1-128 letters, digits, '.', '_', ':' or '-', starting with a letter or digit");
    }
    String version = fields.string(root, "version", "", true);
    String name = fields.string(root, "name", "", false);
    Boolean enabled = fields.bool(root, "enabled", "", true);
    Long priority = fields.integer(root, "priority", "", 0, Long.MIN_VALUE);
    Effect defaultEffect = Effect.DENY;
    boolean fallsThrough = false;
    String defaultText = fields.string(root, "default", "", false);
    if (defaultText != null) {
      if (defaultText.equals("none")) {
        fallsThrough = true;
      } else {
        defaultEffect = effect(defaultText, root.get("default"), "/default");
      }
    }
    String defaultReason = fields.string(root, "default_reason", "", false);
    if (defaultReason == null && defaultEffect != null) {
      defaultReason = "no rule matched: policy default is " + defaultEffect.wireName();
    }
    ApprovalConfig defaultApproval = ApprovalConfig.DEFAULT;
    if (root.get("approval") != null) {
      defaultApproval = approval(root.get("approval"), "/approval");
    }
    Scope scope = root.get("scope") == null ? new Scope(null, null, null) : scope(root.get("scope"));
    Glob[] reads = NONE;
    Glob[] writes = NONE;
    if (root.get("action_kinds") != null) {
      MapNode kinds = fields.map(root.get("action_kinds"), "/action_kinds");
      if (kinds != null) {
        fields.onlyKeys(kinds, "/action_kinds", Set.of("read", "write"));
        reads = kinds.get("read") == null ? NONE : fields.globs(kinds.get("read"), "/action_kinds/read", '.');
        writes = kinds.get("write") == null ? NONE : fields.globs(kinds.get("write"), "/action_kinds/write", '.');
      }
    }
    List<CompiledRule> rules = new ArrayList<>();
    SourceNode rulesNode = root.get("rules");
    if (rulesNode == null) {
      fields.error(root, "/rules", "'rules' is required (it may be an empty list)");
    } else {
      List<SourceNode> items = fields.list(rulesNode, "/rules");
      if (items != null) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < items.size(); i++) {
          CompiledRule rule = rule(items.get(i), "/rules/" + i, id, defaultApproval, seen);
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
    return new CompiledPolicy(new PolicyRef(id, version, sha256), name == null ? id : name, PolicyFormat.VIGIL,
        enabled, priority, scope.actions, scope.principalTypes, scope.environments,
        fallsThrough ? null : defaultEffect, defaultReason, defaultApproval, rules,
        reads == null ? NONE : reads, writes == null ? NONE : writes, source);
  }

  private record Scope(Glob[] actions, Set<String> principalTypes, Set<String> environments) {}

  private Scope scope(SourceNode node) {
    MapNode map = fields.map(node, "/scope");
    if (map == null) {
      return new Scope(null, null, null);
    }
    fields.onlyKeys(map, "/scope", Set.of("actions", "principal_types", "environments"));
    Glob[] actions = map.get("actions") == null ? null : fields.globs(map.get("actions"), "/scope/actions", '.');
    return new Scope(actions, stringSet(map.get("principal_types"), "/scope/principal_types"),
        stringSet(map.get("environments"), "/scope/environments"));
  }

  private Set<String> stringSet(SourceNode node, String path) {
    if (node == null) {
      return null;
    }
    List<String> values = fields.strings(node, path);
    return values == null ? null : Set.copyOf(new LinkedHashSet<>(values));
  }

  private Effect effect(String text, SourceNode at, String path) {
    switch (text) {
      case "allow": return Effect.ALLOW;
      case "deny": return Effect.DENY;
      case "escalate": return Effect.ESCALATE;
      default:
        fields.error(at, path, "unknown effect '" + text + "'; expected allow, deny or escalate"
            + (path.equals("/default") ? " (or none to pass to the next policy)" : ""));
        return null;
    }
  }

  private ApprovalConfig approval(SourceNode node, String path) {
    return fields.approval(node, path, "approvers", "required_approvals", "expires_in", false);
  }

  private CompiledRule rule(SourceNode node, String path, String policyId, ApprovalConfig defaultApproval,
      Set<String> seen) {
    MapNode map = fields.map(node, path);
    if (map == null) {
      return null;
    }
    String id = fields.string(map, "id", path, true);
    fields.ruleId = id;
    fields.onlyKeys(map, path, RULE_KEYS);
    if (id != null && !ID.matcher(id).matches()) {
      fields.error(map.get("id"), path + "/id", "a rule id is 1-128 letters, digits, '.', '_', ':' or '-'");
    }
    if (id != null && !seen.add(id)) {
      fields.error(map.get("id"), path + "/id", "duplicate rule id '" + id + "'");
    }
    String effectText = fields.string(map, "effect", path, true);
    Effect effect = effectText == null ? null : effect(effectText, map.get("effect"), path + "/effect");
    Boolean enabled = fields.bool(map, "enabled", path, true);
    Glob[] actions = map.get("action") == null
        ? new Glob[] {Glob.compile("**", '.')}
        : fields.globs(map.get("action"), path + "/action", '.');
    int phaseMask = CompiledRule.ALL_PHASES;
    String phasesText = "all";
    if (map.get("phases") != null) {
      List<String> phases = fields.strings(map.get("phases"), path + "/phases");
      if (phases != null) {
        phaseMask = 0;
        for (String phase : phases) {
          try {
            phaseMask |= 1 << TrustPhase.parse(phase).ordinal();
          } catch (IllegalArgumentException e) {
            fields.error(map.get("phases"), path + "/phases", e.getMessage());
          }
        }
        phasesText = phases.toString();
      }
    }
    ActionKind kind = null;
    String kindText = fields.string(map, "kind", path, false);
    if (kindText != null) {
      switch (kindText) {
        case "read" -> kind = ActionKind.READ;
        case "write" -> kind = ActionKind.WRITE;
        default -> fields.error(map.get("kind"), path + "/kind", "unknown kind '" + kindText + "'; expected read or write");
      }
    }
    Condition condition = map.get("when") == null ? Condition.ALWAYS : conditions.vigilBlock(map.get("when"), path + "/when");
    List<Quota> quotas = new ArrayList<>();
    if (map.get("rate_limit") != null) {
      Quota quota = rateLimit(map.get("rate_limit"), path + "/rate_limit", policyId, id, "requests");
      if (quota != null) {
        quotas.add(quota);
      }
    }
    if (map.get("budget") != null) {
      Quota quota = budget(map.get("budget"), path + "/budget", policyId, id);
      if (quota != null) {
        quotas.add(quota);
      }
    }
    if (effect == Effect.DENY && !quotas.isEmpty()) {
      fields.error(map, path, "a deny rule cannot carry a rate_limit or budget: limits apply to what a rule allows");
    }
    ApprovalConfig approval = defaultApproval;
    if (map.get("approval") != null) {
      approval = approval(map.get("approval"), path + "/approval");
      if (effect != null && effect != Effect.ESCALATE) {
        fields.error(map.get("approval"), path + "/approval", "approval settings only apply to escalate rules");
      }
    }
    String reason = fields.string(map, "reason", path, false);
    if (id == null || effect == null || actions == null || condition == null || enabled == null) {
      return null;
    }
    if (reason == null) {
      reason = switch (effect) {
        case ALLOW -> "allowed by rule " + id;
        case DENY -> "denied by rule " + id;
        case ESCALATE -> "needs human approval (rule " + id + ")";
      };
    }
    String name = fields.string(map, "name", path, false);
    return new CompiledRule(id, name == null ? id : name, effect, reason, actions, phaseMask, phasesText, condition,
        quotas.toArray(new Quota[0]), approval, kind, enabled);
  }

  Quota rateLimit(SourceNode node, String path, String policyId, String ruleId, String countKey) {
    MapNode map = fields.map(node, path);
    if (map == null) {
      return null;
    }
    fields.onlyKeys(map, path, Set.of(countKey, "window", "scope"));
    Long requests = fields.integer(map, countKey, path, -1, 1);
    if (requests != null && requests < 0) {
      fields.error(map, path + "/" + countKey, "'" + countKey + "' is required");
      requests = null;
    }
    Duration window = window(map, path);
    Quota.Scope scope = quotaScope(map, path);
    if (requests == null || window == null || scope == null) {
      return null;
    }
    return new Quota(Quota.Kind.RATE, requests, window, scope, null, policyId, ruleId, fields.string(map, "window", path, false));
  }

  private Quota budget(SourceNode node, String path, String policyId, String ruleId) {
    MapNode map = fields.map(node, path);
    if (map == null) {
      return null;
    }
    fields.onlyKeys(map, path, Set.of("parameter", "limit", "window", "scope"));
    String parameter = fields.string(map, "parameter", path, true);
    FieldPath amount = parameter == null ? null : FieldPath.parameter(parameter);
    if (parameter != null && amount == null) {
      fields.error(map.get("parameter"), path + "/parameter", "'" + parameter + "' is not a parameter path");
    }
    Double limit = null;
    if (map.get("limit") == null) {
      fields.error(map, path + "/limit", "'limit' is required");
    } else {
      limit = fields.number(map.get("limit"), path + "/limit");
      if (limit != null && !(limit > 0)) {
        fields.error(map.get("limit"), path + "/limit", "must be greater than 0");
        limit = null;
      }
    }
    Duration window = window(map, path);
    Quota.Scope scope = quotaScope(map, path);
    if (amount == null || limit == null || window == null || scope == null) {
      return null;
    }
    return new Quota(Quota.Kind.BUDGET, limit, window, scope, amount, policyId, ruleId, fields.string(map, "window", path, false));
  }

  private Duration window(MapNode map, String path) {
    if (map.get("window") == null) {
      fields.error(map, path + "/window", "'window' is required");
      return null;
    }
    return fields.duration(map.get("window"), path + "/window");
  }

  private Quota.Scope quotaScope(MapNode map, String path) {
    String text = fields.string(map, "scope", path, false);
    if (text == null) {
      return map.get("scope") == null ? Quota.Scope.PRINCIPAL : null;
    }
    try {
      return Quota.Scope.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      fields.error(map.get("scope"), path + "/scope", "unknown scope '" + text + "'; expected principal, action or global");
      return null;
    }
  }
}

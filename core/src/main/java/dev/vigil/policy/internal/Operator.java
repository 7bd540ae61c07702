package dev.vigil.policy.internal;

import java.util.Locale;

/** The comparisons a field condition can make. Vigil spells them snake_case, Authensor camelCase. */
public enum Operator {
  EQ("eq"), NEQ("neq"), IN("in"), NOT_IN("not_in"), LT("lt"), LTE("lte"), GT("gt"), GTE("gte"),
  CONTAINS("contains"), STARTS_WITH("starts_with"), ENDS_WITH("ends_with"), MATCHES("matches"),
  EXISTS("exists"), GLOB("glob");

  private final String vigilName;

  Operator(String vigilName) {
    this.vigilName = vigilName;
  }

  public String vigilName() {
    return vigilName;
  }

  public static Operator fromVigil(String name) {
    for (Operator op : values()) {
      if (op.vigilName.equals(name)) {
        return op;
      }
    }
    return name.equals("prefix") ? STARTS_WITH : name.equals("regex") ? MATCHES : null;
  }

  /** Authensor names: eq, neq, gt, gte, lt, lte, in, notIn, contains, startsWith, endsWith, matches, exists. */
  public static Operator fromAuthensor(String name) {
    return switch (name) {
      case "notIn" -> NOT_IN;
      case "startsWith" -> STARTS_WITH;
      case "endsWith" -> ENDS_WITH;
      case "eq", "neq", "gt", "gte", "lt", "lte", "in", "contains", "matches", "exists" ->
          valueOf(name.toUpperCase(Locale.ROOT));
      default -> null;
    };
  }

  public boolean isOrdering() {
    return this == LT || this == LTE || this == GT || this == GTE;
  }
}

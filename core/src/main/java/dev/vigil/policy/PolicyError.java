package dev.vigil.policy;

/**
 * One problem found in a policy source. {@code line} and {@code column} are 1-based (0 when
 * unknown), {@code ruleId} is null outside a rule, {@code path} is a JSON-pointer-like location
 * such as {@code /rules/2/when/parameters/amount/gt}.
 */
public record PolicyError(int line, int column, String ruleId, String path, String message) {

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    text.append(line).append(':').append(column).append(": ");
    if (ruleId != null) {
      text.append("rule '").append(ruleId).append("': ");
    }
    return text.append(path.isEmpty() ? "/" : path).append(": ").append(message).toString();
  }
}

package dev.vigil.policy.internal;

import dev.vigil.policy.PolicyError;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every validation error of one compilation, so that all are reported at once. */
public final class Problems {

  private final List<PolicyError> errors = new ArrayList<>();

  public void add(SourceNode at, String ruleId, String path, String message) {
    errors.add(new PolicyError(at == null ? 0 : at.line(), at == null ? 0 : at.column(), ruleId, path, message));
  }

  public void add(int line, int column, String ruleId, String path, String message) {
    errors.add(new PolicyError(line, column, ruleId, path, message));
  }

  public boolean isEmpty() {
    return errors.isEmpty();
  }

  public List<PolicyError> sorted() {
    List<PolicyError> copy = new ArrayList<>(errors);
    copy.sort(Comparator.comparingInt(PolicyError::line).thenComparingInt(PolicyError::column));
    return copy;
  }
}

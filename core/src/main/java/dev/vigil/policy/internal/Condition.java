package dev.vigil.policy.internal;

import dev.vigil.policy.EvaluationRequest;
import dev.vigil.policy.Explanation.ConditionTrace;
import java.util.List;

/**
 * A compiled predicate over a request. {@link #test} is the hot path and must not allocate;
 * {@link #trace} re-runs the predicate and records each sub-condition's outcome for explanations.
 */
public interface Condition {

  Condition ALWAYS = new Condition() {
    @Override
    public boolean test(EvaluationRequest request) {
      return true;
    }

    @Override
    public String describe() {
      return "always";
    }
  };

  boolean test(EvaluationRequest request);

  /** A human-readable form, built at compile time. */
  String describe();

  default void trace(EvaluationRequest request, int depth, List<ConditionTrace> out) {
    out.add(new ConditionTrace(depth, describe(), test(request)));
  }

  static Condition all(List<Condition> parts) {
    return parts.size() == 1 ? parts.get(0) : new All(parts.toArray(new Condition[0]));
  }

  /** True when every part is; an empty list is true. */
  final class All implements Condition {
    private final Condition[] parts;

    All(Condition[] parts) {
      this.parts = parts;
    }

    @Override
    public boolean test(EvaluationRequest request) {
      for (Condition part : parts) {
        if (!part.test(request)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String describe() {
      return "all of " + parts.length;
    }

    @Override
    public void trace(EvaluationRequest request, int depth, List<ConditionTrace> out) {
      out.add(new ConditionTrace(depth, describe(), test(request)));
      for (Condition part : parts) {
        part.trace(request, depth + 1, out);
      }
    }
  }

  /** True when at least one part is; an empty list is false. */
  final class Any implements Condition {
    private final Condition[] parts;

    public Any(List<Condition> parts) {
      this.parts = parts.toArray(new Condition[0]);
    }

    @Override
    public boolean test(EvaluationRequest request) {
      for (Condition part : parts) {
        if (part.test(request)) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String describe() {
      return "any of " + parts.length;
    }

    @Override
    public void trace(EvaluationRequest request, int depth, List<ConditionTrace> out) {
      out.add(new ConditionTrace(depth, describe(), test(request)));
      for (Condition part : parts) {
        part.trace(request, depth + 1, out);
      }
    }
  }

  /** Negation. */
  final class Not implements Condition {
    private final Condition inner;

    public Not(Condition inner) {
      this.inner = inner;
    }

    @Override
    public boolean test(EvaluationRequest request) {
      return !inner.test(request);
    }

    @Override
    public String describe() {
      return "not";
    }

    @Override
    public void trace(EvaluationRequest request, int depth, List<ConditionTrace> out) {
      out.add(new ConditionTrace(depth, describe(), test(request)));
      inner.trace(request, depth + 1, out);
    }
  }
}

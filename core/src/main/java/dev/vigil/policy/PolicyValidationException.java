package dev.vigil.policy;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a policy source is rejected; carries every error found, never just the first. */
public final class PolicyValidationException extends RuntimeException {

  private final transient List<PolicyError> errors;

  public PolicyValidationException(List<PolicyError> errors) {
    super(errors.size() + " error(s) in policy:\n"
        + errors.stream().map(PolicyError::toString).collect(Collectors.joining("\n")));
    this.errors = List.copyOf(errors);
  }

  public List<PolicyError> errors() {
    return errors;
  }
}

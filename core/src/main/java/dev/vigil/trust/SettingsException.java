package dev.vigil.trust;

import java.util.List;

/**
 * Configuration that cannot be used, with every problem found, each naming its full key
 * ({@code vigil.trust.phases.read-only.promotion.min-investigations: must be at least 0, got -1}).
 */
public final class SettingsException extends IllegalArgumentException {

  private final List<String> problems;

  public SettingsException(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}

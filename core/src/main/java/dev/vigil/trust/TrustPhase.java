package dev.vigil.trust;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The trust phases an agent climbs through, from least to most trusted. Every policy request
 * carries the agent's current phase; rules may name the phases they apply to.
 */
public enum TrustPhase {
  SHADOW("shadow"),
  READ_ONLY("read-only"),
  LIMITED_WRITE("limited-write"),
  AUTONOMOUS("autonomous");

  private static final TrustPhase[] ORDER = values();

  private final String wireName;

  TrustPhase(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  /** Parses a wire name ({@code read-only}); the enum constant name ({@code READ_ONLY}) is accepted too. */
  public static TrustPhase parse(String text) {
    if (text != null) {
      String trimmed = text.trim();
      for (TrustPhase phase : ORDER) {
        if (phase.wireName.equalsIgnoreCase(trimmed) || phase.name().equals(trimmed.toUpperCase(Locale.ROOT))) {
          return phase;
        }
      }
    }
    throw new IllegalArgumentException(
        "unknown trust phase '" + text + "'; valid phases: " + validNames());
  }

  public static String validNames() {
    return Arrays.stream(ORDER).map(TrustPhase::wireName).collect(Collectors.joining(", "));
  }

  public Optional<TrustPhase> next() {
    return ordinal() + 1 < ORDER.length ? Optional.of(ORDER[ordinal() + 1]) : Optional.empty();
  }

  public Optional<TrustPhase> previous() {
    return ordinal() > 0 ? Optional.of(ORDER[ordinal() - 1]) : Optional.empty();
  }
}

package dev.vigil.scan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** Ordered severity of a finding: {@code NONE < LOW < MEDIUM < HIGH < CRITICAL}; wire names are lower-case. */
public enum Severity {
  NONE,
  LOW,
  MEDIUM,
  HIGH,
  CRITICAL;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static Severity fromWire(String wire) {
    return valueOf(wire.trim().toUpperCase(Locale.ROOT));
  }

  public boolean atLeast(Severity other) {
    return compareTo(other) >= 0;
  }

  /** One step up, saturating at {@link #CRITICAL}. */
  public Severity raised() {
    return this == CRITICAL ? CRITICAL : values()[ordinal() + 1];
  }

  public static Severity max(Severity a, Severity b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}

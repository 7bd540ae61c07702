package dev.vigil.scan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/** What kind of risk a {@link Finding} reports; the wire name is the lower-case snake form. */
public enum FindingType {
  PROMPT_INJECTION,
  JAILBREAK,
  SECRET,
  PII,
  EXFILTRATION;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  @JsonCreator
  public static FindingType fromWire(String wire) {
    return valueOf(wire.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}

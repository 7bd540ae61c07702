package dev.vigil.scan;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * Where scanned text came from. Instructions addressed to the model inside a {@link #TOOL_RESULT}
 * (an email, a web page, a file) are indirect injection, so they are judged more strictly there.
 */
public enum ContentSource {
  /** Text the agent sends with an action (content, parameters). */
  AGENT,
  /** Text a tool returned to the agent (web page, email, file, API response). */
  TOOL_RESULT,
  /** Text typed by a human user. */
  USER;

  @JsonValue
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @JsonCreator
  public static ContentSource fromWire(String wire) {
    return valueOf(wire.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
  }
}

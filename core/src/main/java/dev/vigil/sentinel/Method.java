package dev.vigil.sentinel;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The detector that raised an alert. */
public enum Method {
  /** Beyond k standard deviations of the exponentially weighted mean. */
  EWMA("ewma"),
  /** A cumulative sum of standardized deviations crossed its threshold. */
  CUSUM("cusum"),
  /** An action family never seen in the baseline. */
  NEW_FAMILY("new-family"),
  /** The recent family mix drifted from the baseline mix (Jensen-Shannon divergence). */
  DIVERGENCE("divergence");

  private final String wireName;

  Method(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  @JsonCreator
  public static Method fromWire(String text) {
    for (Method method : values()) {
      if (method.wireName.equals(text) || method.name().equals(text)) {
        return method;
      }
    }
    throw new IllegalArgumentException("unknown method '" + text + "'");
  }
}

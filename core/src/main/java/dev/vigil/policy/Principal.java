package dev.vigil.policy;

import java.util.Map;
import java.util.Objects;

/** Who asks: an agent (or a human, a service) with an id, a type and free-form labels. */
public record Principal(String id, String type, Map<String, String> labels) {

  public Principal {
    Objects.requireNonNull(id, "principal id");
    type = type == null ? "agent" : type;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
  }

  public static Principal agent(String id) {
    return new Principal(id, "agent", Map.of());
  }
}

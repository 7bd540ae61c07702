package dev.vigil.persistence.keys;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What an API key may do: {@code admin} manages keys and everything else, {@code operator} runs Vigil, {@code agent} acts. */
public enum Role {
  ADMIN,
  OPERATOR,
  AGENT;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Role parse(String value) {
    for (Role role : values()) {
      if (role.wireName().equals(value)) {
        return role;
      }
    }
    throw new IllegalArgumentException("role must be one of "
        + Arrays.stream(values()).map(Role::wireName).collect(Collectors.joining(", ")) + ", got '" + value + "'");
  }
}

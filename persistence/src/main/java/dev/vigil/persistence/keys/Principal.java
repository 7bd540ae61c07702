package dev.vigil.persistence.keys;

import java.util.Optional;

/** Who is calling, as established by a valid, unrevoked API key. */
public record Principal(String keyId, String name, Role role, Optional<String> agentId) {}

package dev.vigil.persistence.policies;

import java.time.Instant;
import java.util.Optional;

/** Which revision of a policy is active and which (if any) is evaluated in shadow beside it. */
public record PolicyHead(String policyId, Optional<Integer> activeRevision, Optional<Integer> shadowRevision,
    Instant updatedAt) {}

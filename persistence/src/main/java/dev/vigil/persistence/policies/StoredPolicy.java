package dev.vigil.persistence.policies;

import java.time.Instant;
import java.util.Optional;

/** One uploaded version of a policy: Vigil's revision number, the policy's own version, its hash and source. */
public record StoredPolicy(String policyId, int revision, String declaredVersion, String format, String sha256,
    String source, Instant uploadedAt, Optional<String> uploadedBy) {}

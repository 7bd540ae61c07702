package dev.vigil.persistence.investigations;

import java.time.Instant;

/** One investigation as the read model lists it (no leases, no secrets). */
public record InvestigationRow(String investigationId, String agentId, String state, String phase, String jobName,
    String outcome, String reason, int queuePosition, int decisions, Instant requestedAt, Instant launchedAt,
    Instant endedAt, Instant updatedAt) {}

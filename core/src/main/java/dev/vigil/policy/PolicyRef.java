package dev.vigil.policy;

/** Names the exact policy text a decision came from: its id, declared version and SHA-256 of the canonical source. */
public record PolicyRef(String id, String version, String sha256) {}

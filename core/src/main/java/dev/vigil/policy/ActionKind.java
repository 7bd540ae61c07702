package dev.vigil.policy;

/**
 * Whether an action only reads or also changes the world, as the policy classifies it. The
 * investigation layer uses it to keep read-only agents to reads.
 */
public enum ActionKind {
  READ,
  WRITE,
  UNKNOWN
}

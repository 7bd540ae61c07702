package dev.vigil.chaos.load;

/** How one answer counts in a drill. */
public enum Verdict {
  /** Answered as the API promises (for a write: acknowledged). */
  ANSWERED,
  /** Not answered (connection refused or reset, timeout, 5xx): costs availability, loses nothing acknowledged. */
  FAILED,
  /** The answer contradicts an earlier acknowledgement (an acknowledged write missing or different): an invariant broken. */
  VIOLATION
}

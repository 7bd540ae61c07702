package dev.vigil.policy;

/** The source language a policy was written in; it decides the rule precedence (see docs/policy.md). */
public enum PolicyFormat {
  /** Vigil's YAML/JSON language ({@code schema: vigil/v1}): deny overrides, then escalate, then first allow. */
  VIGIL,
  /** Authensor's JSON policies, loaded unchanged: first matching rule wins. */
  AUTHENSOR
}

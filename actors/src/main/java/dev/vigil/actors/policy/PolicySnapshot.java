package dev.vigil.actors.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vigil.persistence.policies.PolicyStore;
import dev.vigil.persistence.policies.StoredPolicy;
import dev.vigil.policy.CompiledPolicy;
import dev.vigil.policy.PolicyCompiler;
import dev.vigil.policy.PolicySet;

/**
 * What every policy worker on a node evaluates against, swapped as one reference: the compiled active set and, per
 * policy under shadow evaluation, the set in which that policy's candidate revision replaces its active one.
 */
public record PolicySnapshot(long generation, PolicySet active, Map<String, ShadowCandidate> shadows) {

  public static final PolicySnapshot EMPTY = new PolicySnapshot(-1, PolicySet.EMPTY, Map.of());

  /** A candidate revision and the full set it would make. */
  public record ShadowCandidate(String policyId, int revision, PolicySet set) {}

  /** Compiles what the store holds. Stored sources were validated at upload, so a failure here is a bug. */
  public static PolicySnapshot compile(PolicyStore.ActiveSet stored) {
    Map<String, CompiledPolicy> active = new LinkedHashMap<>();
    for (StoredPolicy policy : stored.active()) {
      active.put(policy.policyId(), PolicyCompiler.compile(policy.source()));
    }
    Map<String, ShadowCandidate> shadows = new LinkedHashMap<>();
    for (StoredPolicy candidate : stored.shadow()) {
      Map<String, CompiledPolicy> withCandidate = new LinkedHashMap<>(active);
      withCandidate.put(candidate.policyId(), PolicyCompiler.compile(candidate.source()));
      shadows.put(candidate.policyId(), new ShadowCandidate(candidate.policyId(), candidate.revision(),
          PolicySet.of(new ArrayList<>(withCandidate.values()))));
    }
    return new PolicySnapshot(stored.generation(), PolicySet.of(new ArrayList<>(active.values())), Map.copyOf(shadows));
  }

  public List<ShadowCandidate> shadowList() {
    return List.copyOf(shadows.values());
  }
}

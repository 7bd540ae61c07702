package dev.vigil.actors.investigation;

import java.util.List;
import java.util.Map;
import java.util.Set;

import dev.vigil.trust.TrustPhase;

/**
 * What one trust phase allows an investigation, from the single table {@code vigil.trust.phases}: the Kubernetes
 * service account its Job runs as, the credential domains it gets leases for (and the Vault paths of those), and how
 * its actions are decided ({@code actions}: shadow, read-only, limited-write or autonomous).
 */
public record PhasePermissions(TrustPhase phase, String serviceAccount, List<String> credentialDomains,
    TrustPhase actions, Map<String, String> credentialPaths) {

  public static final Set<String> KNOWN_DOMAINS = Set.of("network", "database", "application", "llm");

  public PhasePermissions {
    credentialDomains = List.copyOf(credentialDomains);
    credentialPaths = Map.copyOf(credentialPaths);
    for (String domain : credentialDomains) {
      if (!credentialPaths.containsKey(domain)) {
        throw new IllegalArgumentException("vigil.trust.phases." + phase.wireName() + " allows credential domain '"
            + domain + "' which has no Vault path");
      }
    }
  }

  public boolean allows(String domain) {
    return credentialDomains.contains(domain);
  }

  /** The Vault path a lease of {@code domain} is read from, e.g. {@code database/creds/agent-ro}. */
  public String pathFor(String domain) {
    return credentialPaths.get(domain);
  }
}

package dev.vigil.actors.investigation;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vigil.protocol.InvestigationProtocol;
import dev.vigil.protocol.InvestigationProtocol.InvestigationView;
import dev.vigil.protocol.InvestigationProtocol.JobRequest;
import dev.vigil.protocol.StableName;
import dev.vigil.protocol.VigilSerializable;
import dev.vigil.receipt.ChainAnchor;

/**
 * An investigation's state as its events made it (immutable; also its snapshot). Secrets and raw tokens are never
 * here: the entity keeps those in memory only.
 */
@StableName("investigation.state.v1")
public record InvestigationState(
    String investigationId,
    String stage,
    JobRequest request,
    String phase,
    String serviceAccount,
    List<String> credentialDomains,
    String actions,
    List<LeaseRecord> leases,
    List<String> bootstrapTokenHashes,
    Instant bootstrapExpiresAt,
    String tokenHash,
    String jobName,
    Instant deadline,
    Map<String, Instant> timestamps,
    int queuePosition,
    int decisions,
    long chainSequence,
    String chainHash,
    String outcome,
    String reason,
    String pausedBy,
    String pauseReason,
    List<String> pauseAlerts,
    List<ScopeRecord> scopes) implements VigilSerializable {

  public InvestigationState {
    pauseAlerts = pauseAlerts == null ? List.of() : List.copyOf(pauseAlerts); // absent in snapshots before 0.3
    scopes = scopes == null ? List.of() : List.copyOf(scopes); // absent in snapshots before 0.4
  }

  /** A Vault token the investigation's leases were read with, by its accessor; {@code closedAt} once revoked. */
  @StableName("investigation.scope-record.v1")
  public record ScopeRecord(String accessor, Instant expiresAt, Instant openedAt, Instant closedAt)
      implements VigilSerializable {
    public boolean open() {
      return closedAt == null;
    }
  }

  public List<ScopeRecord> openScopes() {
    return scopes.stream().filter(ScopeRecord::open).toList();
  }

  /** Nothing left to revoke in Vault: no live lease, no open scope. */
  public boolean nothingToRevoke() {
    return leases.stream().noneMatch(LeaseRecord::live) && scopes.stream().noneMatch(ScopeRecord::open);
  }

  public static final String NONE = "none";
  public static final String REQUESTED = "requested";
  public static final String QUEUED = "queued";
  public static final String PROVISIONING = "provisioning";
  public static final String LAUNCHING = "launching";
  public static final String RUNNING = "running";
  public static final String CONCLUDING = "concluding";

  /** One lease; {@code revokedAt} null while it may still be live. */
  @StableName("investigation.lease-record.v1")
  public record LeaseRecord(String domain, String leaseId, long ttlSeconds, boolean renewable, Instant grantedAt,
      Instant renewedAt, Instant revokedAt) implements VigilSerializable {
    public boolean live() {
      return revokedAt == null;
    }
  }

  public static InvestigationState empty(String investigationId) {
    return new InvestigationState(investigationId, NONE, null, null, null, List.of(), null, List.of(), List.of(), null,
        null, null, null, Map.of(), 0, 0, ChainAnchor.GENESIS.sequence(), ChainAnchor.GENESIS.hash(), null, null,
        null, null, List.of(), List.of());
  }

  public boolean started() {
    return !NONE.equals(stage);
  }

  /** Started and not ended (concluding still counts as open: leases are being revoked). */
  public boolean open() {
    return started() && outcome == null || CONCLUDING.equals(stage);
  }

  public boolean ended() {
    return started() && !open();
  }

  public boolean concluding() {
    return CONCLUDING.equals(stage);
  }

  /** Paused by a monitoring alert (the agent's calls are refused) until an operator resumes it or it ends. */
  public boolean paused() {
    return pausedBy != null;
  }

  public boolean waitingForAdmission() {
    return REQUESTED.equals(stage) || QUEUED.equals(stage);
  }

  /** The Job exists (or existed) and the agent may act. */
  public boolean jobLaunched() {
    return jobName != null;
  }

  public List<LeaseRecord> liveLeases() {
    return leases.stream().filter(LeaseRecord::live).toList();
  }

  public ChainAnchor chainHead() {
    return new ChainAnchor(chainSequence, chainHash);
  }

  public String agentId() {
    return request == null ? null : request.agentId();
  }

  // ------------------------------------------------------------ transitions (used by the event handler only)

  InvestigationState withStage(String newStage, String timestampKey, Instant at) {
    return copy(newStage, leases, timestamps(timestampKey, at));
  }

  InvestigationState apply(InvestigationProtocol.Event event) {
    if (event instanceof InvestigationProtocol.Requested e) {
      return new InvestigationState(investigationId, REQUESTED, e.request(), null,
          null, List.of(), null, List.of(), List.of(), null, null, null, null, Map.of("requested", e.at()), 0, 0,
          chainSequence, chainHash, null, null, null, null, List.of(), List.of());
    }
    if (event instanceof InvestigationProtocol.Queued e) {
      return new InvestigationState(investigationId, QUEUED, request, phase,
          serviceAccount, credentialDomains, actions, leases, bootstrapTokenHashes, bootstrapExpiresAt, tokenHash,
          jobName, deadline, timestamps("queued", e.at()), e.position(), decisions, chainSequence, chainHash, outcome,
          reason, pausedBy, pauseReason, pauseAlerts, scopes);
    }
    if (event instanceof InvestigationProtocol.Admitted e) {
      return new InvestigationState(investigationId, PROVISIONING, request, phase,
          serviceAccount, credentialDomains, actions, leases, bootstrapTokenHashes, bootstrapExpiresAt, tokenHash,
          jobName, deadline, timestamps("admitted", e.at()), 0, decisions, chainSequence, chainHash, outcome, reason,
          pausedBy, pauseReason, pauseAlerts, scopes);
    }
    if (event instanceof InvestigationProtocol.Provisioned e) {
      return new InvestigationState(investigationId, PROVISIONING, request,
          e.phase(), e.serviceAccount(), List.copyOf(e.credentialDomains()), e.actions(), leases,
          bootstrapTokenHashes, bootstrapExpiresAt, tokenHash, jobName, deadline, timestamps("provisioned", e.at()),
          0, decisions, chainSequence, chainHash, outcome, reason, pausedBy, pauseReason, pauseAlerts, scopes);
    }
    if (event instanceof InvestigationProtocol.LeaseGranted e) {
        List<LeaseRecord> next = new ArrayList<>(leases);
        next.add(new LeaseRecord(e.domain(), e.leaseId(), e.ttlSeconds(), e.renewable(), e.at(), e.at(), null));
        return copy(stage, next, timestamps);
      }
    if (event instanceof InvestigationProtocol.LeaseRenewed e) {
      return copy(stage, leases.stream().map(l -> l.leaseId().equals(e.leaseId())
          ? new LeaseRecord(l.domain(), l.leaseId(), e.ttlSeconds(), l.renewable(), l.grantedAt(), e.at(), null)
          : l).toList(), timestamps);
    }
    if (event instanceof InvestigationProtocol.LeaseRevoked e) {
      return copy(stage, leases.stream().map(l -> l.leaseId().equals(e.leaseId())
          && l.live() ? new LeaseRecord(l.domain(), l.leaseId(), l.ttlSeconds(), l.renewable(), l.grantedAt(),
          l.renewedAt(), e.at()) : l).toList(), timestamps);
    }
    if (event instanceof InvestigationProtocol.BootstrapTokenIssued e) {
        List<String> hashes = new ArrayList<>(bootstrapTokenHashes);
        hashes.add(e.tokenSha256());
        return new InvestigationState(investigationId, stage, request, phase, serviceAccount, credentialDomains,
            actions, leases, List.copyOf(hashes), e.expiresAt(), tokenHash, jobName, deadline, timestamps,
            queuePosition, decisions, chainSequence, chainHash, outcome, reason, pausedBy, pauseReason, pauseAlerts, scopes);
      }
    if (event instanceof InvestigationProtocol.JobLaunched e) {
      return new InvestigationState(investigationId, LAUNCHING, request, phase,
          serviceAccount, credentialDomains, actions, leases, bootstrapTokenHashes, bootstrapExpiresAt, tokenHash,
          e.jobName(), e.deadline(), timestamps("launched", e.at()), 0, decisions, chainSequence, chainHash, outcome,
          reason, pausedBy, pauseReason, pauseAlerts, scopes);
    }
    if (event instanceof InvestigationProtocol.JobStarted e) {
      return withStage(RUNNING, "running", e.at());
    }
    if (event instanceof InvestigationProtocol.TokenExchanged e) {
      return new InvestigationState(investigationId, stage, request, phase,
          serviceAccount, credentialDomains, actions, leases, bootstrapTokenHashes, bootstrapExpiresAt,
          e.tokenSha256(), jobName, deadline, timestamps("token-exchanged", e.at()), queuePosition, decisions,
          chainSequence, chainHash, outcome, reason, pausedBy, pauseReason, pauseAlerts, scopes);
    }
    if (event instanceof InvestigationProtocol.ActionDecided e) {
        ChainAnchor head = ReceiptJson.anchorAfter(investigationId, chainHead(), e.receiptJson());
        return new InvestigationState(investigationId, stage, request, phase, serviceAccount, credentialDomains,
            actions, leases, bootstrapTokenHashes, bootstrapExpiresAt, tokenHash, jobName, deadline, timestamps,
            queuePosition, decisions + 1, head.sequence(), head.hash(), outcome, reason,
            pausedBy, pauseReason, pauseAlerts, scopes);
      }
    if (event instanceof InvestigationProtocol.ConclusionReached e) {
      return new InvestigationState(investigationId, CONCLUDING, request,
          phase, serviceAccount, credentialDomains, actions, leases, bootstrapTokenHashes, bootstrapExpiresAt,
          tokenHash, jobName, deadline, timestamps("concluding", e.at()), 0, decisions, chainSequence, chainHash,
          e.outcome(), e.reason(), pausedBy, pauseReason, pauseAlerts, scopes);
    }
    if (event instanceof InvestigationProtocol.Concluded e) {
      return new InvestigationState(investigationId, e.outcome(), request, phase,
          serviceAccount, credentialDomains, actions, leases, bootstrapTokenHashes, bootstrapExpiresAt, tokenHash,
          jobName, deadline, timestamps("ended", e.at()), 0, decisions, chainSequence, chainHash, e.outcome(), reason,
          pausedBy, pauseReason, pauseAlerts, scopes);
    }
    if (event instanceof InvestigationProtocol.Paused e) {
      ChainAnchor head = ReceiptJson.anchorAfter(investigationId, chainHead(), e.receiptJson());
      List<String> seen = new ArrayList<>(pauseAlerts);
      seen.add(e.alertId());
      return new InvestigationState(investigationId, stage, request, phase, serviceAccount, credentialDomains,
          actions, leases, bootstrapTokenHashes, bootstrapExpiresAt, tokenHash, jobName, deadline,
          timestamps("paused", e.at()), queuePosition, decisions, head.sequence(), head.hash(), outcome, reason,
          e.alertId(), e.reason(), seen, scopes);
    }
    if (event instanceof InvestigationProtocol.Resumed e) {
      ChainAnchor head = ReceiptJson.anchorAfter(investigationId, chainHead(), e.receiptJson());
      return new InvestigationState(investigationId, stage, request, phase, serviceAccount, credentialDomains,
          actions, leases, bootstrapTokenHashes, bootstrapExpiresAt, tokenHash, jobName, deadline, timestamps,
          queuePosition, decisions, head.sequence(), head.hash(), outcome, reason, null, null, pauseAlerts, scopes);
    }
    if (event instanceof InvestigationProtocol.ScopeOpened e) {
      List<ScopeRecord> next = new ArrayList<>(scopes);
      next.add(new ScopeRecord(e.accessor(), e.expiresAt(), e.at(), null));
      return withScopes(next);
    }
    if (event instanceof InvestigationProtocol.ScopeClosed e) {
      return withScopes(scopes.stream().map(r -> r.accessor().equals(e.accessor()) && r.open()
          ? new ScopeRecord(r.accessor(), r.expiresAt(), r.openedAt(), e.at()) : r).toList());
    }
    throw new IllegalArgumentException("unknown event " + event.getClass());
  }

  private InvestigationState withScopes(List<ScopeRecord> newScopes) {
    return new InvestigationState(investigationId, stage, request, phase, serviceAccount, credentialDomains,
        actions, leases, bootstrapTokenHashes, bootstrapExpiresAt, tokenHash, jobName, deadline, timestamps,
        queuePosition, decisions, chainSequence, chainHash, outcome, reason, pausedBy, pauseReason, pauseAlerts,
        List.copyOf(newScopes));
  }

  private InvestigationState copy(String newStage, List<LeaseRecord> newLeases, Map<String, Instant> newTimestamps) {
    return new InvestigationState(investigationId, newStage, request, phase, serviceAccount, credentialDomains,
        actions, List.copyOf(newLeases), bootstrapTokenHashes, bootstrapExpiresAt, tokenHash, jobName, deadline,
        newTimestamps, queuePosition, decisions, chainSequence, chainHash, outcome, reason,
        pausedBy, pauseReason, pauseAlerts, scopes);
  }

  private Map<String, Instant> timestamps(String key, Instant at) {
    Map<String, Instant> next = new LinkedHashMap<>(timestamps);
    next.putIfAbsent(key, at);
    return Map.copyOf(next);
  }

  public InvestigationView view() {
    List<InvestigationProtocol.LeaseView> leaseViews = leases.stream().map(l -> new InvestigationProtocol.LeaseView(
        l.domain(), l.leaseId(), l.ttlSeconds(), l.renewable(), l.grantedAt(), l.revokedAt())).toList();
    return new InvestigationView(investigationId, agentId(), stage, phase, jobName, serviceAccount, credentialDomains,
        leaseViews, new java.util.TreeMap<>(timestamps), decisions, outcome, reason, deadline, pausedBy);
  }
}

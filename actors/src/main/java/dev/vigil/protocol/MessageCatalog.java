package dev.vigil.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every serializable message, by stable name. The serializer refuses a class that is not listed here, so a message
 * cannot reach a journal under an accidental name; the tests round-trip each entry.
 */
public final class MessageCatalog {

  private static final List<Class<? extends VigilSerializable>> MESSAGES = List.of(
      AgentProtocol.Register.class,
      AgentProtocol.Get.class,
      AgentProtocol.AgentView.class,
      AgentProtocol.Registered.class,
      AgentProtocol.Decide.class,
      AgentProtocol.DecisionRecorded.class,
      AgentProtocol.RecordReceipt.class,
      AgentProtocol.ReceiptRecorded.class,
      AgentProtocol.InvestigationConcluded.class,
      AgentProtocol.ReportViolation.class,
      AgentProtocol.Promote.class,
      AgentProtocol.Demote.class,
      AgentProtocol.GetTrust.class,
      AgentProtocol.TrustView.class,
      AgentProtocol.Decided.class,
      AgentProtocol.PhaseChanged.class,
      AgentProtocol.AlertRaised.class,
      AgentProtocol.InvestigationEnded.class,
      AgentProtocol.ViolationRecorded.class,
      dev.vigil.actors.agent.AgentSnapshot.class,
      ScannerProtocol.Scan.class,
      ScannerProtocol.ScanView.class,
      ScannerProtocol.FindingView.class,
      GatewayProtocol.KeyRevoked.class,
      PolicyProtocol.Evaluate.class,
      PolicyProtocol.EvaluationInput.class,
      PolicyProtocol.QuotaUsage.class,
      PolicyProtocol.QuotaUse.class,
      PolicyProtocol.QuotaConsumption.class,
      PolicyProtocol.ApprovalRequirement.class,
      PolicyProtocol.DecisionView.class,
      QuotaProtocol.TryConsume.class,
      QuotaProtocol.Counted.class,
      InvestigationProtocol.JobRequest.class,
      InvestigationProtocol.Start.class,
      InvestigationProtocol.Get.class,
      InvestigationProtocol.Cancel.class,
      InvestigationProtocol.ExchangeToken.class,
      InvestigationProtocol.GetCredential.class,
      InvestigationProtocol.DecideAction.class,
      InvestigationProtocol.JobObserved.class,
      InvestigationProtocol.AdmissionGranted.class,
      InvestigationProtocol.QueuePositionChanged.class,
      InvestigationProtocol.TokenReply.class,
      InvestigationProtocol.CredentialReply.class,
      InvestigationProtocol.ActionReply.class,
      InvestigationProtocol.LeaseView.class,
      InvestigationProtocol.InvestigationView.class,
      InvestigationProtocol.Requested.class,
      InvestigationProtocol.Queued.class,
      InvestigationProtocol.Admitted.class,
      InvestigationProtocol.Provisioned.class,
      InvestigationProtocol.LeaseGranted.class,
      InvestigationProtocol.LeaseRenewed.class,
      InvestigationProtocol.LeaseRevoked.class,
      InvestigationProtocol.BootstrapTokenIssued.class,
      InvestigationProtocol.JobLaunched.class,
      InvestigationProtocol.JobStarted.class,
      InvestigationProtocol.TokenExchanged.class,
      InvestigationProtocol.ActionDecided.class,
      InvestigationProtocol.ConclusionReached.class,
      InvestigationProtocol.Concluded.class,
      InvestigationProtocol.Pause.class,
      InvestigationProtocol.Resume.class,
      InvestigationProtocol.Paused.class,
      InvestigationProtocol.Resumed.class,
      InvestigationProtocol.ScopeOpened.class,
      InvestigationProtocol.ScopeClosed.class,
      InvestigationProtocol.Admit.class,
      InvestigationProtocol.Release.class,
      InvestigationProtocol.Position.class,
      InvestigationProtocol.QueueStanding.class,
      InvestigationProtocol.Enqueued.class,
      InvestigationProtocol.SlotGranted.class,
      InvestigationProtocol.SlotReleased.class,
      InvestigationProtocol.AdmissionState.class,
      dev.vigil.actors.investigation.InvestigationState.class,
      dev.vigil.actors.investigation.InvestigationState.LeaseRecord.class,
      dev.vigil.actors.investigation.InvestigationState.ScopeRecord.class);

  private static final Map<String, Class<?>> BY_NAME;
  private static final Map<Class<?>, String> BY_CLASS;

  static {
    Map<String, Class<?>> byName = new LinkedHashMap<>();
    Map<Class<?>, String> byClass = new LinkedHashMap<>();
    for (Class<? extends VigilSerializable> type : MESSAGES) {
      StableName name = type.getAnnotation(StableName.class);
      if (name == null) {
        throw new IllegalStateException(type.getName() + " is in the catalog without a @StableName");
      }
      Class<?> clash = byName.put(name.value(), type);
      if (clash != null) {
        throw new IllegalStateException("Stable name " + name.value() + " used by both " + clash.getName()
            + " and " + type.getName());
      }
      byClass.put(type, name.value());
    }
    BY_NAME = Collections.unmodifiableMap(byName);
    BY_CLASS = Collections.unmodifiableMap(byClass);
  }

  private MessageCatalog() {}

  public static Optional<String> nameOf(Class<?> type) {
    return Optional.ofNullable(BY_CLASS.get(type));
  }

  public static Optional<Class<?>> typeOf(String stableName) {
    return Optional.ofNullable(BY_NAME.get(stableName));
  }

  public static Map<String, Class<?>> all() {
    return BY_NAME;
  }
}

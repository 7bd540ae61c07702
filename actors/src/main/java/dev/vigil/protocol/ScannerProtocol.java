package dev.vigil.protocol;

import java.util.List;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.pattern.StatusReply;

/**
 * The content-scanner pool's protocol: {@code ScannerWorker}s on nodes of role {@code scanner} register under
 * {@link #WORKERS}; callers (the gateway's evaluate and scan routes) reach one through a cluster-wide group router that
 * prefers workers on their own node, so heavy scanning can run on its own node pool.
 */
public final class ScannerProtocol {
  private ScannerProtocol() {}

  public static final ServiceKey<Command> WORKERS = ServiceKey.create(Command.class, "vigil-scanner-workers");

  public sealed interface Command extends VigilSerializable permits Scan {}

  /**
   * Scans {@code text} for prompt injection and jailbreaks, secrets, PII and exfiltration.
   *
   * @param text what to scan
   * @param source where it came from: {@code agent} (what an agent sends), {@code tool-result} (what a tool returned
   *     to it, judged more strictly for injection) or {@code user}
   * @param redact whether the reply carries the text with secret, PII and exfiltration spans masked
   */
  @StableName("scanner.scan.v1")
  public record Scan(String text, String source, boolean redact, ActorRef<StatusReply<ScanView>> replyTo)
      implements Command {}

  /**
   * What a scan found: the findings ordered by start, their highest severity and types (what policies test), and
   * the redacted text when asked.
   */
  @StableName("scanner.scan-view.v1")
  public record ScanView(List<FindingView> findings, String maxSeverity, List<String> types, String redactedText)
      implements VigilSerializable {

    public static final ScanView NONE = new ScanView(List.of(), "none", List.of(), null);
  }

  /** One finding: type, detector, severity, span {@code [start, end)} in UTF-16 offsets, a short reason, a score. */
  @StableName("scanner.finding.v1")
  public record FindingView(String type, String detector, String severity, int start, int end, String reason,
      double score) implements VigilSerializable {}
}

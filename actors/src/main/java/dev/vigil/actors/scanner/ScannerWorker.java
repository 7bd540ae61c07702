package dev.vigil.actors.scanner;

import java.util.ArrayList;
import java.util.List;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;

import dev.vigil.protocol.ScannerProtocol.Command;
import dev.vigil.protocol.ScannerProtocol.FindingView;
import dev.vigil.protocol.ScannerProtocol.Scan;
import dev.vigil.protocol.ScannerProtocol.ScanView;
import dev.vigil.scan.ContentScanner;
import dev.vigil.scan.ContentSource;
import dev.vigil.scan.Finding;
import dev.vigil.scan.FindingType;
import dev.vigil.scan.ScanOptions;
import dev.vigil.scan.ScanResult;
import kamon.Kamon;
import kamon.metric.MeasurementUnit;
import kamon.metric.Metric;

/**
 * One worker of the content-scanner pool. Stateless: each {@link Scan} runs the node's shared, immutable
 * {@link ContentScanner} (CPU only, no I/O) and answers the findings; a bad request (unknown source, text too long)
 * is answered with an error, never a crash.
 */
public final class ScannerWorker extends AbstractBehavior<Command> {

  private static final Metric.Histogram SCAN_TIME = Kamon.histogram("vigil.scanner.scan",
      "Content scan time in the worker", MeasurementUnit.time().nanoseconds());

  private final ContentScanner scanner;
  private final int maxTextChars;

  public static Behavior<Command> create(ContentScanner scanner, int maxTextChars) {
    return Behaviors.setup(context -> new ScannerWorker(context, scanner, maxTextChars));
  }

  private ScannerWorker(ActorContext<Command> context, ContentScanner scanner, int maxTextChars) {
    super(context);
    this.scanner = scanner;
    this.maxTextChars = maxTextChars;
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder().onMessage(Scan.class, this::scan).build();
  }

  private Behavior<Command> scan(Scan command) {
    long started = System.nanoTime();
    try {
      if (command.text() == null) {
        throw new IllegalArgumentException("text is required");
      }
      if (command.text().length() > maxTextChars) {
        throw new IllegalArgumentException("text of " + command.text().length() + " chars is over the limit of "
            + maxTextChars);
      }
      ContentSource source = command.source() == null ? ContentSource.AGENT : ContentSource.fromWire(command.source());
      ScanOptions options = ScanOptions.forSource(source);
      ScanResult result = scanner.scan(command.text(), command.redact() ? options.withRedaction() : options);
      SCAN_TIME.withoutTags().record(System.nanoTime() - started);
      command.replyTo().tell(StatusReply.success(view(result)));
    } catch (RuntimeException e) {
      getContext().getLog().debug("Refused scan: {}", e.getMessage());
      command.replyTo().tell(StatusReply.error("cannot scan: " + e.getMessage()));
    }
    return this;
  }

  /** The wire form of a scan result. */
  public static ScanView view(ScanResult result) {
    List<FindingView> findings = new ArrayList<>(result.findings().size());
    for (Finding f : result.findings()) {
      findings.add(new FindingView(f.type().wireName(), f.detector(), f.severity().wireName(), f.start(), f.end(),
          f.reason(), f.score()));
    }
    List<String> types = result.types().stream().map(FindingType::wireName).sorted().toList();
    return new ScanView(findings, result.maxSeverity().wireName(), types, result.redactedText().orElse(null));
  }
}

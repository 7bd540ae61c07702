package dev.vigil.actors.scanner;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Routers;
import org.apache.pekko.pattern.StatusReply;

import dev.vigil.actors.RetryingAsk;
import dev.vigil.protocol.ScannerProtocol;
import dev.vigil.protocol.ScannerProtocol.ScanView;

/**
 * How callers reach the scanner pool: a group router over every registered worker in the cluster that prefers the
 * caller's own node. A scan has no side effect, so an attempt that times out (its worker vanished with a node) is
 * retried on another until the deadline. When scanning is switched off ({@code VIGIL_SCANNER_ENABLED=false}) every
 * scan answers {@link ScanView#NONE} at once and no router is started.
 */
public final class ScannerClient {

  private final ActorSystem<?> system;
  private final ActorRef<ScannerProtocol.Command> router;
  private final ScannerSettings settings;

  public ScannerClient(ActorSystem<?> system, ScannerSettings settings) {
    this.system = system;
    this.settings = settings;
    this.router = settings.enabled()
        ? system.systemActorOf(Routers.group(ScannerProtocol.WORKERS).withRoundRobinRouting(true),
            "scanner-router-" + java.util.UUID.randomUUID(), Props.empty())
        : null;
  }

  public boolean enabled() {
    return router != null;
  }

  public ScannerSettings settings() {
    return settings;
  }

  /** Scans {@code text} from {@code source} ({@code agent}, {@code tool-result}, {@code user}). */
  public CompletionStage<ScanView> scan(String text, String source, boolean redact) {
    if (router == null) {
      return CompletableFuture.completedFuture(ScanView.NONE);
    }
    return RetryingAsk.untilDeadline(settings.attemptTimeout(), settings.deadline(), timeout -> AskPattern.ask(router,
            (ActorRef<StatusReply<ScanView>> replyTo) -> new ScannerProtocol.Scan(text, source, redact, replyTo),
            timeout, system.scheduler())
        .thenCompose(answer -> answer.isSuccess() ? CompletableFuture.completedFuture(answer.getValue())
            : CompletableFuture.<ScanView>failedFuture(new IllegalArgumentException(answer.getError().getMessage()))));
  }
}

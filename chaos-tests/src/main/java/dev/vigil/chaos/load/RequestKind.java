package dev.vigil.chaos.load;

import java.util.List;
import java.util.Optional;

/**
 * One kind of request in the load driver's mix (agent writes, agent reads; evaluations, investigations, credential
 * fetches as those APIs land). A kind plans its next request, judges each answer (remembering what was acknowledged),
 * and after the drill re-reads everything it saw acknowledged. Implementations are called from several threads.
 */
public interface RequestKind {

  /** Short name used in the request log and the report, e.g. {@code agent.register}. */
  String name();

  /** The next request, or empty when this kind has nothing to send yet (a read before any write was acknowledged). */
  Optional<PlannedRequest> next(long sequence);

  /** Judges the answer to {@code request}: status and body as received. */
  Verdict judge(PlannedRequest request, int status, String body);

  /**
   * After the faults have cleared: re-reads every write this kind saw acknowledged through {@code api} and returns one
   * line per acknowledged write that is missing or different (empty = nothing lost).
   */
  default List<String> lostAcknowledgedWrites(ApiClient api) {
    return List.of();
  }

  /** How many writes this kind saw acknowledged (0 for reads). */
  default int acknowledgedWrites() {
    return 0;
  }
}

package dev.vigil.actors.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vigil.persistence.policies.PolicyStore;
import dev.vigil.persistence.policies.PolicyStore.ShadowDisagreement;
import dev.vigil.policy.Decision;
import dev.vigil.protocol.PolicyProtocol.EvaluationInput;

/**
 * Collects shadow-evaluation outcomes from a node's workers and writes them in batches (once a second), so shadow
 * evaluation adds no database round trip to a decision. Counts survive a failed write and go out with the next one.
 * A disagreement is any difference in effect or deciding rule.
 */
public final class ShadowRecorder {

  private static final Logger log = LoggerFactory.getLogger(ShadowRecorder.class);
  private static final int MAX_PENDING_DISAGREEMENTS = 10_000;

  private record Candidate(String policyId, int revision) {}

  private final PolicyStore store;
  private final Map<Candidate, AtomicLong> evaluated = new ConcurrentHashMap<>();
  private final Map<Candidate, ConcurrentLinkedQueue<ShadowDisagreement>> disagreements = new ConcurrentHashMap<>();
  private final AtomicLong pending = new AtomicLong();
  private final Cancellable flushing;

  public ShadowRecorder(ActorSystem<?> system, PolicyStore store, Duration flushInterval) {
    this.store = store;
    this.flushing = system.scheduler().scheduleWithFixedDelay(flushInterval, flushInterval, this::flush,
        system.executionContext());
  }

  void record(PolicySnapshot.ShadowCandidate shadow, EvaluationInput input, Decision active, Decision candidate) {
    Candidate key = new Candidate(shadow.policyId(), shadow.revision());
    evaluated.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
    if (active.effect() != candidate.effect() || !Objects.equals(active.ruleId(), candidate.ruleId())) {
      if (pending.incrementAndGet() <= MAX_PENDING_DISAGREEMENTS) {
        disagreements.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).add(new ShadowDisagreement(
            input.agentId(), input.action(), active.effect().wireName(), active.ruleId(), candidate.effect().wireName(),
            candidate.ruleId(), input.time()));
      } else {
        pending.decrementAndGet();
      }
    }
  }

  /** Writes what has been collected; safe to call at any time (also on shutdown). */
  public void flush() {
    for (Candidate key : List.copyOf(evaluated.keySet())) {
      long count = evaluated.get(key).getAndSet(0);
      List<ShadowDisagreement> batch = new ArrayList<>();
      ConcurrentLinkedQueue<ShadowDisagreement> queue = disagreements.get(key);
      ShadowDisagreement next;
      while (queue != null && (next = queue.poll()) != null) {
        batch.add(next);
        pending.decrementAndGet();
      }
      if (count == 0 && batch.isEmpty()) {
        continue;
      }
      store.recordShadow(key.policyId(), key.revision(), count, batch).whenComplete((done, failure) -> {
        if (failure != null) {
          log.warn("Shadow results for {} rev {} not written yet (retrying next flush): {}", key.policyId(),
              key.revision(), failure.getMessage());
          evaluated.get(key).addAndGet(count);
          disagreements.computeIfAbsent(key, k -> new ConcurrentLinkedQueue<>()).addAll(batch);
          pending.addAndGet(batch.size());
        }
      });
    }
  }

  public void stop() {
    flushing.cancel();
    flush();
  }
}

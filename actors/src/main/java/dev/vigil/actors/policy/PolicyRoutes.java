package dev.vigil.actors.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;

import dev.vigil.protocol.PolicyProtocol;

/**
 * The policy workers a caller may send to: the Receptionist's reachable listing, kept current by a subscriber actor,
 * minus the nodes a caller saw time out recently. A node killed without leaving stays "reachable" until failure
 * detection marks it (seconds); during that window every attempt sent to it is lost, so the first time-out makes the
 * node a suspect and callers route around it until it answers again, leaves the listing, or the suspicion expires.
 * Picking is lock-free: one volatile snapshot, one counter.
 */
final class PolicyRoutes<T> {

  private record Snapshot<T>(List<T> local, List<T> remote) {}

  private volatile Snapshot<T> snapshot = new Snapshot<>(List.of(), List.of());
  private final Map<Address, Long> suspects = new ConcurrentHashMap<>();
  private final AtomicLong next = new AtomicLong();
  private final long suspicionNanos;
  private final LongSupplier nanoTime;
  private final Function<T, Address> nodeOf;
  private final Comparator<T> order;

  PolicyRoutes(Duration suspicion, Function<T, Address> nodeOf, Comparator<T> order) {
    this(suspicion, nodeOf, order, System::nanoTime);
  }

  /** With the clock the suspicion period is measured on ({@code nanoTime}, as {@link System#nanoTime}). */
  PolicyRoutes(Duration suspicion, Function<T, Address> nodeOf, Comparator<T> order, LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.suspicionNanos = suspicion.toNanos();
    this.nodeOf = nodeOf;
    this.order = order;
  }

  /** Routes over the workers the Receptionist lists as reachable, kept current by a subscriber actor. */
  static PolicyRoutes<ActorRef<PolicyProtocol.Command>> start(ActorSystem<?> system, Duration suspicion) {
    PolicyRoutes<ActorRef<PolicyProtocol.Command>> routes = new PolicyRoutes<>(suspicion,
        ref -> ref.path().address(), Comparator.comparing(ref -> ref.path().toString()));
    Behavior<Receptionist.Listing> subscriber = Behaviors.setup(context -> {
      context.getSystem().receptionist().tell(Receptionist.subscribe(PolicyProtocol.WORKERS, context.getSelf()));
      return Behaviors.receiveMessage(listing -> {
        routes.update(listing.getServiceInstances(PolicyProtocol.WORKERS));
        return Behaviors.same();
      });
    });
    system.systemActorOf(subscriber, "policy-routes-" + java.util.UUID.randomUUID(), Props.empty());
    return routes;
  }

  /** The reachable workers now (a local worker's address has no host). */
  void update(Set<T> reachable) {
    List<T> local = new ArrayList<>();
    List<T> remote = new ArrayList<>();
    for (T ref : reachable) {
      (nodeOf.apply(ref).hasLocalScope() ? local : remote).add(ref);
    }
    // a stable order, so round-robin walks every worker rather than whatever order a set iterates in
    local.sort(order);
    remote.sort(order);
    snapshot = new Snapshot<>(List.copyOf(local), List.copyOf(remote));
    suspects.keySet().removeIf(node -> remote.stream().noneMatch(ref -> nodeOf.apply(ref).equals(node)));
  }

  /** A node whose worker did not answer in time: avoided by every caller for the suspicion period. */
  void suspect(Address node) {
    suspects.put(node, nanoTime.getAsLong());
  }

  /**
   * A worker for the next attempt: a local one if this node has any (and they have not timed out for this request),
   * otherwise a remote one on a node that neither
   * timed out for this request ({@code excluded}) nor is a suspect; failing that, a suspect not excluded (better than
   * nothing); empty when the listing holds nobody else.
   */
  Optional<T> pick(Set<Address> excluded) {
    Snapshot<T> s = snapshot;
    long n = next.getAndIncrement();
    if (!s.local().isEmpty() && !excluded.contains(nodeOf.apply(s.local().get(0)))) {
      return Optional.of(s.local().get((int) Math.floorMod(n, (long) s.local().size())));
    }
    List<T> remote = s.remote();
    int size = remote.size();
    T fallback = null;
    long now = nanoTime.getAsLong();
    for (int i = 0; i < size; i++) {
      T ref = remote.get((int) Math.floorMod(n + i, (long) size));
      Address node = nodeOf.apply(ref);
      if (excluded.contains(node)) {
        continue;
      }
      Long since = suspects.get(node);
      if (since == null || now - since > suspicionNanos) {
        if (since != null) {
          suspects.remove(node, since);
        }
        return Optional.of(ref);
      }
      if (fallback == null) {
        fallback = ref;
      }
    }
    return Optional.ofNullable(fallback);
  }

  /** A worker answered: its node is no longer a suspect. */
  void answered(Address node) {
    if (!suspects.isEmpty()) {
      suspects.remove(node);
    }
  }
}

package dev.vigil.cluster.gateway;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.pubsub.Topic;

import dev.vigil.persistence.keys.ApiKeyStore;
import dev.vigil.persistence.keys.Principal;
import dev.vigil.protocol.GatewayProtocol;
import dev.vigil.protocol.GatewayProtocol.KeyRevoked;

/**
 * Turns a presented API key into a {@link Principal}. Valid keys are cached per node for {@code key-cache-ttl} (and
 * unknown ones for a second) so the hot path does not query PostgreSQL on every request; a revocation is published on
 * a cluster topic and evicts the key from every node's cache at once, so the TTL only bounds a lost message.
 */
public final class Authenticator {

  private static final long NEGATIVE_TTL_NANOS = Duration.ofSeconds(1).toNanos();
  private static final int MAX_ENTRIES = 50_000;

  private record Entry(Optional<Principal> principal, long expiresAtNanos) {}

  private final ApiKeyStore store;
  private final long ttlNanos;
  private final ConcurrentHashMap<String, Entry> cache = new ConcurrentHashMap<>();
  private final ActorRef<Topic.Command<KeyRevoked>> topic;

  public Authenticator(ActorSystem<?> system, ApiKeyStore store, Duration ttl) {
    this.store = store;
    this.ttlNanos = ttl.toNanos();
    this.topic = system.systemActorOf(Topic.create(KeyRevoked.class, GatewayProtocol.KEY_REVOCATIONS_TOPIC),
        "api-key-revocations-topic", org.apache.pekko.actor.typed.Props.empty());
    ActorRef<KeyRevoked> listener = system.systemActorOf(listener(), "api-key-revocations-listener",
        org.apache.pekko.actor.typed.Props.empty());
    topic.tell(Topic.subscribe(listener));
  }

  public CompletionStage<Optional<Principal>> authenticate(String token) {
    String hash = ApiKeyStore.sha256Hex(token);
    long now = System.nanoTime();
    Entry cached = cache.get(hash);
    if (cached != null && cached.expiresAtNanos - now > 0) {
      return CompletableFuture.completedFuture(cached.principal);
    }
    return store.authenticate(token).thenApply(principal -> {
      if (cache.size() >= MAX_ENTRIES) {
        cache.clear();
      }
      long ttl = principal.isPresent() ? ttlNanos : NEGATIVE_TTL_NANOS;
      cache.put(hash, new Entry(principal, System.nanoTime() + ttl));
      return principal;
    });
  }

  /** Evicts locally now and tells every other gateway. */
  public void revoked(String keyId) {
    evict(keyId);
    topic.tell(Topic.publish(new KeyRevoked(keyId)));
  }

  private void evict(String keyId) {
    cache.values().removeIf(e -> e.principal.map(p -> p.keyId().equals(keyId)).orElse(false));
  }

  private Behavior<KeyRevoked> listener() {
    return Behaviors.receiveMessage(message -> {
      evict(message.keyId());
      return Behaviors.same();
    });
  }
}

package dev.vigil.actors.projection;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardedDaemonProcessSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ShardedDaemonProcess;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Offset;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.persistence.query.javadsl.EventsByTagQuery;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.RestartSettings;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.RestartSource;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vigil.persistence.Database;

/**
 * A small projection runner (pekko-projection is not available here): for each tag, one worker reads
 * {@code eventsByTag} from the JDBC read journal, starting after the offset stored in {@code vigil_projection_offsets},
 * and applies each batch of events with a {@link ProjectionHandler} in ONE database transaction together with the new
 * offset (exactly-once: a crash before the commit re-reads the batch, a crash after it never sees it again).
 *
 * <p>The workers run as a {@link ShardedDaemonProcess} (one instance per tag, spread over the nodes of the given
 * role and moved elsewhere when a node leaves or dies). A failing stream (database down, a handler error) restarts
 * with exponential backoff from the stored offset. Use one projection name per read model; the tags must be the ones
 * the entities write ({@code tagsFor}), fixed for the life of the journal.
 */
public final class ProjectionRunner {

  private static final Logger log = LoggerFactory.getLogger(ProjectionRunner.class);

  /** The workers accept no messages; stopping (rebalance, shutdown) ends their stream. */
  public interface Command {}

  private ProjectionRunner() {}

  /** What to run: a name (the offsets' key), the tags to follow, and how to apply an event. */
  public record Projection(String name, List<String> tags, ProjectionHandler handler) {
    public Projection {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(handler, "handler");
      tags = List.copyOf(tags);
      if (tags.isEmpty()) {
        throw new IllegalArgumentException("projection " + name + " needs at least one tag");
      }
    }
  }

  /** {@code prefix0 .. prefix(count-1)}: the tags of an entity that tags by {@code hash % count}. */
  public static List<String> tags(String prefix, int count) {
    List<String> tags = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      tags.add(prefix + i);
    }
    return List.copyOf(tags);
  }

  /**
   * Starts the projection's workers cluster-wide on nodes of {@code role} (null = any node). Call it on every node
   * (as with sharding); nodes outside the role only proxy.
   */
  public static void init(ActorSystem<?> system, Projection projection, Database database,
      ProjectionSettings settings, String role) {
    ShardedDaemonProcessSettings daemonSettings = ShardedDaemonProcessSettings.create(system);
    if (role != null) {
      daemonSettings = daemonSettings.withRole(role);
    }
    ProjectionOffsets offsets = new ProjectionOffsets(database);
    ShardedDaemonProcess.get(system).init(Command.class, "projection-" + projection.name(), projection.tags().size(),
        index -> worker(projection, projection.tags().get(index), database, offsets, settings), daemonSettings,
        java.util.Optional.empty());
  }

  static Behavior<Command> worker(Projection projection, String tag, Database database, ProjectionOffsets offsets,
      ProjectionSettings settings) {
    return Behaviors.setup(context -> {
      EventsByTagQuery journal = PersistenceQuery.get(context.getSystem().classicSystem())
          .getReadJournalFor(EventsByTagQuery.class, settings.readJournal());
      RestartSettings restart = RestartSettings.create(settings.minBackoff(), settings.maxBackoff(), 0.2);
      UniqueKillSwitch stream = RestartSource.withBackoff(restart, () -> Source.completionStage(
                  offsets.load(projection.name(), tag))
              .flatMapConcat(offset -> journal.eventsByTag(tag, Offset.sequence(offset)))
              .groupedWithin(settings.batchSize(), settings.batchInterval())
              .mapAsync(1, batch -> apply(projection, tag, database, batch)))
          .viaMat(KillSwitches.single(), Keep.right())
          .toMat(Sink.ignore(), Keep.left())
          .run(Materializer.matFromSystem(context.getSystem()));
      log.info("Projection {} follows tag {}", projection.name(), tag);
      return Behaviors.receive(Command.class)
          .onSignal(PostStop.class, signal -> {
            stream.shutdown();
            return Behaviors.same();
          })
          .build();
    });
  }

  private static CompletionStage<Done> apply(Projection projection, String tag, Database database,
      List<EventEnvelope> batch) {
    long last = ((Sequence) batch.get(batch.size() - 1).offset()).value();
    return database.transaction(connection -> {
      for (EventEnvelope envelope : batch) {
        projection.handler().process(connection, envelope);
      }
      ProjectionOffsets.save(connection, projection.name(), tag, last);
      return Done.getInstance();
    }).whenComplete((done, failure) -> {
      if (failure != null) {
        log.warn("Projection {} (tag {}) failed to apply {} event(s) up to offset {}; restarting with backoff: {}",
            projection.name(), tag, batch.size(), last, failure.toString());
      }
    });
  }
}

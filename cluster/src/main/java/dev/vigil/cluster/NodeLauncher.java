package dev.vigil.cluster;


import org.apache.pekko.actor.CoordinatedShutdown;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.typesafe.config.Config;

import dev.vigil.persistence.Database;
import dev.vigil.persistence.DatabaseSettings;
import dev.vigil.persistence.SchemaMigrator;

/** The process around a {@link VigilNode}: signal handling, exit codes, and the {@code migrate} command. */
final class NodeLauncher {

  private static final Logger log = LoggerFactory.getLogger(NodeLauncher.class);

  private NodeLauncher() {}

  static void run(Config config) {
    VigilNode node;
    try {
      node = VigilNode.start(config);
    } catch (Exception e) {
      log.error("Vigil node failed to start: {}", e.getMessage(), e);
      System.exit(1);
      return;
    }
    handleSigterm(node);
    try {
      node.whenTerminated().toCompletableFuture().get();
    } catch (Exception e) {
      log.error("Vigil node ended abnormally", e);
      System.exit(1);
    }
  }

  /**
   * SIGTERM is a request to drain, not a failure: run the whole CoordinatedShutdown and exit 0. The JVM's default
   * would run it from a shutdown hook and exit 143.
   */
  @SuppressWarnings("restriction")
  private static void handleSigterm(VigilNode node) {
    sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
      log.info("SIGTERM: draining");
      CoordinatedShutdown.get(node.system()).runAll(Sigterm.INSTANCE);
    });
  }

  /** The reason CoordinatedShutdown runs after SIGTERM; exits with pekko.coordinated-shutdown.exit-code (0). */
  enum Sigterm implements CoordinatedShutdown.Reason {
    INSTANCE
  }

  static int migrate(Config config) {
    DatabaseSettings settings = DatabaseSettings.fromConfig(config);
    try (Database database = Database.open(settings, "vigil-migrate")) {
      SchemaMigrator.Report report = SchemaMigrator.migrate(database);
      log.info("Migrated {}: applied {}", settings, report.appliedMigrations());
      return 0;
    } catch (Exception e) {
      log.error("Migration failed: {}", e.getMessage(), e);
      return 1;
    }
  }

}

package dev.vigil.persistence;

import java.time.Duration;
import java.util.Locale;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;

/**
 * The one block of connection settings ({@code vigil.database}) from which every database user derives its own:
 * Vigil's connection pool and pekko-persistence-jdbc's Slick blocks for the journal, snapshots, durable state and
 * read journal. Validates on creation and fails fast with a message naming the key.
 */
public record DatabaseSettings(
    String url,
    String user,
    String password,
    int maxPoolSize,
    Duration connectionTimeout,
    Duration healthCheckTimeout,
    boolean migrateOnStart) {

  public DatabaseSettings {
    if (url == null || url.isBlank()) {
      throw new IllegalArgumentException("vigil.database.url must be set");
    }
    Dialect.fromJdbcUrl(url);
    if (maxPoolSize < 1) {
      throw new IllegalArgumentException("vigil.database.max-pool-size must be >= 1, got " + maxPoolSize);
    }
    if (connectionTimeout.toMillis() < 250) {
      throw new IllegalArgumentException("vigil.database.connection-timeout must be >= 250ms (HikariCP's minimum)");
    }
  }

  /** Reads {@code vigil.database} from the full configuration. */
  public static DatabaseSettings fromConfig(Config root) {
    Config c = root.getConfig("vigil.database");
    return new DatabaseSettings(
        c.getString("url"),
        c.getString("user"),
        c.getString("password"),
        c.getInt("max-pool-size"),
        c.getDuration("connection-timeout"),
        c.getDuration("health-check-timeout"),
        c.getBoolean("migrate-on-start"));
  }

  public Dialect dialect() {
    return Dialect.fromJdbcUrl(url);
  }

  /**
   * The Slick blocks pekko-persistence-jdbc reads, derived from this block, so a deployment sets the database once.
   * The journal, snapshot store and read journal share one Slick database ({@code shared-databases}).
   */
  public Config pekkoJdbcConfig() {
    Config db = ConfigFactory.empty()
        .withValue("profile", ConfigValueFactory.fromAnyRef(dialect().slickProfile()))
        .withValue("db.connectionPool", ConfigValueFactory.fromAnyRef("HikariCP"))
        .withValue("db.url", ConfigValueFactory.fromAnyRef(url))
        .withValue("db.user", ConfigValueFactory.fromAnyRef(user))
        .withValue("db.password", ConfigValueFactory.fromAnyRef(password))
        .withValue("db.driver", ConfigValueFactory.fromAnyRef(dialect().driverClass()))
        .withValue("db.numThreads", ConfigValueFactory.fromAnyRef(maxPoolSize))
        .withValue("db.maxConnections", ConfigValueFactory.fromAnyRef(maxPoolSize))
        .withValue("db.minConnections", ConfigValueFactory.fromAnyRef(1))
        .withValue("db.connectionTimeout", ConfigValueFactory.fromAnyRef(connectionTimeout.toMillis()))
        .withValue("db.queueSize", ConfigValueFactory.fromAnyRef(10000));
    Config slick = ConfigFactory.empty()
        .withValue("pekko-persistence-jdbc.shared-databases.vigil", db.root());
    for (String plugin : new String[] {"jdbc-journal", "jdbc-snapshot-store", "jdbc-read-journal"}) {
      slick = slick.withValue(plugin + ".use-shared-db", ConfigValueFactory.fromAnyRef("vigil"));
    }
    if (dialect() == Dialect.POSTGRES) {
      // The read journal's eventsByTag joins event_journal and event_tag. As a server-side prepared statement
      // PostgreSQL plans it once, generically, and keeps that plan until the tables are next analyzed: planned while
      // they were nearly empty it scanned all of event_tag for every journal row in range, and in a new database it
      // stayed so for a minute or more (auto_explain: 56 ms for 51 rows; most of PostgreSQL's CPU in the benchmarks
      // and drills, which all start on new databases). prepareThreshold=0 sends unnamed statements, planned at each
      // execution from the tables' current size; the read side runs a few such queries per second, so planning costs
      // nothing that matters. The write side keeps its prepared statements.
      Config query = db.withValue("db.numThreads", ConfigValueFactory.fromAnyRef(Math.min(4, maxPoolSize)))
          .withValue("db.maxConnections", ConfigValueFactory.fromAnyRef(Math.min(4, maxPoolSize)))
          .withValue("db.properties.prepareThreshold", ConfigValueFactory.fromAnyRef("0"));
      slick = slick.withValue("pekko-persistence-jdbc.shared-databases.vigil-read", query.root())
          .withValue("jdbc-read-journal.use-shared-db", ConfigValueFactory.fromAnyRef("vigil-read"));
    }
    // the durable state store has no use-shared-db in 1.1.1: it gets its own (small) pool from the same block
    Config durable = db.withValue("db.numThreads", ConfigValueFactory.fromAnyRef(2))
        .withValue("db.maxConnections", ConfigValueFactory.fromAnyRef(2));
    slick = slick.withValue("jdbc-durable-state-store.slick", durable.root());
    return slick;
  }

  @Override
  public String toString() {
    // never print the password
    return "DatabaseSettings[url=" + url + ", user=" + user + ", maxPoolSize=" + maxPoolSize
        + ", dialect=" + dialect().name().toLowerCase(Locale.ROOT) + "]";
  }
}

package dev.vigil.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * Vigil's own connection pool (API keys, receipts, policies, read models), separate from the journal's Slick pool so a
 * burst of queries cannot starve event persistence. JDBC blocks, so every call runs on this class's own bounded executor
 * and comes back as a {@link CompletionStage}: actors and HTTP routes never block on it.
 */
public final class Database implements AutoCloseable {

  private final DatabaseSettings settings;
  private final HikariDataSource dataSource;
  private final ExecutorService executor;

  private Database(DatabaseSettings settings, HikariDataSource dataSource, ExecutorService executor) {
    this.settings = settings;
    this.dataSource = dataSource;
    this.executor = executor;
  }

  /** Opens the pool without requiring the database to be up yet: connections are made on first use. */
  public static Database open(DatabaseSettings settings, String poolName) {
    HikariConfig hikari = new HikariConfig();
    hikari.setPoolName(poolName);
    hikari.setJdbcUrl(settings.url());
    hikari.setUsername(settings.user());
    hikari.setPassword(settings.password());
    hikari.setDriverClassName(settings.dialect().driverClass());
    hikari.setMaximumPoolSize(settings.maxPoolSize());
    hikari.setMinimumIdle(1);
    hikari.setConnectionTimeout(settings.connectionTimeout().toMillis());
    hikari.setValidationTimeout(Math.max(250, settings.healthCheckTimeout().toMillis()));
    // start even if the database is down; readiness reports it and calls fail fast with a clear error
    hikari.setInitializationFailTimeout(-1);
    HikariDataSource dataSource = new HikariDataSource(hikari);
    AtomicInteger threads = new AtomicInteger();
    ThreadFactory factory = r -> {
      Thread t = new Thread(r, poolName + "-jdbc-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
    return new Database(settings, dataSource, Executors.newFixedThreadPool(settings.maxPoolSize(), factory));
  }

  public DatabaseSettings settings() {
    return settings;
  }

  public Dialect dialect() {
    return settings.dialect();
  }

  public DataSource dataSource() {
    return dataSource;
  }

  /** Runs the work on a pooled connection (auto-commit) off the caller's thread. */
  public <T> CompletionStage<T> run(SqlWork<T> work) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        return runBlocking(work);
      } catch (SQLException e) {
        throw new CompletionException(isUnavailable(e) ? new DatabaseUnavailableException(e) : e);
      }
    }, executor);
  }

  /**
   * Whether a failure means "the database cannot be reached right now" rather than "this statement is wrong":
   * pool time-outs, SQLSTATE class 08 (connection exception), 53 (insufficient resources), 57P (operator intervention).
   */
  public static boolean isUnavailable(SQLException e) {
    if (e instanceof java.sql.SQLTransientConnectionException || e instanceof java.sql.SQLNonTransientConnectionException) {
      return true;
    }
    String state = e.getSQLState();
    return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P"));
  }

  /** Runs the work in one transaction off the caller's thread; rolls back on any failure. */
  public <T> CompletionStage<T> transaction(SqlWork<T> work) {
    return run(connection -> {
      connection.setAutoCommit(false);
      try {
        T result = work.apply(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException e) {
        connection.rollback();
        throw e;
      } finally {
        connection.setAutoCommit(true);
      }
    });
  }

  /** For start-up code (migrations) and tests, which may block. */
  public <T> T runBlocking(SqlWork<T> work) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return work.apply(connection);
    }
  }

  /** A cheap liveness query bounded by {@code health-check-timeout}; completes false instead of failing. */
  public CompletionStage<Boolean> isReachable() {
    return CompletableFuture.supplyAsync(() -> {
      try (Connection connection = dataSource.getConnection();
           Statement statement = connection.createStatement()) {
        statement.setQueryTimeout((int) Math.max(1, settings.healthCheckTimeout().toSeconds()));
        statement.execute("SELECT 1");
        return true;
      } catch (SQLException | RuntimeException e) {
        return false;
      }
    }, executor);
  }

  @Override
  public void close() {
    executor.shutdown();
    dataSource.close();
  }
}

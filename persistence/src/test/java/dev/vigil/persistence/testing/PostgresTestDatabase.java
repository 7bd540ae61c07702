package dev.vigil.persistence.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import dev.vigil.persistence.DatabaseSettings;

/**
 * A fresh, empty PostgreSQL database for one test class, created over a real connection and dropped afterwards, so
 * tests never see each other's journal rows. The server comes from {@code VIGIL_TEST_PG_HOST}/{@code _PORT}/{@code _USER}
 * (default 127.0.0.1:5432, user postgres, trust auth, admin database {@code test}). It never skips: an unreachable
 * server fails the test with a message saying how to start it.
 */
public final class PostgresTestDatabase implements AutoCloseable {

  private static final String HOST = env("VIGIL_TEST_PG_HOST", "127.0.0.1");
  private static final String PORT = env("VIGIL_TEST_PG_PORT", "5432");
  private static final String USER = env("VIGIL_TEST_PG_USER", "postgres");
  private static final String PASSWORD = env("VIGIL_TEST_PG_PASSWORD", "");
  private static final String ADMIN_DB = env("VIGIL_TEST_PG_ADMIN_DB", "test");

  private final String name;

  private PostgresTestDatabase(String name) {
    this.name = name;
  }

  public static PostgresTestDatabase create() {
    String name = "vigil_t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
    try (Connection admin = adminConnection(); Statement s = admin.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("PostgreSQL is required for this test and is not reachable at " + HOST + ":" + PORT
          + " as " + USER + " (" + e.getMessage() + "). Start it: pg_ctlcluster --skip-systemctl-redirect "
          + "$(ls /etc/postgresql) main start (.ci/run does this).", e);
    }
    return new PostgresTestDatabase(name);
  }

  public String name() {
    return name;
  }

  public String host() {
    return HOST;
  }

  public int port() {
    return Integer.parseInt(PORT);
  }

  public String url() {
    return url(HOST, port());
  }

  /** The URL of this database through another host and port, e.g. a fault-injecting proxy in front of the server. */
  public String url(String host, int port) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + name;
  }

  public String user() {
    return USER;
  }

  public String password() {
    return PASSWORD;
  }

  public DatabaseSettings settings() {
    return settings(url());
  }

  public DatabaseSettings settings(String url) {
    return new DatabaseSettings(url, USER, PASSWORD, 5, java.time.Duration.ofSeconds(2), java.time.Duration.ofSeconds(1), true);
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(url(), USER, PASSWORD);
  }

  @Override
  public void close() {
    try (Connection admin = adminConnection(); Statement s = admin.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("Could not drop test database " + name, e);
    }
  }

  private static Connection adminConnection() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/" + ADMIN_DB, USER, PASSWORD);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}

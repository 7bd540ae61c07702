package dev.vigil.chaos;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A fresh PostgreSQL database for one drill on the shared server, dropped when the drill ends (the approach of the
 * persistence test-jar's {@code PostgresTestDatabase}, in main code because the drill command runs outside tests).
 * The server comes from {@code VIGIL_TEST_PG_HOST}/{@code _PORT}/{@code _USER}/{@code _PASSWORD}/{@code _ADMIN_DB}
 * (default 127.0.0.1:5432, postgres, no password, admin database {@code test}).
 */
public final class DrillDatabase implements AutoCloseable {

  private static final String HOST = env("VIGIL_TEST_PG_HOST", "127.0.0.1");
  private static final int PORT = Integer.parseInt(env("VIGIL_TEST_PG_PORT", "5432"));
  private static final String USER = env("VIGIL_TEST_PG_USER", "postgres");
  private static final String PASSWORD = env("VIGIL_TEST_PG_PASSWORD", "");
  private static final String ADMIN_DB = env("VIGIL_TEST_PG_ADMIN_DB", "test");

  private final String name;

  private DrillDatabase(String name) {
    this.name = name;
  }

  public static DrillDatabase create() {
    String name = "vigil_drill_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
    try (Connection admin = admin(); Statement s = admin.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    } catch (SQLException e) {
      throw new IllegalStateException("Drills need PostgreSQL at " + HOST + ":" + PORT + " as " + USER + " ("
          + e.getMessage() + "); start it with scripts/ensure-postgres.sh", e);
    }
    return new DrillDatabase(name);
  }

  public String name() {
    return name;
  }

  public String host() {
    return HOST;
  }

  public int port() {
    return PORT;
  }

  /** The JDBC URL of this database through {@code host:port} (a relay the nodes can reach). */
  public String url(String host, int port) {
    return "jdbc:postgresql://" + host + ":" + port + "/" + name;
  }

  public String url() {
    return url(HOST, PORT);
  }

  public String user() {
    return USER;
  }

  public String password() {
    return PASSWORD;
  }

  @Override
  public void close() {
    try (Connection admin = admin(); Statement s = admin.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (SQLException e) {
      throw new IllegalStateException("could not drop drill database " + name, e);
    }
  }

  private static Connection admin() throws SQLException {
    return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + PORT + "/" + ADMIN_DB, USER, PASSWORD);
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isBlank() ? fallback : value;
  }
}

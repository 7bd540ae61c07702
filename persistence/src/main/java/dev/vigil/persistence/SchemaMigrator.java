package dev.vigil.persistence;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a database to the schema this build needs, idempotently, at every start-up:
 * <ol>
 *   <li>the DDL shipped inside the exact pekko-persistence-jdbc jar on the classpath (journal, tags, snapshots, durable
 *       state), made re-runnable ({@code IF NOT EXISTS} on its indexes) and run statement by statement with
 *       auto-commit, because PostgreSQL refuses {@code CREATE INDEX CONCURRENTLY} inside a transaction;</li>
 *   <li>Vigil's own versioned migrations ({@code dev/vigil/persistence/migrations/index.txt}), each applied once and
 *       recorded with its checksum in {@code vigil_schema_history}; a migration marked
 *       {@code -- vigil:transactional=false} runs statement by statement, the others in one transaction.</li>
 * </ol>
 * On PostgreSQL concurrent starters serialize on an advisory lock, so a rolling start of three nodes migrates once.
 */
public final class SchemaMigrator {

  private static final Logger log = LoggerFactory.getLogger(SchemaMigrator.class);
  private static final long ADVISORY_LOCK_KEY = 0x5616_11L;
  private static final java.time.Duration LOCK_WAIT = java.time.Duration.ofMinutes(5);
  private static final String MIGRATIONS = "dev/vigil/persistence/migrations/";
  private static final Pattern CREATE_INDEX =
      Pattern.compile("(?i)^CREATE\\s+(UNIQUE\\s+)?INDEX\\s+(CONCURRENTLY\\s+)?(?!IF\\s+NOT\\s+EXISTS)(\\S+)");
  private static final Pattern MIGRATION_NAME = Pattern.compile("V(\\d+)__([A-Za-z0-9_]+)\\.sql");

  /** What a run did, for the start-up log and tests. */
  public record Report(List<String> appliedMigrations, int pekkoStatements) {}

  private SchemaMigrator() {}

  public static Report migrate(Database database) throws SQLException {
    return database.runBlocking(connection -> {
      connection.setAutoCommit(true);
      Dialect dialect = database.dialect();
      lock(connection, dialect);
      try {
        int pekko = applyPekkoSchema(connection, dialect);
        List<String> applied = applyVigilMigrations(connection);
        log.info("Schema ready on {}: pekko-persistence-jdbc DDL ({} statements, idempotent), Vigil migrations applied now: {}",
            dialect, pekko, applied.isEmpty() ? "none (up to date)" : applied);
        return new Report(applied, pekko);
      } finally {
        unlock(connection, dialect);
      }
    });
  }

  /**
   * Polls {@code pg_try_advisory_lock} instead of blocking in {@code pg_advisory_lock}: a session blocked inside that
   * SELECT holds an open transaction, and {@code CREATE INDEX CONCURRENTLY} in the lock holder waits for every open
   * transaction to end, which would deadlock two nodes starting together.
   */
  private static void lock(Connection connection, Dialect dialect) throws SQLException {
    if (dialect != Dialect.POSTGRES) {
      return;
    }
    long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
    while (true) {
      try (Statement s = connection.createStatement();
           ResultSet rs = s.executeQuery("SELECT pg_try_advisory_lock(" + ADVISORY_LOCK_KEY + ")")) {
        rs.next();
        if (rs.getBoolean(1)) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new SQLException("Another node held the schema migration lock for over " + LOCK_WAIT.toSeconds() + "s");
      }
      try {
        Thread.sleep(100); // start-up code on the main thread, never an actor's
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SQLException("Interrupted while waiting for the schema migration lock", e);
      }
    }
  }

  private static void unlock(Connection connection, Dialect dialect) throws SQLException {
    if (dialect == Dialect.POSTGRES) {
      try (Statement s = connection.createStatement()) {
        s.execute("SELECT pg_advisory_unlock(" + ADVISORY_LOCK_KEY + ")");
      }
    }
  }

  static int applyPekkoSchema(Connection connection, Dialect dialect) throws SQLException {
    String resource = "schema/" + dialect.schemaFolder() + "/" + dialect.schemaFolder() + "-create-schema.sql";
    List<String> statements = splitStatements(readResource(resource));
    for (String statement : statements) {
      String idempotent = makeIdempotent(statement);
      try (Statement s = connection.createStatement()) {
        s.execute(idempotent);
      }
      if (dialect == Dialect.POSTGRES) {
        repairInvalidIndex(connection, idempotent);
      }
    }
    return statements.size();
  }

  /** Adds {@code IF NOT EXISTS} to the shipped index statements, which lack it in the PostgreSQL script. */
  static String makeIdempotent(String statement) {
    Matcher m = CREATE_INDEX.matcher(statement);
    if (!m.find()) {
      return statement;
    }
    String unique = m.group(1) == null ? "" : "UNIQUE ";
    String concurrently = m.group(2) == null ? "" : "CONCURRENTLY ";
    return "CREATE " + unique + "INDEX " + concurrently + "IF NOT EXISTS " + m.group(3) + statement.substring(m.end());
  }

  /**
   * A {@code CREATE INDEX CONCURRENTLY} interrupted half-way (node killed during start-up) leaves an INVALID index that
   * {@code IF NOT EXISTS} would then skip forever: drop and rebuild it.
   */
  private static void repairInvalidIndex(Connection connection, String statement) throws SQLException {
    Matcher m = Pattern.compile("(?i)CONCURRENTLY\\s+IF\\s+NOT\\s+EXISTS\\s+(\\S+)").matcher(statement);
    if (!m.find()) {
      return;
    }
    String index = m.group(1).replace("\"", "");
    try (PreparedStatement q = connection.prepareStatement(
        "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = ?")) {
      q.setString(1, index);
      try (ResultSet rs = q.executeQuery()) {
        if (rs.next() && !rs.getBoolean(1)) {
          log.warn("Index {} is INVALID (an earlier concurrent build was interrupted): rebuilding it", index);
          try (Statement s = connection.createStatement()) {
            s.execute("DROP INDEX CONCURRENTLY IF EXISTS " + index);
            s.execute(statement);
          }
        }
      }
    }
  }

  static List<String> applyVigilMigrations(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE TABLE IF NOT EXISTS vigil_schema_history ("
          + "version INTEGER PRIMARY KEY, description VARCHAR(200) NOT NULL, checksum VARCHAR(64) NOT NULL, "
          + "applied_at TIMESTAMP WITH TIME ZONE NOT NULL)");
    }
    Map<Integer, String> appliedChecksums = new TreeMap<>();
    try (Statement s = connection.createStatement();
         ResultSet rs = s.executeQuery("SELECT version, checksum FROM vigil_schema_history")) {
      while (rs.next()) {
        appliedChecksums.put(rs.getInt(1), rs.getString(2));
      }
    }
    List<String> appliedNow = new ArrayList<>();
    for (String file : splitLines(readResource(MIGRATIONS + "index.txt"))) {
      Matcher name = MIGRATION_NAME.matcher(file);
      if (!name.matches()) {
        throw new IllegalStateException("Migration file name must look like V001__description.sql: " + file);
      }
      int version = Integer.parseInt(name.group(1));
      String sql = readResource(MIGRATIONS + file);
      String checksum = sha256(sql);
      String known = appliedChecksums.get(version);
      if (known != null) {
        if (!known.equals(checksum)) {
          throw new IllegalStateException("Migration " + file + " was changed after it was applied (checksum "
              + known + " in vigil_schema_history, " + checksum + " in this build): add a new migration instead");
        }
        continue;
      }
      boolean transactional = !sql.contains("-- vigil:transactional=false");
      apply(connection, sql, transactional, version, name.group(2).replace('_', ' '), checksum);
      appliedNow.add(file);
    }
    return appliedNow;
  }

  private static void apply(Connection connection, String sql, boolean transactional, int version, String description,
      String checksum) throws SQLException {
    connection.setAutoCommit(!transactional);
    try {
      for (String statement : splitStatements(sql)) {
        try (Statement s = connection.createStatement()) {
          s.execute(statement);
        }
      }
      try (PreparedStatement record = connection.prepareStatement(
          "INSERT INTO vigil_schema_history (version, description, checksum, applied_at) VALUES (?, ?, ?, ?)")) {
        record.setInt(1, version);
        record.setString(2, description);
        record.setString(3, checksum);
        record.setTimestamp(4, Timestamp.from(Instant.now()));
        record.executeUpdate();
      }
      if (transactional) {
        connection.commit();
      }
    } catch (SQLException | RuntimeException e) {
      if (transactional) {
        connection.rollback();
      }
      throw new SQLException("Migration V" + version + " (" + description + ") failed: " + e.getMessage(), e);
    } finally {
      connection.setAutoCommit(true);
    }
  }

  static List<String> splitStatements(String sql) {
    StringBuilder withoutComments = new StringBuilder();
    for (String line : sql.split("\n")) {
      String trimmed = line.strip();
      if (!trimmed.startsWith("--")) {
        withoutComments.append(line).append('\n');
      }
    }
    List<String> statements = new ArrayList<>();
    for (String part : withoutComments.toString().split(";")) {
      String statement = part.strip();
      if (!statement.isEmpty()) {
        statements.add(statement);
      }
    }
    return statements;
  }

  private static List<String> splitLines(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
        lines.add(trimmed);
      }
    }
    return lines;
  }

  private static String readResource(String resource) {
    try (InputStream in = SchemaMigrator.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("Schema resource missing from the classpath: " + resource);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + resource, e);
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

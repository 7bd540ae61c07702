package dev.vigil.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.vigil.persistence.testing.PostgresTestDatabase;

class SchemaMigratorIT {

  @Test
  void postgresSchemaIsCreatedOnceAndReRunsCleanlyEvenWhenNodesStartTogether() throws Exception {
    try (PostgresTestDatabase pg = PostgresTestDatabase.create();
         Database db = Database.open(pg.settings(), "migrate-test")) {
      // three "nodes" starting at the same moment: the advisory lock makes exactly one apply V001
      ExecutorService starters = Executors.newFixedThreadPool(3);
      List<Future<SchemaMigrator.Report>> reports = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Callable<SchemaMigrator.Report> start = () -> SchemaMigrator.migrate(db);
        reports.add(starters.submit(start));
      }
      int applied = 0;
      for (Future<SchemaMigrator.Report> report : reports) {
        applied += report.get().appliedMigrations().size();
      }
      starters.shutdown();
      assertEquals(migrationCount(), applied, "each migration applied by exactly one starter");

      SchemaMigrator.Report again = SchemaMigrator.migrate(db);
      assertTrue(again.appliedMigrations().isEmpty(), "nothing left to apply on the second run");

      Set<String> tables = tables(db, "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
      assertTrue(tables.containsAll(Set.of("event_journal", "event_tag", "snapshot", "durable_state",
          "vigil_schema_history", "vigil_api_keys")), tables.toString());
      Set<String> indexes = tables(db, "SELECT indexname FROM pg_indexes WHERE schemaname = 'public'");
      assertTrue(indexes.containsAll(Set.of("event_journal_ordering_idx", "state_tag_idx", "state_global_offset_idx")),
          indexes.toString());
    }
  }

  @Test
  void anInvalidIndexLeftByAnInterruptedConcurrentBuildIsRebuilt() throws Exception {
    try (PostgresTestDatabase pg = PostgresTestDatabase.create();
         Database db = Database.open(pg.settings(), "migrate-test")) {
      SchemaMigrator.migrate(db);
      // simulate the aftermath of a kill during CREATE INDEX CONCURRENTLY: the index exists but is marked invalid
      db.runBlocking(c -> {
        try (Statement s = c.createStatement()) {
          s.execute("UPDATE pg_index SET indisvalid = false WHERE indexrelid = 'state_tag_idx'::regclass");
        }
        return null;
      });
      assertEquals(Set.of("false"), tables(db,
          "SELECT i.indisvalid::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'state_tag_idx'"));
      SchemaMigrator.migrate(db);
      assertEquals(Set.of("true"), tables(db,
          "SELECT i.indisvalid::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'state_tag_idx'"));
    }
  }

  @Test
  void h2SchemaIsCreatedIdempotently(@TempDir Path dir) throws Exception {
    String url = "jdbc:h2:file:" + dir.resolve("vigil") + ";DB_CLOSE_DELAY=-1;DATABASE_TO_UPPER=false";
    DatabaseSettings settings = new DatabaseSettings(url, "sa", "", 2, Duration.ofSeconds(2), Duration.ofSeconds(1), true);
    try (Database db = Database.open(settings, "h2-test")) {
      List<String> first = SchemaMigrator.migrate(db).appliedMigrations();
      assertEquals(migrationCount(), first.size());
      assertEquals("V001__api_keys.sql", first.get(0));
      assertTrue(SchemaMigrator.migrate(db).appliedMigrations().isEmpty());
      Set<String> tables = tables(db, "SELECT TABLE_NAME FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = 'PUBLIC'");
      assertTrue(tables.containsAll(Set.of("event_journal", "snapshot", "durable_state", "vigil_api_keys")), tables.toString());
    }
    assertTrue(Files.exists(dir.resolve("vigil.mv.db")), "file database written");
  }

  @Test
  void shippedIndexStatementsAreMadeReRunnable() {
    assertEquals("CREATE INDEX CONCURRENTLY IF NOT EXISTS state_tag_idx on public.durable_state (tag)",
        SchemaMigrator.makeIdempotent("CREATE INDEX CONCURRENTLY state_tag_idx on public.durable_state (tag)"));
    assertEquals("CREATE UNIQUE INDEX IF NOT EXISTS event_journal_ordering_idx ON public.event_journal(ordering)",
        SchemaMigrator.makeIdempotent("CREATE UNIQUE INDEX event_journal_ordering_idx ON public.event_journal(ordering)"));
    String already = "CREATE INDEX IF NOT EXISTS \"state_tag_idx\" on PUBLIC.\"durable_state\" (\"tag\")";
    assertEquals(already, SchemaMigrator.makeIdempotent(already));
    assertEquals("CREATE TABLE x (a int)", SchemaMigrator.makeIdempotent("CREATE TABLE x (a int)"));
  }

  private static int migrationCount() throws Exception {
    try (var in = SchemaMigratorIT.class.getClassLoader().getResourceAsStream("dev/vigil/persistence/migrations/index.txt")) {
      return (int) new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).lines()
          .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).count();
    }
  }

  private static Set<String> tables(Database db, String sql) throws SQLException {
    return db.runBlocking(c -> {
      Set<String> names = new TreeSet<>();
      try (Connection same = c; Statement s = same.createStatement(); ResultSet rs = s.executeQuery(sql)) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      return names;
    });
  }
}

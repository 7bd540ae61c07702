package dev.vigil.persistence.policies;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.vigil.persistence.Database;
import dev.vigil.persistence.SchemaMigrator;
import dev.vigil.persistence.testing.PostgresTestDatabase;

class PolicyStoreIT {

  static PostgresTestDatabase pg;
  static Database db;
  static PolicyStore store;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresTestDatabase.create();
    db = Database.open(pg.settings(), "policies-test");
    SchemaMigrator.migrate(db);
    store = new PolicyStore(db, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    db.close();
    pg.close();
  }

  static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void versionsAreKeptActivationAndShadowMoveTheHeadAndBumpTheGeneration() throws Exception {
    long generation0 = await(store.activeSet()).generation();
    StoredPolicy v1 = await(store.upload("payments", "1.0.0", "vigil", "a".repeat(64), "source one", Optional.of("k1")));
    StoredPolicy v2 = await(store.upload("payments", "1.1.0", "vigil", "b".repeat(64), "source two", Optional.empty()));
    assertEquals(1, v1.revision());
    assertEquals(2, v2.revision());
    assertEquals(1, await(store.upload("payments", "1.0.0", "vigil", "a".repeat(64), "source one", Optional.empty()))
        .revision(), "the same source again is the same revision");
    assertEquals(List.of(1, 2), await(store.versions("payments")).stream().map(StoredPolicy::revision).toList());
    assertTrue(await(store.activeSet()).active().stream().noneMatch(p -> p.policyId().equals("payments")),
        "uploading does not activate");

    PolicyHead head = await(store.activate("payments", 1)).orElseThrow();
    assertEquals(Optional.of(1), head.activeRevision());
    await(store.shadow("payments", 2));
    PolicyStore.ActiveSet set = await(store.activeSet());
    assertEquals(generation0 + 2, set.generation());
    assertEquals("source one", set.active().stream().filter(p -> p.policyId().equals("payments")).findFirst().orElseThrow().source());
    assertEquals("source two", set.shadow().stream().filter(p -> p.policyId().equals("payments")).findFirst().orElseThrow().source());

    PolicyHead promoted = await(store.activate("payments", 2)).orElseThrow();
    assertEquals(Optional.of(2), promoted.activeRevision());
    assertEquals(Optional.empty(), promoted.shadowRevision(), "activating the shadow revision ends its shadow run");
    assertTrue(await(store.activate("payments", 9)).isEmpty(), "no such revision");
    assertTrue(await(store.activate("unknown", 1)).isEmpty());
  }

  @Test
  void shadowOutcomesAreCountedAndTheDisagreementsKept() throws Exception {
    await(store.upload("reports", "1", "vigil", "c".repeat(64), "s", Optional.empty()));
    Instant at = Instant.parse("2026-11-22T01:00:00Z");
    await(store.recordShadow("reports", 1, 10, List.of(
        new PolicyStore.ShadowDisagreement("a-1", "file.write", "allow", "writes", "deny", "no-writes", at))));
    await(store.recordShadow("reports", 1, 5, List.of()));
    PolicyStore.ShadowReport report = await(store.shadowReport("reports", 1, 50));
    assertEquals(15, report.evaluated());
    assertEquals(1, report.disagreed());
    assertEquals("no-writes", report.latestDisagreements().get(0).shadowRule());
  }
}

package dev.vigil.persistence.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.vigil.persistence.Database;
import dev.vigil.persistence.SchemaMigrator;
import dev.vigil.persistence.testing.PostgresTestDatabase;

class ApiKeyStoreIT {

  static PostgresTestDatabase pg;
  static Database db;
  static ApiKeyStore store;

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresTestDatabase.create();
    db = Database.open(pg.settings(), "keys-test");
    SchemaMigrator.migrate(db);
    store = new ApiKeyStore(db, Clock.systemUTC());
  }

  @AfterAll
  static void stop() {
    db.close();
    pg.close();
  }

  static <T> T await(java.util.concurrent.CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aKeyAuthenticatesUntilRevokedAndOnlyItsHashIsStored() throws Exception {
    IssuedKey issued = await(store.create("ci operator", Role.OPERATOR, Optional.empty(), Optional.of("bootstrap-admin")));
    assertTrue(issued.token().startsWith("vgl_"));
    assertEquals(47, issued.token().length(), "vgl_ + 43 base64url chars of 256 bits");

    Principal who = await(store.authenticate(issued.token())).orElseThrow();
    assertEquals(issued.key().keyId(), who.keyId());
    assertEquals(Role.OPERATOR, who.role());

    String stored = db.runBlocking(c -> {
      try (Statement s = c.createStatement();
           ResultSet rs = s.executeQuery("SELECT token_sha256 FROM vigil_api_keys WHERE key_id = '" + issued.key().keyId() + "'")) {
        rs.next();
        return rs.getString(1);
      }
    });
    assertEquals(ApiKeyStore.sha256Hex(issued.token()), stored);
    assertNotEquals(issued.token(), stored);

    assertTrue(await(store.authenticate(issued.token() + "x")).isEmpty(), "a different token is unknown");

    ApiKey revoked = await(store.revoke(issued.key().keyId())).orElseThrow();
    assertFalse(revoked.active());
    assertTrue(await(store.authenticate(issued.token())).isEmpty(), "revoked key no longer authenticates");
    assertEquals(revoked.revokedAt(), await(store.revoke(issued.key().keyId())).orElseThrow().revokedAt(),
        "revoking twice keeps the first revocation time");
    assertTrue(await(store.revoke("key_does_not_exist")).isEmpty());
  }

  @Test
  void agentKeysNameTheirAgentAndOthersMayNot() throws Exception {
    IssuedKey agent = await(store.create("agent a-1", Role.AGENT, Optional.of("a-1"), Optional.empty()));
    assertEquals(Optional.of("a-1"), await(store.authenticate(agent.token())).orElseThrow().agentId());
    assertThrows(IllegalArgumentException.class, () -> store.create("x", Role.AGENT, Optional.empty(), Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> store.create("x", Role.ADMIN, Optional.of("a"), Optional.empty()));
    assertThrows(IllegalArgumentException.class, () -> store.create(" ", Role.ADMIN, Optional.empty(), Optional.empty()));
    List<ApiKey> all = await(store.list());
    assertTrue(all.stream().anyMatch(k -> k.keyId().equals(agent.key().keyId())));
  }

  @Test
  void bootstrapAdminKeyIsRegisteredRotatedAndRevocationWins() throws Exception {
    store.ensureBootstrapAdmin("first-bootstrap-key-0123456789");
    assertEquals(Role.ADMIN, await(store.authenticate("first-bootstrap-key-0123456789")).orElseThrow().role());

    store.ensureBootstrapAdmin("second-bootstrap-key-0123456789");
    assertTrue(await(store.authenticate("first-bootstrap-key-0123456789")).isEmpty(), "rotated away");
    assertTrue(await(store.authenticate("second-bootstrap-key-0123456789")).isPresent());

    await(store.revoke(ApiKeyStore.BOOTSTRAP_KEY_ID));
    store.ensureBootstrapAdmin("second-bootstrap-key-0123456789");
    assertTrue(await(store.authenticate("second-bootstrap-key-0123456789")).isEmpty(), "a revoked bootstrap key stays revoked");
  }
}

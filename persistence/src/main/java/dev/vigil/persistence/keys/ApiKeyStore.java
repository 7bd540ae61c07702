package dev.vigil.persistence.keys;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vigil.persistence.Database;

/**
 * API keys in {@code vigil_api_keys}. A key is {@code vgl_} followed by 256 random bits (base64url); only its SHA-256
 * is stored. A fast hash is the right tool here because keys are machine-generated with full entropy, so nothing is
 * gained by a slow password hash and every request pays for the lookup.
 */
public final class ApiKeyStore {

  private static final Logger log = LoggerFactory.getLogger(ApiKeyStore.class);
  /** The key id of the admin key configured by {@code VIGIL_BOOTSTRAP_ADMIN_KEY}. */
  public static final String BOOTSTRAP_KEY_ID = "bootstrap-admin";
  private static final String COLUMNS = "key_id, name, role, agent_id, created_at, created_by, revoked_at";

  private final Database database;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  public ApiKeyStore(Database database, Clock clock) {
    this.database = database;
    this.clock = clock;
  }

  public CompletionStage<IssuedKey> create(String name, Role role, Optional<String> agentId, Optional<String> createdBy) {
    validateName(name);
    if (role == Role.AGENT && agentId.isEmpty()) {
      throw new IllegalArgumentException("an agent key needs agentId");
    }
    if (role != Role.AGENT && agentId.isPresent()) {
      throw new IllegalArgumentException("agentId is only for keys with role agent");
    }
    String token = newToken();
    ApiKey key = new ApiKey("key_" + HexFormat.of().formatHex(randomBytes(8)), name, role, agentId,
        clock.instant(), createdBy, Optional.empty());
    return database.run(connection -> {
      insert(connection, key, sha256Hex(token));
      return new IssuedKey(key, token);
    });
  }

  /** The principal of an active key with this token, or empty for an unknown or revoked one. */
  public CompletionStage<Optional<Principal>> authenticate(String token) {
    String hash = sha256Hex(token);
    return database.run(connection -> {
      try (PreparedStatement q = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM vigil_api_keys WHERE token_sha256 = ? AND revoked_at IS NULL")) {
        q.setString(1, hash);
        try (ResultSet rs = q.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          ApiKey key = read(rs);
          return Optional.of(new Principal(key.keyId(), key.name(), key.role(), key.agentId()));
        }
      }
    });
  }

  public CompletionStage<List<ApiKey>> list() {
    return database.run(connection -> {
      List<ApiKey> keys = new ArrayList<>();
      try (PreparedStatement q = connection.prepareStatement(
          "SELECT " + COLUMNS + " FROM vigil_api_keys ORDER BY created_at, key_id");
           ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          keys.add(read(rs));
        }
      }
      return keys;
    });
  }

  public CompletionStage<Optional<ApiKey>> get(String keyId) {
    return database.run(connection -> find(connection, keyId));
  }

  /** Revokes the key (idempotent: revoking twice keeps the first time); empty if no such key exists. */
  public CompletionStage<Optional<ApiKey>> revoke(String keyId) {
    return database.run(connection -> {
      try (PreparedStatement u = connection.prepareStatement(
          "UPDATE vigil_api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL")) {
        u.setTimestamp(1, Timestamp.from(clock.instant()));
        u.setString(2, keyId);
        u.executeUpdate();
      }
      return find(connection, keyId);
    });
  }

  /**
   * Makes the configured bootstrap admin key valid. A changed key replaces the old one; the same key that an admin has
   * revoked stays revoked (revocation wins over configuration, and is logged).
   */
  public void ensureBootstrapAdmin(String token) throws SQLException {
    String hash = sha256Hex(token);
    database.runBlocking(connection -> {
      Optional<String> existingHash = Optional.empty();
      boolean revoked = false;
      try (PreparedStatement q = connection.prepareStatement(
          "SELECT token_sha256, revoked_at FROM vigil_api_keys WHERE key_id = ?")) {
        q.setString(1, BOOTSTRAP_KEY_ID);
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            existingHash = Optional.of(rs.getString(1));
            revoked = rs.getTimestamp(2) != null;
          }
        }
      }
      if (existingHash.isEmpty()) {
        insert(connection, new ApiKey(BOOTSTRAP_KEY_ID, "bootstrap admin", Role.ADMIN, Optional.empty(),
            clock.instant(), Optional.empty(), Optional.empty()), hash);
        log.info("Bootstrap admin key registered (key id {})", BOOTSTRAP_KEY_ID);
      } else if (!existingHash.get().equals(hash)) {
        try (PreparedStatement u = connection.prepareStatement(
            "UPDATE vigil_api_keys SET token_sha256 = ?, revoked_at = NULL, created_at = ? WHERE key_id = ?")) {
          u.setString(1, hash);
          u.setTimestamp(2, Timestamp.from(clock.instant()));
          u.setString(3, BOOTSTRAP_KEY_ID);
          u.executeUpdate();
        }
        log.info("Bootstrap admin key rotated (key id {})", BOOTSTRAP_KEY_ID);
      } else if (revoked) {
        log.warn("The configured bootstrap admin key was revoked by an admin and stays revoked");
      }
      return null;
    });
  }

  private static void insert(Connection connection, ApiKey key, String hash) throws SQLException {
    try (PreparedStatement i = connection.prepareStatement(
        "INSERT INTO vigil_api_keys (key_id, name, role, agent_id, token_sha256, created_at, created_by) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
      i.setString(1, key.keyId());
      i.setString(2, key.name());
      i.setString(3, key.role().wireName());
      i.setString(4, key.agentId().orElse(null));
      i.setString(5, hash);
      i.setTimestamp(6, Timestamp.from(key.createdAt()));
      i.setString(7, key.createdBy().orElse(null));
      i.executeUpdate();
    }
  }

  private static Optional<ApiKey> find(Connection connection, String keyId) throws SQLException {
    try (PreparedStatement q = connection.prepareStatement("SELECT " + COLUMNS + " FROM vigil_api_keys WHERE key_id = ?")) {
      q.setString(1, keyId);
      try (ResultSet rs = q.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  private static ApiKey read(ResultSet rs) throws SQLException {
    Timestamp revoked = rs.getTimestamp("revoked_at");
    return new ApiKey(
        rs.getString("key_id"),
        rs.getString("name"),
        Role.parse(rs.getString("role")),
        Optional.ofNullable(rs.getString("agent_id")),
        rs.getTimestamp("created_at").toInstant(),
        Optional.ofNullable(rs.getString("created_by")),
        Optional.ofNullable(revoked).map(Timestamp::toInstant));
  }

  private static void validateName(String name) {
    if (name == null || name.isBlank() || name.length() > 200) {
      throw new IllegalArgumentException("name must be 1 to 200 characters");
    }
  }

  /** A new random key token: {@code vgl_} + 256 bits, base64url without padding. */
  public String newToken() {
    return "vgl_" + Base64.getUrlEncoder().withoutPadding().encodeToString(randomBytes(32));
  }

  private byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  public static String sha256Hex(String token) {
    try {
      return HexFormat.of().formatHex(
          MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

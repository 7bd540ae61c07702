package dev.vigil.actors.investigation;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The investigation's two tokens. The bootstrap token ({@code vgb.<id>.<random>}) sits in the Job spec and is worth
 * one exchange within minutes; the investigation token ({@code vgi.<id>.<random>}) authenticates the agent's calls.
 * Both name their investigation, so a token presented for another investigation's id is refused without a lookup.
 * Only SHA-256 hashes are stored.
 */
public final class Tokens {

  public static final String BOOTSTRAP_PREFIX = "vgb";
  public static final String INVESTIGATION_PREFIX = "vgi";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  public static String newToken(String prefix, String investigationId) {
    byte[] bytes = new byte[24];
    RANDOM.nextBytes(bytes);
    return prefix + "." + investigationId + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The investigation id a token names, if it has the shape of one of ours. */
  public static Optional<String> investigationOf(String token) {
    if (token == null) {
      return Optional.empty();
    }
    int first = token.indexOf('.');
    int last = token.lastIndexOf('.');
    if (first < 0 || last <= first + 1) {
      return Optional.empty();
    }
    return Optional.of(token.substring(first + 1, last));
  }

  public static String sha256(String token) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(token.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** Compares hashes in constant time. */
  public static boolean matches(String token, String expectedSha256) {
    if (token == null || expectedSha256 == null) {
      return false;
    }
    return MessageDigest.isEqual(sha256(token).getBytes(StandardCharsets.US_ASCII),
        expectedSha256.getBytes(StandardCharsets.US_ASCII));
  }
}

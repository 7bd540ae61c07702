package dev.vigil.actors.investigation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class TokensTest {

  @Test
  void tokensNameTheirInvestigationAndAreComparedByHash() {
    String token = Tokens.newToken(Tokens.INVESTIGATION_PREFIX, "inv-42");
    assertTrue(token.startsWith("vgi.inv-42."));
    assertEquals(Optional.of("inv-42"), Tokens.investigationOf(token));
    assertNotEquals(token, Tokens.newToken(Tokens.INVESTIGATION_PREFIX, "inv-42"), "random part");
    String hash = Tokens.sha256(token);
    assertEquals(64, hash.length());
    assertTrue(Tokens.matches(token, hash));
    assertFalse(Tokens.matches(token + "x", hash));
    assertFalse(Tokens.matches(null, hash));
    assertEquals(Optional.empty(), Tokens.investigationOf("garbage"));
  }
}

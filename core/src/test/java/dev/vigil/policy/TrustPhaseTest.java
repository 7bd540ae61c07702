package dev.vigil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.trust.TrustPhase;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TrustPhaseTest {

  @Test
  void parsesWireNamesAndConstantNames() {
    assertEquals(TrustPhase.READ_ONLY, TrustPhase.parse("read-only"));
    assertEquals(TrustPhase.LIMITED_WRITE, TrustPhase.parse("LIMITED_WRITE"));
    assertEquals(TrustPhase.SHADOW, TrustPhase.parse(" Shadow "));
    assertEquals("limited-write", TrustPhase.LIMITED_WRITE.wireName());
  }

  @Test
  void rejectsUnknownNamesListingTheValidOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrustPhase.parse("god-mode"));
    assertTrue(e.getMessage().contains("shadow, read-only, limited-write, autonomous"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> TrustPhase.parse(null));
  }

  @Test
  void stepsUpAndDown() {
    assertEquals(Optional.of(TrustPhase.READ_ONLY), TrustPhase.SHADOW.next());
    assertEquals(Optional.empty(), TrustPhase.AUTONOMOUS.next());
    assertEquals(Optional.of(TrustPhase.LIMITED_WRITE), TrustPhase.AUTONOMOUS.previous());
    assertEquals(Optional.empty(), TrustPhase.SHADOW.previous());
  }
}

package dev.vigil.receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

class ReceiptChainTest {

  private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");

  private static JsonNode body(String decision) {
    return JsonNodeFactory.instance.objectNode().put("decision", decision);
  }

  @Test
  void appendLinksEachReceiptToTheHeadStartingFromGenesis() {
    ReceiptChain chain = ReceiptChain.genesis("agent:a-1");
    Receipt first = chain.append("decision", body("allow"), T0, "d1");
    Receipt second = chain.append("decision", body("deny"), T0.plusSeconds(1), "d2");

    assertEquals(1, first.sequence());
    assertEquals(Receipt.GENESIS_HASH, first.prevHash());
    assertEquals("2025-03-01T12:00:00Z", first.timestamp());
    assertEquals(2, second.sequence());
    assertEquals(first.hash(), second.prevHash());
    assertTrue(first.isSealedCorrectly() && second.isSealedCorrectly());
    assertEquals(new ChainAnchor(2, second.hash()), chain.head());
    assertTrue(ChainVerifier.verify("agent:a-1", List.of(first, second)).valid());
  }

  @Test
  void nextDoesNotMoveTheHeadUntilAccepted() {
    ReceiptChain chain = ReceiptChain.genesis("investigation:i-1");
    Receipt pending = chain.next("phase-change", body("running"), T0, "p1");
    assertEquals(ChainAnchor.GENESIS, chain.head());
    chain.accept(pending);
    assertEquals(ChainAnchor.of(pending), chain.head());
  }

  @Test
  void refusesToForkOrToTakeAnotherChainsReceipt() {
    ReceiptChain chain = ReceiptChain.genesis("agent:a-1");
    Receipt pendingA = chain.next("decision", body("allow"), T0, "a");
    Receipt pendingB = chain.next("decision", body("deny"), T0, "b");
    chain.accept(pendingA);
    assertThrows(IllegalStateException.class, () -> chain.accept(pendingB), "a second receipt on the same parent is a fork");
    assertThrows(IllegalStateException.class, () -> chain.accept(pendingA), "the same receipt cannot be accepted twice");
    Receipt foreign = ReceiptChain.resume("agent:a-2", chain.head()).next("decision", body("allow"), T0, "f");
    assertThrows(IllegalStateException.class, () -> chain.accept(foreign));
    assertThrows(IllegalStateException.class, () -> chain.accept(Receipt.unsealed(
        "u", "agent:a-1", 2, T0.toString(), "decision", body("allow"), chain.head().hash())));
    assertEquals(ChainAnchor.of(pendingA), chain.head());
  }

  @Test
  void resumedChainContinuesWhereTheStoredHeadEnds() {
    ReceiptChain original = ReceiptChain.genesis("agent:a-1");
    Receipt r1 = original.append("decision", body("allow"), T0, "d1");
    Receipt r2 = original.append("decision", body("allow"), T0, "d2");

    ReceiptChain resumed = ReceiptChain.resume("agent:a-1", ChainAnchor.of(r2));
    Receipt r3 = resumed.append("decision", body("deny"), T0, "d3");
    assertEquals(3, r3.sequence());
    assertTrue(ChainVerifier.verify("agent:a-1", List.of(r1, r2, r3)).valid());
  }
}

package dev.vigil.receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

class ChainVerifierTest {

  private static final String CHAIN = "agent:a-7";
  private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static List<Receipt> chainOf(int size) {
    ReceiptChain chain = ReceiptChain.genesis(CHAIN);
    List<Receipt> receipts = new ArrayList<>();
    for (int i = 1; i <= size; i++) {
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      body.putObject("action").put("type", "sql").put("statement", "select " + i);
      body.put("decision", i % 2 == 0 ? "deny" : "allow").put("rule", "r" + i);
      body.putObject("policy").put("id", "base").put("version", 3).put("sha256", "cd".repeat(32));
      receipts.add(chain.append(i % 3 == 0 ? "approval" : "decision", body, T0.plusSeconds(i), "d" + i));
    }
    return receipts;
  }

  private static Set<ChainProblem.Kind> kindsAt(VerificationResult result, int index) {
    return result.problems().stream().filter(p -> p.index() == index).map(ChainProblem::kind)
        .collect(Collectors.toSet());
  }

  @Test
  void intactChainIsValidAndReportsItsHead() {
    List<Receipt> receipts = chainOf(5);
    VerificationResult result = ChainVerifier.verify(receipts);
    assertTrue(result.valid(), result.problems().toString());
    assertEquals(5, result.count());
    assertEquals(5, result.verifiedCount());
    assertEquals(receipts.get(4).hash(), result.headHash());
    assertTrue(result.firstProblem().isEmpty());
    assertTrue(ChainVerifier.verify(CHAIN, List.of()).valid());
  }

  @Test
  void storedJsonReloadedIsStillValid() throws Exception {
    List<Receipt> reloaded = new ArrayList<>();
    for (Receipt receipt : chainOf(4)) {
      reloaded.add(Receipt.fromJson(MAPPER.readTree(MAPPER.writeValueAsString(receipt.toJson()))));
    }
    assertTrue(ChainVerifier.verify(CHAIN, reloaded).valid());
  }

  @Test
  void changingAnyStoredFieldOfAnyReceiptIsDetectedThere() {
    Map<String, UnaryOperator<Receipt>> edits = new LinkedHashMap<>();
    edits.put("id", r -> new Receipt(r.id() + "x", r.chainId(), r.sequence(), r.timestamp(), r.kind(), r.body(), r.prevHash(), r.hash()));
    edits.put("chainId", r -> new Receipt(r.id(), "agent:other", r.sequence(), r.timestamp(), r.kind(), r.body(), r.prevHash(), r.hash()));
    edits.put("sequence", r -> new Receipt(r.id(), r.chainId(), r.sequence() + 10, r.timestamp(), r.kind(), r.body(), r.prevHash(), r.hash()));
    edits.put("timestamp", r -> new Receipt(r.id(), r.chainId(), r.sequence(), "2030-01-01T00:00:00Z", r.kind(), r.body(), r.prevHash(), r.hash()));
    edits.put("kind", r -> new Receipt(r.id(), r.chainId(), r.sequence(), r.timestamp(), "lease", r.body(), r.prevHash(), r.hash()));
    edits.put("body.decision", r -> new Receipt(r.id(), r.chainId(), r.sequence(), r.timestamp(), r.kind(),
        ((ObjectNode) r.body().deepCopy()).put("decision", "allow-override"), r.prevHash(), r.hash()));
    edits.put("body.policy.version", r -> {
      ObjectNode body = r.body().deepCopy();
      ((ObjectNode) body.get("policy")).put("version", 4);
      return new Receipt(r.id(), r.chainId(), r.sequence(), r.timestamp(), r.kind(), body, r.prevHash(), r.hash());
    });
    edits.put("body.removed-member", r -> {
      ObjectNode body = r.body().deepCopy();
      body.remove("rule");
      return new Receipt(r.id(), r.chainId(), r.sequence(), r.timestamp(), r.kind(), body, r.prevHash(), r.hash());
    });
    edits.put("prevHash", r -> new Receipt(r.id(), r.chainId(), r.sequence(), r.timestamp(), r.kind(), r.body(), "e".repeat(64), r.hash()));
    edits.put("hash", r -> r.withHash("f".repeat(64)));

    List<Receipt> original = chainOf(5);
    for (Map.Entry<String, UnaryOperator<Receipt>> edit : edits.entrySet()) {
      for (int index = 0; index < original.size(); index++) {
        List<Receipt> tampered = new ArrayList<>(original);
        tampered.set(index, edit.getValue().apply(original.get(index)));
        VerificationResult result = ChainVerifier.verify(CHAIN, tampered);
        String what = edit.getKey() + " of receipt " + index;
        assertFalse(result.valid(), what);
        assertEquals(index, result.firstProblem().orElseThrow().index(), what);
        assertEquals(original.get(index).id().equals(tampered.get(index).id()) ? original.get(index).id()
            : tampered.get(index).id(), result.firstProblem().orElseThrow().receiptId(), what);
        assertTrue(kindsAt(result, index).contains(ChainProblem.Kind.HASH_MISMATCH), what + ": " + result.problems());
        assertEquals(index, result.verifiedCount(), what);
        String trusted = index == 0 ? Receipt.GENESIS_HASH : original.get(index - 1).hash();
        assertEquals(trusted, result.headHash(), what);
      }
    }
  }

  @Test
  void resealingAChangedReceiptBreaksTheNextLink() {
    List<Receipt> tampered = new ArrayList<>(chainOf(5));
    Receipt r = tampered.get(2);
    tampered.set(2, Receipt.seal(Receipt.unsealed(r.id(), r.chainId(), r.sequence(), r.timestamp(), r.kind(),
        ((ObjectNode) r.body().deepCopy()).put("decision", "deny"), r.prevHash())));
    VerificationResult result = ChainVerifier.verify(CHAIN, tampered);
    assertFalse(result.valid());
    ChainProblem first = result.firstProblem().orElseThrow();
    assertEquals(3, first.index());
    assertEquals(ChainProblem.Kind.BROKEN_LINK, first.kind());
    assertEquals("d4", first.receiptId());
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3})
  void deletingOneReceiptBreaksTheLinkAndTheSequence(int deleted) {
    List<Receipt> tampered = new ArrayList<>(chainOf(5));
    tampered.remove(deleted);
    VerificationResult result = ChainVerifier.verify(CHAIN, tampered);
    assertFalse(result.valid());
    assertEquals(deleted, result.firstProblem().orElseThrow().index());
    assertEquals(Set.of(ChainProblem.Kind.BROKEN_LINK, ChainProblem.Kind.SEQUENCE_GAP), kindsAt(result, deleted));
    assertEquals(2, result.problems().size(), "the rest of the chain still links: " + result.problems());
  }

  @Test
  void deletingTheTailIsCaughtAgainstAKnownHead() {
    List<Receipt> receipts = chainOf(5);
    ChainAnchor checkpoint = ChainAnchor.of(receipts.get(4));
    List<Receipt> truncated = receipts.subList(0, 4);
    assertTrue(ChainVerifier.verify(CHAIN, truncated).valid(), "without a head, a cut tail looks like a shorter chain");
    VerificationResult result = ChainVerifier.verify(CHAIN, ChainAnchor.GENESIS, truncated, checkpoint);
    assertFalse(result.valid());
    assertEquals(ChainProblem.Kind.TRUNCATED, result.firstProblem().orElseThrow().kind());
    assertTrue(ChainVerifier.verify(CHAIN, ChainAnchor.GENESIS, receipts, checkpoint).valid());
  }

  @ParameterizedTest
  @ValueSource(strings = {"1,2", "0,4", "3,4"})
  void reorderingTwoReceiptsIsDetected(String pair) {
    String[] positions = pair.split(",");
    int a = Integer.parseInt(positions[0]);
    int b = Integer.parseInt(positions[1]);
    List<Receipt> tampered = new ArrayList<>(chainOf(5));
    Collections.swap(tampered, a, b);
    VerificationResult result = ChainVerifier.verify(CHAIN, tampered);
    assertFalse(result.valid());
    assertEquals(a, result.firstProblem().orElseThrow().index());
    assertTrue(kindsAt(result, a).containsAll(Set.of(ChainProblem.Kind.BROKEN_LINK, ChainProblem.Kind.SEQUENCE_GAP)));
    assertTrue(kindsAt(result, b).contains(ChainProblem.Kind.BROKEN_LINK));
  }

  @Test
  void aForkIsReportedAsFork() {
    List<Receipt> receipts = chainOf(3);
    ReceiptChain branch = ReceiptChain.resume(CHAIN, ChainAnchor.of(receipts.get(1)));
    Receipt rival = branch.append("decision", JsonNodeFactory.instance.objectNode().put("decision", "allow"), T0, "rival");
    List<Receipt> forked = new ArrayList<>(receipts);
    forked.add(rival);
    VerificationResult result = ChainVerifier.verify(CHAIN, forked);
    assertFalse(result.valid());
    ChainProblem first = result.firstProblem().orElseThrow();
    assertEquals(ChainProblem.Kind.FORK, first.kind());
    assertEquals(3, first.index());
    assertEquals("rival", first.receiptId());
    assertEquals(2, result.problems().stream()
        .filter(p -> p.index() == 3 && p.kind() == ChainProblem.Kind.FORK).count(), "same parent and same sequence");
  }

  @Test
  void anInsertedReceiptIsDetectedEvenWhenLinkedAndSealed() {
    List<Receipt> receipts = chainOf(5);
    Receipt forged = ReceiptChain.resume(CHAIN, ChainAnchor.of(receipts.get(1)))
        .next("decision", JsonNodeFactory.instance.objectNode().put("decision", "allow"), T0, "forged");
    List<Receipt> tampered = new ArrayList<>(receipts);
    tampered.add(2, forged);
    VerificationResult result = ChainVerifier.verify(CHAIN, tampered);
    assertFalse(result.valid());
    ChainProblem first = result.firstProblem().orElseThrow();
    assertEquals(3, first.index(), "the forged receipt itself links; the original after it does not");
    assertEquals("d3", first.receiptId());
    assertTrue(kindsAt(result, 3).containsAll(Set.of(ChainProblem.Kind.FORK, ChainProblem.Kind.BROKEN_LINK)));
  }

  @Test
  void aReceiptOfAnotherChainIsReportedAsWrongChain() {
    List<Receipt> receipts = chainOf(3);
    Receipt foreign = ReceiptChain.resume("agent:intruder", ChainAnchor.of(receipts.get(1)))
        .next("decision", JsonNodeFactory.instance.objectNode().put("decision", "allow"), T0, "foreign");
    List<Receipt> tampered = new ArrayList<>(receipts.subList(0, 2));
    tampered.add(foreign);
    VerificationResult result = ChainVerifier.verify(CHAIN, tampered);
    assertEquals(ChainProblem.Kind.WRONG_CHAIN, result.firstProblem().orElseThrow().kind());
    assertEquals(2, result.firstProblem().orElseThrow().index());
  }

  @Test
  void aRangeVerifiesFromItsAnchorOnly() {
    List<Receipt> receipts = chainOf(6);
    List<Receipt> range = receipts.subList(3, 6);
    assertTrue(ChainVerifier.verify(CHAIN, ChainAnchor.of(receipts.get(2)), range).valid());
    VerificationResult fromGenesis = ChainVerifier.verify(CHAIN, range);
    assertFalse(fromGenesis.valid());
    assertEquals(Set.of(ChainProblem.Kind.BROKEN_LINK, ChainProblem.Kind.SEQUENCE_GAP), kindsAt(fromGenesis, 0));
    VerificationResult wrongAnchor = ChainVerifier.verify(CHAIN, ChainAnchor.of(receipts.get(1)), range);
    assertFalse(wrongAnchor.valid());
    assertEquals(receipts.get(1).hash(), wrongAnchor.headHash());
  }
}

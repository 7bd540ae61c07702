package dev.vigil.receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

class ReceiptTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static JsonNode decisionBody() throws Exception {
    return MAPPER.readTree("{\"rule\":\"no-egress\",\"reason\":\"egress blocked \u00e9\",\"decision\":\"deny\","
        + "\"policy\":{\"version\":3,\"sha256\":\"" + "ab".repeat(32) + "\",\"id\":\"base\"},"
        + "\"action\":{\"url\":\"https://example.org/x\",\"type\":\"http\"}}");
  }

  static Receipt sealedExample() throws Exception {
    return Receipt.seal(Receipt.unsealed("d-0001", "agent:a-42", 1, "2025-03-01T12:00:00Z", "decision",
        decisionBody(), Receipt.GENESIS_HASH));
  }

  /** Expected hash computed independently: Python json.dumps(sort_keys, compact separators) + hashlib.sha256. */
  @Test
  void hashIsSha256OfTheCanonicalJsonWithoutHash() throws Exception {
    Receipt receipt = sealedExample();
    assertEquals("002cd05438b08314008f984bee75450c210abe65c95efcca550b9a1cb137143b", receipt.hash());
    assertTrue(receipt.isSealedCorrectly());
  }

  @Test
  void handWrittenCanonicalFormEqualsTheGenericOne() throws Exception {
    Receipt receipt = sealedExample();
    ObjectNode withoutHash = receipt.toJson();
    withoutHash.remove("hash");
    assertEquals(CanonicalJson.serialize(withoutHash), receipt.canonicalWithoutHash());
  }

  @Test
  void jsonRoundTripKeepsEveryFieldAndTheSeal() throws Exception {
    Receipt receipt = sealedExample();
    Receipt reread = Receipt.fromJson(MAPPER.readTree(MAPPER.writeValueAsString(receipt.toJson())));
    assertEquals(receipt, reread);
    assertTrue(reread.isSealedCorrectly());
    assertEquals(receipt.hash(), reread.computeHash());
  }

  @Test
  void theHashCoversEveryField() throws Exception {
    Receipt receipt = sealedExample();
    Map<String, UnaryOperator<Receipt>> edits = new LinkedHashMap<>();
    edits.put("id", r -> new Receipt("d-0002", r.chainId(), r.sequence(), r.timestamp(), r.kind(), r.body(), r.prevHash(), r.hash()));
    edits.put("chainId", r -> new Receipt(r.id(), "agent:a-43", r.sequence(), r.timestamp(), r.kind(), r.body(), r.prevHash(), r.hash()));
    edits.put("sequence", r -> new Receipt(r.id(), r.chainId(), 2, r.timestamp(), r.kind(), r.body(), r.prevHash(), r.hash()));
    edits.put("timestamp", r -> new Receipt(r.id(), r.chainId(), r.sequence(), "2025-03-01T12:00:01Z", r.kind(), r.body(), r.prevHash(), r.hash()));
    edits.put("kind", r -> new Receipt(r.id(), r.chainId(), r.sequence(), r.timestamp(), "approval", r.body(), r.prevHash(), r.hash()));
    edits.put("body", r -> new Receipt(r.id(), r.chainId(), r.sequence(), r.timestamp(), r.kind(),
        ((ObjectNode) r.body().deepCopy()).put("decision", "allow"), r.prevHash(), r.hash()));
    edits.put("prevHash", r -> new Receipt(r.id(), r.chainId(), r.sequence(), r.timestamp(), r.kind(), r.body(), "1".repeat(64), r.hash()));
    for (Map.Entry<String, UnaryOperator<Receipt>> edit : edits.entrySet()) {
      Receipt changed = edit.getValue().apply(receipt);
      assertNotEquals(receipt.hash(), changed.computeHash(), "changing " + edit.getKey() + " must change the hash");
      assertFalse(changed.isSealedCorrectly(), edit.getKey());
    }
  }

  @Test
  void memberOrderAndNumberSpellingDoNotChangeTheHash() throws Exception {
    Receipt receipt = sealedExample();
    JsonNode respelled = MAPPER.readTree("{\"action\":{\"type\":\"http\",\"url\":\"https://example.org/x\"},"
        + "\"policy\":{\"id\":\"base\",\"version\":3.0,\"sha256\":\"" + "ab".repeat(32) + "\"},"
        + "\"decision\":\"deny\",\"reason\":\"egress blocked \\u00e9\",\"rule\":\"no-egress\"}");
    Receipt same = new Receipt(receipt.id(), receipt.chainId(), 1, receipt.timestamp(), receipt.kind(), respelled,
        receipt.prevHash(), receipt.hash());
    assertTrue(same.isSealedCorrectly());
  }

  @Test
  void unsealedReceiptsAreValidatedAndHaveNoHash() throws Exception {
    JsonNode body = decisionBody();
    assertNull(Receipt.unsealed("x", "c", 1, "t", "decision", body, Receipt.GENESIS_HASH).hash());
    assertFalse(Receipt.unsealed("x", "c", 1, "t", "decision", body, Receipt.GENESIS_HASH).isSealedCorrectly());
    assertThrows(IllegalArgumentException.class,
        () -> Receipt.unsealed("x", "c", 0, "t", "decision", body, Receipt.GENESIS_HASH));
    assertThrows(IllegalArgumentException.class,
        () -> Receipt.unsealed("x", "c", 1, "t", "decision", body, "ABC"));
    assertThrows(NullPointerException.class,
        () -> Receipt.unsealed(null, "c", 1, "t", "decision", body, Receipt.GENESIS_HASH));
    assertThrows(IllegalArgumentException.class, () -> Receipt.fromJson(MAPPER.readTree("{\"id\":\"x\"}")));
  }
}

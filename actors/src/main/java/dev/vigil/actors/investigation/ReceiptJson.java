package dev.vigil.actors.investigation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.receipt.ChainAnchor;
import dev.vigil.receipt.Receipt;
import dev.vigil.receipt.ReceiptChain;

/** Receipts of an investigation's chain ({@code investigation:<id>}) as the JSON its events store. */
final class ReceiptJson {

  static final ObjectMapper MAPPER = new ObjectMapper();

  private ReceiptJson() {}

  static String chainId(String investigationId) {
    return "investigation:" + investigationId;
  }

  static String write(Receipt receipt) {
    try {
      return MAPPER.writeValueAsString(receipt.toJson());
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("receipt not serializable", e);
    }
  }

  static Receipt read(String json) {
    try {
      return Receipt.fromJson(MAPPER.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored receipt is not JSON", e);
    }
  }

  /** The chain's head after accepting the stored receipt (refuses a receipt that does not extend the head). */
  static ChainAnchor anchorAfter(String investigationId, ChainAnchor head, String receiptJson) {
    ReceiptChain chain = ReceiptChain.resume(chainId(investigationId), head);
    chain.accept(read(receiptJson));
    return chain.head();
  }
}

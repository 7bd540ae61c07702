package dev.vigil.receipt;

import java.time.Instant;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The writing end of one receipt chain: holds the head (sequence, hash) and seals each new
 * receipt onto it. One writer per chain (the owning entity), so it is deliberately not
 * thread-safe and needs no lock.
 *
 * <p>For event sourcing, a command handler calls {@link #next} (which does not move the head),
 * persists the receipt, and the event handler calls {@link #accept}, also on replay.
 * {@link #append} does both at once. {@code accept} refuses anything that does not extend the
 * head, so a chain never forks.
 */
public final class ReceiptChain {

  private final String chainId;
  private long headSequence;
  private String headHash;

  private ReceiptChain(String chainId, ChainAnchor head) {
    this.chainId = Objects.requireNonNull(chainId, "chainId");
    this.headSequence = head.sequence();
    this.headHash = head.hash();
  }

  /** A new, empty chain. */
  public static ReceiptChain genesis(String chainId) {
    return new ReceiptChain(chainId, ChainAnchor.GENESIS);
  }

  /** Continues a chain whose last receipt is {@code head} (e.g. after recovery from a snapshot). */
  public static ReceiptChain resume(String chainId, ChainAnchor head) {
    return new ReceiptChain(chainId, head);
  }

  public String chainId() {
    return chainId;
  }

  /** The last accepted receipt's sequence and hash ({@link ChainAnchor#GENESIS} when empty). */
  public ChainAnchor head() {
    return new ChainAnchor(headSequence, headHash);
  }

  /** Seals the receipt that would come next, without moving the head. */
  public Receipt next(String kind, JsonNode body, Instant timestamp, String id) {
    return Receipt.seal(Receipt.unsealed(id, chainId, headSequence + 1, timestamp.toString(), kind, body, headHash));
  }

  /**
   * Moves the head onto {@code receipt}, which must directly extend it. The hash itself is not
   * recomputed here (replay stays cheap); {@link ChainVerifier} checks stored chains.
   *
   * @throws IllegalStateException if the receipt is of another chain, unsealed, or not the next one
   */
  public void accept(Receipt receipt) {
    if (!chainId.equals(receipt.chainId())) {
      throw new IllegalStateException("receipt " + receipt.id() + " belongs to chain " + receipt.chainId()
          + ", not " + chainId);
    }
    if (receipt.hash() == null) {
      throw new IllegalStateException("receipt " + receipt.id() + " is not sealed");
    }
    if (receipt.sequence() != headSequence + 1 || !receipt.prevHash().equals(headHash)) {
      throw new IllegalStateException("receipt " + receipt.id() + " (sequence " + receipt.sequence()
          + ", prevHash " + receipt.prevHash() + ") does not extend head (sequence " + headSequence
          + ", hash " + headHash + "): refusing to fork chain " + chainId);
    }
    headSequence = receipt.sequence();
    headHash = receipt.hash();
  }

  /** Seals the next receipt and moves the head onto it. */
  public Receipt append(String kind, JsonNode body, Instant timestamp, String id) {
    Receipt receipt = next(kind, body, timestamp, id);
    accept(receipt);
    return receipt;
  }
}

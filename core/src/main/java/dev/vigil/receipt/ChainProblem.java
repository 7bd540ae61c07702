package dev.vigil.receipt;

/**
 * One thing wrong with a chain, located precisely enough to find the stored row.
 *
 * @param index     position in the verified list (0-based); the list size for {@link Kind#TRUNCATED}
 * @param receiptId id of the offending receipt (null for {@link Kind#TRUNCATED})
 * @param sequence  the sequence that receipt claims (the expected head sequence for {@link Kind#TRUNCATED})
 * @param kind      what is wrong
 * @param detail    a human-readable explanation with the expected and found values
 */
public record ChainProblem(int index, String receiptId, long sequence, Kind kind, String detail) {

  /** The kinds of tampering and corruption a chain can show. */
  public enum Kind {
    /** The stored hash does not match the receipt's fields: a field was changed (or the hash was). */
    HASH_MISMATCH,
    /** {@code prevHash} is not the previous receipt's hash: a receipt was deleted, inserted or moved. */
    BROKEN_LINK,
    /** The sequence does not follow the previous one: deletion, insertion or reordering. */
    SEQUENCE_GAP,
    /** Two receipts claim the same predecessor or the same sequence: the chain was forked. */
    FORK,
    /** The receipt belongs to another chain. */
    WRONG_CHAIN,
    /** The chain ends before the expected head: receipts were cut off the end. */
    TRUNCATED
  }

  @Override
  public String toString() {
    return kind + " at index " + index + " (receipt " + receiptId + ", sequence " + sequence + "): " + detail;
  }
}

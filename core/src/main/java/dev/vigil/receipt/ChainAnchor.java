package dev.vigil.receipt;

/**
 * The trusted point a verification starts from (or must end at): the sequence and hash of a
 * receipt already known good, e.g. from a signed checkpoint. {@link #GENESIS} starts a chain.
 *
 * @param sequence sequence of the anchoring receipt (0 for genesis)
 * @param hash     hash of the anchoring receipt ({@link Receipt#GENESIS_HASH} for genesis)
 */
public record ChainAnchor(long sequence, String hash) {

  /** Before the first receipt of any chain. */
  public static final ChainAnchor GENESIS = new ChainAnchor(0, Receipt.GENESIS_HASH);

  public ChainAnchor {
    if (sequence < 0) {
      throw new IllegalArgumentException("anchor sequence must be >= 0, got " + sequence);
    }
    if (hash == null || hash.length() != 64) {
      throw new IllegalArgumentException("anchor hash must be 64 hex digits, got " + hash);
    }
  }

  /** The anchor a sealed receipt provides for the receipts after it. */
  public static ChainAnchor of(Receipt receipt) {
    return new ChainAnchor(receipt.sequence(), receipt.hash());
  }
}

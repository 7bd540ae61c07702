package dev.vigil.receipt;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Checks that a list of receipts, in sequence order, is one intact range of one chain.
 *
 * <p>Each receipt must hash to its stored hash (no field changed), follow its predecessor by
 * sequence and by {@code prevHash} (nothing deleted, inserted or reordered), belong to the
 * expected chain, and share neither predecessor nor sequence with another receipt (no fork).
 * Verification starts from {@link ChainAnchor#GENESIS} or from a trusted anchor for a range, and
 * can also be required to end at a known head (a checkpoint), which catches a cut-off tail.
 * Every problem is reported, each located by index, receipt id and sequence. Stateless.
 */
public final class ChainVerifier {

  private ChainVerifier() {}

  /** Verifies a whole chain from genesis; the chain id is the first receipt's. */
  public static VerificationResult verify(List<Receipt> receipts) {
    String chainId = receipts.isEmpty() ? null : receipts.get(0).chainId();
    return verify(chainId, ChainAnchor.GENESIS, receipts, null);
  }

  /** Verifies a whole chain of the given id from genesis. */
  public static VerificationResult verify(String chainId, List<Receipt> receipts) {
    return verify(chainId, ChainAnchor.GENESIS, receipts, null);
  }

  /** Verifies a range that must directly follow {@code anchor}. */
  public static VerificationResult verify(String chainId, ChainAnchor anchor, List<Receipt> receipts) {
    return verify(chainId, anchor, receipts, null);
  }

  /**
   * Verifies a range that must directly follow {@code anchor} and, when {@code expectedHead} is
   * not null, end exactly at it.
   */
  public static VerificationResult verify(
      String chainId, ChainAnchor anchor, List<Receipt> receipts, ChainAnchor expectedHead) {
    Objects.requireNonNull(anchor, "anchor");
    List<ChainProblem> problems = new ArrayList<>();
    Map<String, Integer> indexByPrevHash = new HashMap<>();
    Map<Long, Integer> indexBySequence = new HashMap<>();
    String previousHash = anchor.hash();
    long previousSequence = anchor.sequence();
    int verifiedCount = -1;

    for (int index = 0; index < receipts.size(); index++) {
      Receipt receipt = receipts.get(index);
      int problemsBefore = problems.size();
      Integer sameParent = indexByPrevHash.putIfAbsent(receipt.prevHash(), index);
      if (sameParent != null) {
        problems.add(problem(index, receipt, ChainProblem.Kind.FORK,
            "shares prevHash " + receipt.prevHash() + " with the receipt at index " + sameParent));
      }
      Integer sameSequence = indexBySequence.putIfAbsent(receipt.sequence(), index);
      if (sameSequence != null) {
        problems.add(problem(index, receipt, ChainProblem.Kind.FORK,
            "repeats sequence " + receipt.sequence() + " of the receipt at index " + sameSequence));
      }
      if (!Objects.equals(chainId, receipt.chainId())) {
        problems.add(problem(index, receipt, ChainProblem.Kind.WRONG_CHAIN,
            "belongs to chain '" + receipt.chainId() + "', expected '" + chainId + "'"));
      }
      String computed = receipt.computeHash();
      if (!computed.equals(receipt.hash())) {
        problems.add(problem(index, receipt, ChainProblem.Kind.HASH_MISMATCH,
            "stored hash " + receipt.hash() + " but its fields hash to " + computed));
      }
      if (receipt.sequence() != previousSequence + 1) {
        problems.add(problem(index, receipt, ChainProblem.Kind.SEQUENCE_GAP,
            "sequence " + receipt.sequence() + " follows " + previousSequence + ", expected " + (previousSequence + 1)));
      }
      if (!receipt.prevHash().equals(previousHash)) {
        problems.add(problem(index, receipt, ChainProblem.Kind.BROKEN_LINK,
            "prevHash " + receipt.prevHash() + " but the preceding hash is " + previousHash));
      }
      if (verifiedCount < 0 && problems.size() > problemsBefore) {
        verifiedCount = index;
      }
      previousHash = receipt.hash();
      previousSequence = receipt.sequence();
    }

    if (verifiedCount < 0) {
      verifiedCount = receipts.size();
    }
    if (expectedHead != null
        && (previousSequence != expectedHead.sequence() || !expectedHead.hash().equals(previousHash))) {
      problems.add(new ChainProblem(receipts.size(), null, expectedHead.sequence(), ChainProblem.Kind.TRUNCATED,
          "range ends at sequence " + previousSequence + " hash " + previousHash
              + ", expected head sequence " + expectedHead.sequence() + " hash " + expectedHead.hash()));
    }
    String trustedHead = verifiedCount == 0 ? anchor.hash() : receipts.get(verifiedCount - 1).hash();
    return new VerificationResult(problems.isEmpty(), receipts.size(), verifiedCount, trustedHead, problems);
  }

  private static ChainProblem problem(int index, Receipt receipt, ChainProblem.Kind kind, String detail) {
    return new ChainProblem(index, receipt.id(), receipt.sequence(), kind, detail);
  }
}

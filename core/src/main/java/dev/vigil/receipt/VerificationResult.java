package dev.vigil.receipt;

import java.util.List;
import java.util.Optional;

/**
 * What {@link ChainVerifier} found.
 *
 * @param valid         true when there is no problem at all
 * @param count         how many receipts were checked
 * @param verifiedCount length of the leading run of receipts with no problem
 * @param headHash      hash of the last receipt of that leading run (the anchor's hash if it is empty):
 *                      the newest point that can still be trusted
 * @param problems      every problem found, in list order (empty when valid)
 */
public record VerificationResult(
    boolean valid, int count, int verifiedCount, String headHash, List<ChainProblem> problems) {

  public VerificationResult {
    problems = List.copyOf(problems);
  }

  /** The first problem in chain order, the one to look at first. */
  public Optional<ChainProblem> firstProblem() {
    return problems.isEmpty() ? Optional.empty() : Optional.of(problems.get(0));
  }
}

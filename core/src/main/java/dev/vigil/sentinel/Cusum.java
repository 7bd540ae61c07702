package dev.vigil.sentinel;

/**
 * Two-sided tabular CUSUM (Page, 1954) in standard-deviation units, for small persistent shifts
 * that a k-sigma test misses. The first {@code baseline} observations fix the reference mean and
 * standard deviation (floored at {@code minSigma}); after that each observation becomes
 * {@code z = (x - mean) / sigma} and
 * <pre>
 *   upper = max(0, upper + z - k)      lower = max(0, lower - z - k)
 * </pre>
 * alarming when either exceeds {@code h}, after which both sums restart from 0. With
 * {@code k = 0.5, h = 5} a one-sigma shift is caught in about 10 observations and a stable process
 * raises a false alarm about once in 930 observations per side when the reference is exact; a
 * reference learnt from a short baseline alarms more often, which is why Vigil's defaults use a
 * larger {@code h}. Larger {@code h} trades speed for fewer false alarms. Immutable.
 *
 * @param count observations seen
 * @param mean reference mean (learnt during the baseline, then fixed)
 * @param variance reference population variance
 * @param upper the upward cumulative sum
 * @param lower the downward cumulative sum
 */
public record Cusum(long count, double mean, double variance, double upper, double lower) {

  public static final Cusum EMPTY = new Cusum(0, 0, 0, 0, 0);

  /**
   * @param k allowance (drift) per observation, in standard deviations
   * @param h decision threshold, in standard deviations
   * @param baseline observations that fix the reference
   * @param minSigma floor on the reference standard deviation, in the metric's unit
   */
  public record Params(double k, double h, long baseline, double minSigma) {
    public Params {
      if (!(k >= 0) || !(h > 0) || baseline < 1 || !(minSigma > 0)) {
        throw new IllegalArgumentException("CUSUM needs k >= 0, h > 0, baseline >= 1, minSigma > 0; got k " + k
            + ", h " + h + ", baseline " + baseline + ", minSigma " + minSigma);
      }
    }
  }

  /** Which sum crossed {@code h}. */
  public enum Side { NONE, UPPER, LOWER }

  /**
   * The outcome of one observation.
   *
   * @param state the state after it (sums reset when it alarmed)
   * @param alarm which side alarmed, if any
   * @param statistic the sum that crossed {@code h}, or the larger of the two when none did
   */
  public record Step(Cusum state, Side alarm, double statistic) {}

  /** Learns {@code x} into the reference, never alarming. */
  public Cusum learn(double x) {
    long n = count + 1;
    double delta = x - mean;
    double nextMean = mean + delta / n;
    double nextVariance = variance + (delta * (x - nextMean) - variance) / n;
    return new Cusum(n, nextMean, Math.max(0, nextVariance), 0, 0);
  }

  public boolean ready(Params params) {
    return count >= params.baseline();
  }

  public double sigma(Params params) {
    return Math.max(Math.sqrt(variance), params.minSigma());
  }

  /** Adds {@code x} to the sums; during the baseline it is only learnt. */
  public Step observe(Params params, double x) {
    if (!ready(params)) {
      return new Step(learn(x), Side.NONE, 0);
    }
    double z = (x - mean) / sigma(params);
    double nextUpper = Math.max(0, upper + z - params.k());
    double nextLower = Math.max(0, lower - z - params.k());
    if (nextUpper > params.h()) {
      return new Step(new Cusum(count + 1, mean, variance, 0, 0), Side.UPPER, nextUpper);
    }
    if (nextLower > params.h()) {
      return new Step(new Cusum(count + 1, mean, variance, 0, 0), Side.LOWER, nextLower);
    }
    return new Step(new Cusum(count + 1, mean, variance, nextUpper, nextLower), Side.NONE,
        Math.max(nextUpper, nextLower));
  }
}

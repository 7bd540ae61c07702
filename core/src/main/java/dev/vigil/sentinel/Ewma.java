package dev.vigil.sentinel;

/**
 * Exponentially weighted mean and variance of one metric, with a baseline: the first
 * observations are learnt exactly (Welford's running mean and population variance), after which
 * each observation is first scored against the current mean and spread, then folded in with weight
 * {@code alpha}: {@code d = x - mean; mean += alpha d; var = (1 - alpha)(var + alpha d^2)}
 * (Finch, "Incremental calculation of weighted mean and variance", 2009), a form that never
 * subtracts large sums and so stays accurate over any number of observations.
 *
 * <p>An observation is anomalous when {@code |x - mean| > k sigma}, where {@code sigma} is the
 * standard deviation but never less than {@code minSigma}: a perfectly steady baseline would
 * otherwise make any change infinitely surprising. Immutable; one small record per update.
 *
 * @param count observations seen
 * @param mean current mean
 * @param variance current variance (population variance while in baseline)
 */
public record Ewma(long count, double mean, double variance) {

  public static final Ewma EMPTY = new Ewma(0, 0, 0);

  /**
   * @param alpha weight of each new observation after the baseline, in {@code (0, 1]}
   * @param k alarm distance from the mean in standard deviations
   * @param baseline observations learnt before any alarm
   * @param minSigma floor on the standard deviation, in the metric's unit
   */
  public record Params(double alpha, double k, long baseline, double minSigma) {
    public Params {
      if (!(alpha > 0 && alpha <= 1) || !(k > 0) || baseline < 1 || !(minSigma > 0)) {
        throw new IllegalArgumentException("EWMA needs 0 < alpha <= 1, k > 0, baseline >= 1, minSigma > 0; got alpha "
            + alpha + ", k " + k + ", baseline " + baseline + ", minSigma " + minSigma);
      }
    }
  }

  /** The outcome of one observation: the state after it, its z-score before it was folded in, and whether it alarmed. */
  public record Step(Ewma state, double zScore, boolean alarm) {}

  /** Learns {@code x} into the baseline (exact running mean and variance), never alarming. */
  public Ewma learn(double x) {
    long n = count + 1;
    double delta = x - mean;
    double nextMean = mean + delta / n;
    double nextVariance = variance + (delta * (x - nextMean) - variance) / n;
    return new Ewma(n, nextMean, Math.max(0, nextVariance));
  }

  /** Whether the baseline is complete, so observations are scored. */
  public boolean ready(Params params) {
    return count >= params.baseline();
  }

  public double sigma(Params params) {
    return Math.max(Math.sqrt(variance), params.minSigma());
  }

  /** The highest value that is not anomalous. */
  public double upperLimit(Params params) {
    return mean + params.k() * sigma(params);
  }

  /**
   * Scores {@code x} and folds it in; during the baseline it is only learnt ({@code zScore} NaN, no alarm).
   */
  public Step observe(Params params, double x) {
    if (!ready(params)) {
      return new Step(learn(x), Double.NaN, false);
    }
    double delta = x - mean;
    double z = delta / sigma(params);
    double alpha = params.alpha();
    Ewma next = new Ewma(count + 1, mean + alpha * delta, (1 - alpha) * (variance + alpha * delta * delta));
    return new Step(next, z, Math.abs(z) > params.k());
  }
}

package dev.vigil.sentinel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The share of each action family (the first segment of the action: {@code file} in
 * {@code file.read}) in an agent's decisions, baseline against recent.
 *
 * <p>While learning, families are counted into the baseline. Once {@link #freeze() frozen} the
 * baseline is fixed and the recent shares start equal to it, then follow each decision with
 * weight {@code alpha}: every share decays by {@code 1 - alpha} and the observed family gains
 * {@code alpha} (so they keep summing to 1 and reflect about the last {@code 2/alpha} decisions).
 * {@link #divergence()} is the Jensen-Shannon divergence between the two, in bits: 0 for identical
 * mixes, 1 for mixes with nothing in common. A family first seen after the baseline is appended
 * with a baseline count of 0; the caller learns it is new from {@link #knows}. At most
 * {@code maxFamilies} families are kept; later ones are pooled under {@link #OTHER}, so a stream of
 * made-up action names cannot grow the state without bound.
 *
 * <p>Families are kept in first-seen order, which makes every sum, and so every result, the same
 * on every replay. Arrays are never mutated after construction.
 *
 * @param families family names, first-seen order
 * @param baselineCounts decisions per family in the baseline
 * @param baselineTotal decisions in the baseline
 * @param recentShares recent share per family (all 0 until frozen)
 * @param frozen whether the baseline is fixed
 */
public record FamilyDistribution(List<String> families, long[] baselineCounts, long baselineTotal,
    double[] recentShares, boolean frozen) {

  /** The pooled family beyond {@code maxFamilies}. */
  public static final String OTHER = "(other)";

  public static final FamilyDistribution EMPTY = new FamilyDistribution(List.of(), new long[0], 0, new double[0], false);

  private static final double LN2 = Math.log(2);

  public FamilyDistribution {
    families = List.copyOf(families);
    if (baselineCounts.length != families.size() || recentShares.length != families.size()) {
      throw new IllegalArgumentException("one count and one share per family");
    }
  }

  /** The family of an action: its text up to the first {@code .}, {@code :} or {@code /}, lower-cased. */
  public static String familyOf(String action) {
    int end = action.length();
    for (int i = 0; i < action.length(); i++) {
      char c = action.charAt(i);
      if (c == '.' || c == ':' || c == '/') {
        end = i;
        break;
      }
    }
    String family = action.substring(0, end).trim().toLowerCase(Locale.ROOT);
    return family.isEmpty() ? "(none)" : family;
  }

  public int indexOf(String family) {
    return families.indexOf(family);
  }

  /** Whether {@code family} was seen before (in the baseline, or as a new family since). */
  public boolean knows(String family) {
    return families.contains(family);
  }

  /** Whether the family was part of the baseline mix. */
  public boolean inBaseline(String family) {
    int index = indexOf(family);
    return index >= 0 && baselineCounts[index] > 0;
  }

  /** The family a new name is recorded under: itself, or {@link #OTHER} when the table is full. */
  public String slotFor(String family, int maxFamilies) {
    return knows(family) || families.size() < maxFamilies - 1 ? family : OTHER;
  }

  /** Counts one decision of {@code family} into the baseline. */
  public FamilyDistribution learn(String family, int maxFamilies) {
    String slot = slotFor(family, maxFamilies);
    FamilyDistribution grown = withFamily(slot);
    long[] counts = grown.baselineCounts.clone();
    counts[grown.indexOf(slot)]++;
    return new FamilyDistribution(grown.families, counts, baselineTotal + 1, grown.recentShares, false);
  }

  /** Fixes the baseline; recent shares start equal to the baseline shares. */
  public FamilyDistribution freeze() {
    double[] shares = new double[families.size()];
    for (int i = 0; i < shares.length; i++) {
      shares[i] = baselineTotal == 0 ? 0 : (double) baselineCounts[i] / baselineTotal;
    }
    return new FamilyDistribution(families, baselineCounts, baselineTotal, shares, true);
  }

  /** Moves the recent shares towards {@code family} by {@code alpha}. */
  public FamilyDistribution observe(String family, double alpha, int maxFamilies) {
    String slot = slotFor(family, maxFamilies);
    FamilyDistribution grown = withFamily(slot);
    double[] shares = grown.recentShares.clone();
    for (int i = 0; i < shares.length; i++) {
      shares[i] *= 1 - alpha;
    }
    shares[grown.indexOf(slot)] += alpha;
    return new FamilyDistribution(grown.families, grown.baselineCounts, baselineTotal, shares, frozen);
  }

  public double baselineShare(String family) {
    int index = indexOf(family);
    return index < 0 || baselineTotal == 0 ? 0 : (double) baselineCounts[index] / baselineTotal;
  }

  public double recentShare(String family) {
    int index = indexOf(family);
    return index < 0 ? 0 : recentShares[index] / recentSum();
  }

  /** Jensen-Shannon divergence between the baseline and recent mixes, in bits ({@code [0, 1]}); 0 before the freeze. */
  public double divergence() {
    if (!frozen || baselineTotal == 0) {
      return 0;
    }
    double recentSum = recentSum();
    double sum = 0;
    for (int i = 0; i < baselineCounts.length; i++) {
      double p = (double) baselineCounts[i] / baselineTotal;
      double q = recentShares[i] / recentSum;
      double m = (p + q) / 2;
      if (p > 0) {
        sum += p * Math.log(p / m);
      }
      if (q > 0) {
        sum += q * Math.log(q / m);
      }
    }
    return Math.max(0, Math.min(1, sum / 2 / LN2));
  }

  /** The family whose recent share moved furthest from its baseline share, for alert messages. */
  public String mostShifted() {
    String best = null;
    double bestShift = -1;
    for (String family : families) {
      double shift = Math.abs(recentShare(family) - baselineShare(family));
      if (shift > bestShift) {
        bestShift = shift;
        best = family;
      }
    }
    return best;
  }

  private double recentSum() {
    double sum = 0;
    for (double share : recentShares) {
      sum += share;
    }
    return sum > 0 ? sum : 1;
  }

  private FamilyDistribution withFamily(String family) {
    if (knows(family)) {
      return this;
    }
    List<String> names = new ArrayList<>(families.size() + 1);
    names.addAll(families);
    names.add(family);
    return new FamilyDistribution(names, Arrays.copyOf(baselineCounts, names.size()), baselineTotal,
        Arrays.copyOf(recentShares, names.size()), frozen);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FamilyDistribution that && families.equals(that.families)
        && Arrays.equals(baselineCounts, that.baselineCounts) && baselineTotal == that.baselineTotal
        && Arrays.equals(recentShares, that.recentShares) && frozen == that.frozen;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * families.hashCode() + Arrays.hashCode(baselineCounts)) + Arrays.hashCode(recentShares);
  }

  @Override
  public String toString() {
    return "FamilyDistribution" + families + " baseline " + Arrays.toString(baselineCounts) + "/" + baselineTotal
        + " recent " + Arrays.toString(recentShares) + (frozen ? " frozen" : " learning");
  }
}

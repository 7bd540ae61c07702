package dev.vigil.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class FamilyDistributionTest {

  @Test
  void theFamilyIsTheFirstSegmentOfTheAction() {
    assertEquals("file", FamilyDistribution.familyOf("file.read"));
    assertEquals("payment", FamilyDistribution.familyOf("Payment.Refund.create"));
    assertEquals("shell", FamilyDistribution.familyOf("shell"));
    assertEquals("http", FamilyDistribution.familyOf("http:post"));
    assertEquals("(none)", FamilyDistribution.familyOf(".x"));
  }

  @Test
  void identicalMixesHaveNoDivergenceAndDisjointMixesOneBit() {
    FamilyDistribution baseline = learn(FamilyDistribution.EMPTY, "file", 50).learn("db", 32);
    baseline = learn(baseline, "db", 49).freeze();
    assertEquals(0.0, baseline.divergence(), 1e-12);
    assertEquals(0.5, baseline.baselineShare("file"), 1e-12);

    FamilyDistribution drifted = baseline;
    for (int i = 0; i < 5_000; i++) {
      drifted = drifted.observe("shell", 0.02, 32);
    }
    assertEquals(1.0, drifted.divergence(), 1e-6, "nothing in common");
    assertEquals("shell", drifted.mostShifted());
    assertTrue(drifted.knows("shell"));
    assertFalse(drifted.inBaseline("shell"));
  }

  @Test
  void divergenceMatchesTheClosedFormForAMixedInNewFamily() {
    FamilyDistribution baseline = learn(learn(FamilyDistribution.EMPTY, "file", 60), "db", 40).freeze();
    double alpha = 0.02;
    FamilyDistribution recent = baseline;
    int n = 11;
    for (int i = 0; i < n; i++) {
      recent = recent.observe("shell", alpha, 32);
    }
    double w = 1 - Math.pow(1 - alpha, n); // the share the new family has gained
    // JS(P, (1-w)P + wN) = 1/2 [-log2(1 - w/2)] + 1/2 [(1-w) log2((1-w)/(1-w/2)) + w]
    double expected = 0.5 * -log2(1 - w / 2) + 0.5 * ((1 - w) * log2((1 - w) / (1 - w / 2)) + w);
    assertEquals(expected, recent.divergence(), 1e-9);
    assertEquals(w, recent.recentShare("shell"), 1e-12);
  }

  @Test
  void familiesBeyondTheCapArePooled() {
    FamilyDistribution distribution = FamilyDistribution.EMPTY;
    for (int i = 0; i < 10; i++) {
      distribution = distribution.learn("f" + i, 4);
    }
    assertEquals(List.of("f0", "f1", "f2", FamilyDistribution.OTHER), distribution.families());
    assertEquals(7, distribution.baselineCounts()[3]);
  }

  @Test
  void statesWithEqualContentAreEqual() {
    FamilyDistribution a = learn(FamilyDistribution.EMPTY, "file", 3).freeze().observe("db", 0.1, 8);
    FamilyDistribution b = learn(FamilyDistribution.EMPTY, "file", 3).freeze().observe("db", 0.1, 8);
    assertEquals(a, b);
    assertEquals(a.hashCode(), b.hashCode());
  }

  private static FamilyDistribution learn(FamilyDistribution distribution, String family, int times) {
    for (int i = 0; i < times; i++) {
      distribution = distribution.learn(family, 32);
    }
    return distribution;
  }

  private static double log2(double x) {
    return Math.log(x) / Math.log(2);
  }
}

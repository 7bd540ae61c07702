package dev.vigil.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** EWMA, CUSUM and the rate buckets on their own: exact baselines, stability, alarms and resets. */
class DetectorsTest {

  @Test
  void ewmaOnConstantInputNeverAlarmsWhateverTheConstantAndParameters() {
    SplittableRandom random = new SplittableRandom(7);
    for (int trial = 0; trial < 500; trial++) {
      double constant = (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(-6, 12));
      Ewma.Params params = new Ewma.Params(random.nextDouble(0.001, 1), random.nextDouble(0.5, 6),
          random.nextInt(1, 50), random.nextDouble(1e-9, 10));
      Ewma ewma = Ewma.EMPTY;
      for (int i = 0; i < 2_000; i++) {
        Ewma.Step step = ewma.observe(params, constant);
        assertFalse(step.alarm(), "trial " + trial + " constant " + constant + " step " + i);
        ewma = step.state();
      }
      assertEquals(constant, ewma.mean(), 0.0, "the mean of a constant is exactly the constant");
      assertEquals(0.0, ewma.variance(), 0.0);
    }
  }

  @Test
  void ewmaBaselineIsTheExactMeanAndPopulationVarianceEvenFarFromZero() {
    SplittableRandom random = new SplittableRandom(3);
    double[] xs = new double[1_000];
    Ewma ewma = Ewma.EMPTY;
    for (int i = 0; i < xs.length; i++) {
      xs[i] = 1e9 + random.nextDouble(); // a naive sum of squares loses every digit here
      ewma = ewma.learn(xs[i]);
    }
    double mean = 0;
    for (double x : xs) {
      mean += x;
    }
    mean /= xs.length;
    double variance = 0;
    for (double x : xs) {
      variance += (x - mean) * (x - mean);
    }
    variance /= xs.length;
    assertEquals(mean, ewma.mean(), 1e-6);
    assertEquals(variance, ewma.variance(), variance * 1e-6);
    assertEquals(1.0 / 12, ewma.variance(), 0.01, "uniform [0, 1) has variance 1/12");
  }

  @Test
  void ewmaAlarmsBeyondKSigmaOnlyAfterItsBaselineAndFloorsSigma() {
    Ewma.Params params = new Ewma.Params(0.1, 3, 20, 0.5);
    Ewma ewma = Ewma.EMPTY;
    for (int i = 0; i < 20; i++) {
      Ewma.Step step = ewma.observe(params, i % 2 == 0 ? 9 : 11); // mean 10, sigma 1
      assertFalse(step.alarm());
      assertTrue(Double.isNaN(step.zScore()), "no score during the baseline");
      ewma = step.state();
    }
    assertEquals(13.0, ewma.upperLimit(params), 1e-9);
    assertFalse(ewma.observe(params, 12.9).alarm());
    Ewma.Step high = ewma.observe(params, 13.5);
    assertTrue(high.alarm());
    assertEquals(3.5, high.zScore(), 1e-9);
    assertTrue(ewma.observe(params, 6).alarm(), "two-sided");
    assertEquals(10.35, high.state().mean(), 1e-9, "folded in with weight alpha");

    Ewma steady = Ewma.EMPTY;
    for (int i = 0; i < 20; i++) {
      steady = steady.learn(10);
    }
    assertEquals(0.5, steady.sigma(params), 0.0, "a steady baseline uses the floor");
    assertFalse(steady.observe(params, 11.4).alarm());
    assertTrue(steady.observe(params, 11.6).alarm());
  }

  @Test
  void cusumOnConstantInputNeverAlarms() {
    Cusum.Params params = new Cusum.Params(0.5, 5, 10, 0.1);
    Cusum cusum = Cusum.EMPTY;
    for (int i = 0; i < 10_000; i++) {
      Cusum.Step step = cusum.observe(params, 42.0);
      assertEquals(Cusum.Side.NONE, step.alarm());
      cusum = step.state();
    }
    assertEquals(0.0, cusum.upper());
    assertEquals(0.0, cusum.lower());
  }

  @Test
  void cusumAccumulatesASmallShiftThatNoSingleObservationRevealsAndResetsAfterTheAlarm() {
    Cusum.Params params = new Cusum.Params(0.5, 5, 10, 0.1);
    Cusum cusum = Cusum.EMPTY;
    for (int i = 0; i < 10; i++) {
      cusum = cusum.observe(params, i % 2 == 0 ? 9 : 11).state(); // mean 10, sigma 1
    }
    // +1.5 sigma each time: the sum grows by 1.0 per observation and crosses 5 on the sixth
    int alarmAt = -1;
    for (int i = 1; i <= 6; i++) {
      Cusum.Step step = cusum.observe(params, 11.5);
      if (step.alarm() != Cusum.Side.NONE) {
        assertEquals(Cusum.Side.UPPER, step.alarm());
        assertEquals(6.0, step.statistic(), 1e-9);
        assertEquals(0.0, step.state().upper(), "reset after the alarm");
        assertEquals(0.0, step.state().lower());
        alarmAt = i;
      } else {
        assertEquals(i, step.state().upper(), 1e-9);
      }
      cusum = step.state();
    }
    assertEquals(6, alarmAt);
    // after the reset it needs the same run again
    for (int i = 1; i <= 5; i++) {
      Cusum.Step step = cusum.observe(params, 11.5);
      assertEquals(Cusum.Side.NONE, step.alarm(), "observation " + i + " after the reset");
      cusum = step.state();
    }
    assertEquals(Cusum.Side.UPPER, cusum.observe(params, 11.5).alarm());
    assertEquals(10.0, cusum.mean(), 1e-9, "the reference stays fixed after the baseline");
  }

  @Test
  void cusumDetectsDownwardShiftsOnTheLowerSide() {
    Cusum.Params params = new Cusum.Params(0.5, 4, 4, 0.1);
    Cusum cusum = Cusum.EMPTY;
    for (double x : new double[] {9, 11, 9, 11}) {
      cusum = cusum.learn(x);
    }
    Cusum.Step step = cusum.observe(params, 7); // z = -3: lower = 2.5
    assertEquals(2.5, step.state().lower(), 1e-9);
    step = step.state().observe(params, 7);
    assertEquals(Cusum.Side.LOWER, step.alarm());
  }

  @Test
  void cusumFalseAlarmRateOnNoiseMatchesItsTheory() {
    // a long baseline, so the reference is the true N(0, 1) and the run length is the textbook one
    Cusum.Params params = new Cusum.Params(0.5, 5, 20_000, 0.01);
    SplittableRandom random = new SplittableRandom(11);
    Cusum cusum = Cusum.EMPTY;
    for (int i = 0; i < 20_000; i++) {
      cusum = cusum.learn(gaussian(random));
    }
    int alarms = 0;
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      Cusum.Step step = cusum.observe(params, gaussian(random));
      alarms += step.alarm() == Cusum.Side.NONE ? 0 : 1;
      cusum = step.state();
    }
    // Siegmund: one-sided ARL0 = (e^(2k b) - 2k b - 1) / (2k^2), b = h + 1.166 = 938 for k = 0.5, h = 5;
    // two sides alarm about every 469 observations: ~426 alarms in 200k
    assertTrue(alarms > 300 && alarms < 560, alarms + " alarms");
  }

  @Test
  void rateBucketsCloseWhenAnEventLandsInALaterBucketAndIgnoreIdleGaps() {
    long minute = 60_000;
    RateTracker tracker = RateTracker.EMPTY;
    assertEquals(-1, tracker.closing(5_000, minute));
    tracker = tracker.add(5_000, minute);
    tracker = tracker.add(59_999, minute);
    assertEquals(0, tracker.bucketStartMillis());
    assertEquals(2, tracker.count());
    assertEquals(-1, tracker.closing(59_999, minute));
    assertEquals(2, tracker.closing(60_000, minute));
    tracker = tracker.add(3 * 3_600_000 + 1, minute); // hours later: one closed bucket, no zeros in between
    assertEquals(3 * 3_600_000, tracker.bucketStartMillis());
    assertEquals(1, tracker.count());
    tracker = tracker.add(1_000, minute); // late event: counted in the current bucket
    assertEquals(2, tracker.count());
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller, so the sequence is the same on every JVM
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }
}

package dev.vigil.actors.lease;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** The renewal schedule on a fixed clock: {@code max(minRenewal, ttl - expiryThreshold)}, and when to rotate. */
class LeaseRenewalTest {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-22T10:00:00Z"), ZoneOffset.UTC);
  static final LeaseRenewal RENEWAL = new LeaseRenewal(Duration.ofSeconds(10), Duration.ofSeconds(60));

  @Test
  void aLongLeaseIsRenewedTheThresholdBeforeItExpires() {
    Instant granted = CLOCK.instant();
    assertEquals(granted.plusSeconds(3600 - 60), RENEWAL.renewAt(granted, Duration.ofHours(1)));
    assertEquals(Duration.ofSeconds(3540), RENEWAL.delayUntilRenewal(CLOCK.instant(), granted, Duration.ofHours(1)));
  }

  @Test
  void aShortLeaseIsRenewedNoSoonerThanMinRenewal() {
    Instant granted = CLOCK.instant();
    assertEquals(granted.plusSeconds(10), RENEWAL.renewAt(granted, Duration.ofSeconds(30)));
  }

  @Test
  void aRenewalThatIsAlreadyDueWaitsNothing() {
    Instant granted = CLOCK.instant().minus(Duration.ofHours(2));
    assertEquals(Duration.ZERO, RENEWAL.delayUntilRenewal(CLOCK.instant(), granted, Duration.ofHours(1)));
  }

  @Test
  void aRenewalCappedAtOrBelowTheThresholdMeansRotate() {
    assertTrue(RENEWAL.mustRotate(Duration.ofSeconds(60)));
    assertTrue(RENEWAL.mustRotate(Duration.ofSeconds(5)));
    assertFalse(RENEWAL.mustRotate(Duration.ofSeconds(61)));
  }
}

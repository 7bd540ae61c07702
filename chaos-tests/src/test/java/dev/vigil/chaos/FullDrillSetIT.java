package dev.vigil.chaos;

import static dev.vigil.chaos.DrillHarness.assertPassed;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.vigil.chaos.drill.Drill;

/**
 * The drills beyond the fast subset, run with {@code mvn -Pchaos-full -pl chaos-tests verify} (which sets
 * {@code vigil.chaos.full}): a frozen node, a database outage, a Vault outage, a Kubernetes API outage, and kill, drain and
 * partition on five nodes. Reports go
 * to {@code target/drills/<n>-nodes/}; the last run's report is kept in {@code docs/drills.md}.
 */
class FullDrillSetIT {

  @BeforeEach
  void onlyInTheFullProfile() {
    assumeTrue(DrillHarness.fullSet(), "the full drill set runs with -Pchaos-full");
  }

  @Test
  void freezeOneOfThree() throws Exception {
    assertPassed(DrillHarness.run(Drill.FREEZE, 3));
  }

  @Test
  void databaseOutageUnderThree() throws Exception {
    assertPassed(DrillHarness.run(Drill.DATABASE_OUTAGE, 3));
  }

  @Test
  void vaultOutageUnderThree() throws Exception {
    assertPassed(DrillHarness.run(Drill.VAULT_OUTAGE, 3));
  }

  @Test
  void kubernetesDownUnderThree() throws Exception {
    assertPassed(DrillHarness.run(Drill.KUBERNETES_DOWN, 3));
  }

  @Test
  void killOneOfFive() throws Exception {
    assertPassed(DrillHarness.run(Drill.KILL, 5));
  }

  @Test
  void drainOneOfFive() throws Exception {
    assertPassed(DrillHarness.run(Drill.DRAIN, 5));
  }

  @Test
  void partitionTwoFromThree() throws Exception {
    assertPassed(DrillHarness.run(Drill.PARTITION, 5));
  }
}

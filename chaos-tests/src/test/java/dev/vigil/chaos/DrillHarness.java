package dev.vigil.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import dev.vigil.chaos.drill.Check;
import dev.vigil.chaos.drill.Drill;
import dev.vigil.chaos.drill.DrillReport;
import dev.vigil.chaos.drill.DrillRunner;

/** What the drill ITs share: where the jar and reports are, and how one drill runs on a fresh cluster of N nodes. */
final class DrillHarness {

  static final Path JAR = Path.of(System.getProperty("vigil.chaos.jar", "../cluster/target/vigil.jar")).toAbsolutePath();
  static final Path REPORTS = Path.of(System.getProperty("vigil.chaos.reports", "target/drills")).toAbsolutePath();
  /** Extra options for every node JVM, space-separated (a diagnosis run: a logback file, a profiler agent). */
  static final List<String> EXTRA_NODE_OPTIONS = List.of(System.getProperty("vigil.chaos.node-options", "").trim()
      .split("\\s+")).stream().filter(o -> !o.isEmpty()).toList();

  private DrillHarness() {}

  static boolean fullSet() {
    return Boolean.getBoolean("vigil.chaos.full");
  }

  /** Starts {@code nodes} node processes, runs {@code drill} under load, writes the report, stops everything. */
  static DrillReport run(Drill drill, int nodes) throws Exception {
    Path reports = REPORTS.resolve(nodes + "-nodes");
    ChaosCluster.Settings settings = ChaosCluster.Settings.defaults(nodes, JAR, reports.resolve(drill.wireName() + "-cluster"))
        .withExtraJvmOptions(EXTRA_NODE_OPTIONS);
    try (ChaosCluster cluster = ChaosCluster.start(settings)) {
      DrillRunner.Settings load = DrillRunner.Settings.defaults(reports);
      String rate = System.getProperty("vigil.chaos.rate", "");
      return DrillRunner.run(drill, cluster, rate.isBlank() ? load : load.withRate(Integer.parseInt(rate.trim())));
    }
  }

  /** Fails with the whole markdown report when any check failed, other than those named in {@code known}. */
  static void assertPassed(DrillReport report, String... known) {
    List<String> excused = List.of(known);
    List<Check> failed = report.checks().stream()
        .filter(c -> c.status() == Check.Status.FAILED && !excused.contains(c.name())).toList();
    assertEquals(List.of(), failed.stream().map(c -> c.name() + ": " + c.detail()).collect(Collectors.toList()),
        "drill " + report.drill() + " failed checks; report:\n" + report.toMarkdown());
  }

  static Check check(DrillReport report, String name) {
    return report.checks().stream().filter(c -> c.name().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no check '" + name + "' in\n" + report.toMarkdown()));
  }
}

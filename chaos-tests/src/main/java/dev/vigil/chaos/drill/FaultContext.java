package dev.vigil.chaos.drill;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.vigil.chaos.DrillNode;
import dev.vigil.chaos.DrillTarget;
import dev.vigil.chaos.load.InvestigationTraffic;
import dev.vigil.chaos.load.LoadDriver;

/**
 * What a fault script works with while the load runs: the target, the driver (to mark phases), the investigations
 * the load started (to judge what a fault did to them), and where it records
 * timings, targets it demands, notes, and which nodes should remain members afterwards.
 */
public final class FaultContext {

  final DrillTarget target;
  final LoadDriver driver;
  final InvestigationTraffic investigations;
  final Map<String, Double> timings = new LinkedHashMap<>();
  final List<Check> targets = new ArrayList<>();
  /** Targets judged on the request log, evaluated once the load has stopped and every answer is in. */
  final List<java.util.function.Supplier<Check>> afterLoad = new ArrayList<>();
  final List<String> notes = new ArrayList<>();
  List<DrillNode> survivors;

  FaultContext(DrillTarget target, LoadDriver driver, InvestigationTraffic investigations) {
    this.target = target;
    this.driver = driver;
    this.investigations = investigations;
    this.survivors = new ArrayList<>(target.nodes());
  }

  void timing(String name, long millis) {
    timings.put(name, (double) millis);
  }
}

package dev.vigil.chaos;

import java.util.List;

/**
 * Every node on 127.0.0.1 with its own ports: works anywhere, but processes on one host share loopback, so no real
 * partition can be made. Drills that need one report that they could not run rather than faking it (freezing a
 * minority is not a partition: the frozen side does not keep running on its own).
 */
public final class LoopbackNetwork implements DrillNetwork {

  @Override
  public String describe() {
    return "loopback 127.0.0.1 (no network partition possible)";
  }

  @Override
  public String nodeHost(int index) {
    return "127.0.0.1";
  }

  @Override
  public String hostAddress() {
    return "127.0.0.1";
  }

  @Override
  public List<String> launchPrefix(int index) {
    return List.of();
  }

  @Override
  public boolean canPartition() {
    return false;
  }

  @Override
  public void partition(List<Integer> sideA, List<Integer> sideB) {
    throw new UnsupportedOperationException("a loopback network cannot be partitioned: " + describe());
  }

  @Override
  public void heal() {}

  @Override
  public void close() {}
}

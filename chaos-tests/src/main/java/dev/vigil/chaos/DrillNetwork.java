package dev.vigil.chaos;

import java.io.IOException;
import java.util.List;

/**
 * Where the drill's node processes live on the network, and whether the harness can cut it. Two implementations:
 * {@link NamespaceNetwork} puts every node in its own Linux network namespace on a bridge (a real partition is possible),
 * {@link LoopbackNetwork} runs every node on 127.0.0.1 (no partition is possible: processes on one host share loopback).
 */
public interface DrillNetwork extends AutoCloseable {

  /** A short human description for reports, e.g. "network namespaces on bridge vgl42br (10.77.42.0/24)". */
  String describe();

  /** The address node {@code index} binds to and is reached at. */
  String nodeHost(int index);

  /** The address at which nodes reach services the harness runs on the host (PostgreSQL relay, Vault stand-in relay). */
  String hostAddress();

  /** The command prefix that runs a program inside node {@code index}'s network (empty on loopback). */
  List<String> launchPrefix(int index);

  /** True when {@link #partition} really cuts traffic between nodes. */
  boolean canPartition();

  /** Drops all traffic between the two groups of node indexes (both directions); the harness keeps reaching every node. */
  void partition(List<Integer> sideA, List<Integer> sideB) throws IOException, InterruptedException;

  /** Removes every cut made by {@link #partition}. */
  void heal() throws IOException, InterruptedException;

  @Override
  void close();
}

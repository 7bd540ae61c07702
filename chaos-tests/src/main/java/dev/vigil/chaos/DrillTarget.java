package dev.vigil.chaos;

import dev.vigil.standins.net.TcpRelay;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.vigil.standins.kubernetes.KubernetesStandIn;
import dev.vigil.standins.vault.VaultStandIn;

/**
 * The cluster a drill runs against: its nodes, the admin key the load driver uses, and the switches the harness owns
 * (network, database, Vault and Kubernetes API relays), which a cluster the drill did not start does not offer.
 */
public interface DrillTarget {

  List<? extends DrillNode> nodes();

  String adminKey();

  /** One line for reports: how the nodes run and what stands in for what. */
  String describe();

  default Optional<DrillNetwork> network() {
    return Optional.empty();
  }

  /** The relay every node reaches PostgreSQL through (cut it = database down). */
  default Optional<TcpRelay> databaseRelay() {
    return Optional.empty();
  }

  /** The relay every node reaches the Vault stand-in through (cut it = Vault down). */
  default Optional<TcpRelay> vaultRelay() {
    return Optional.empty();
  }

  default Optional<VaultStandIn> vault() {
    return Optional.empty();
  }

  /** The relay every node reaches the Kubernetes API stand-in through (cut it = Kubernetes API down). */
  default Optional<TcpRelay> kubernetesRelay() {
    return Optional.empty();
  }

  /** The Kubernetes API stand-in the nodes' Jobs are created in, and what its Job controller did with each. */
  default Optional<KubernetesStandIn> kubernetes() {
    return Optional.empty();
  }

  /**
   * A folder on this machine where each investigation Job's bootstrap token appears as its pod starts (the harness's
   * Kubernetes stand-in writes it there from the Job's environment), so the load driver can act as the agent. Empty
   * for a cluster elsewhere: investigations are then only started and followed.
   */
  default Optional<Path> jobTokenDir() {
    return Optional.empty();
  }
}

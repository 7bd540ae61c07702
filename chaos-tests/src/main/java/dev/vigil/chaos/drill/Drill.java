package dev.vigil.chaos.drill;


import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

import dev.vigil.chaos.DrillNetwork;
import dev.vigil.chaos.DrillNode;
import dev.vigil.chaos.Management;
import dev.vigil.chaos.RemoteNode;
import dev.vigil.standins.net.TcpRelay;
import dev.vigil.chaos.Waits;
import dev.vigil.chaos.load.RequestRecord;
import dev.vigil.standins.kubernetes.KubernetesStandIn;

/**
 * The faults, each a script run while the load driver keeps going: it injects the fault, marks the phases
 * ({@code fault}, then the moment the cluster acted, then {@code end}), measures how long the cluster took, and states
 * the targets it demands. The victim is always the last node (never the first seed).
 */
public enum Drill {

  KILL("kill -9 of one node; the Split Brain Resolver downs it once the failure detector marks it unreachable") {
    @Override
    void inject(FaultContext ctx) throws Exception {
      DrillNode victim = last(ctx);
      String address = Management.members(victim).selfNode();
      ctx.survivors = others(ctx, victim);
      ctx.driver.mark("fault");
      long start = System.nanoTime();
      victim.kill();
      Waits.until("a survivor marks the killed node unreachable", Duration.ofSeconds(30), Duration.ofMillis(100),
          () -> Management.viewsOf(ctx.survivors).values().stream().anyMatch(v -> v.unreachable().contains(address)));
      ctx.driver.mark("unreachable");
      ctx.timing("unreachable after", millisSince(start));
      Waits.until("survivors down and remove the killed node", Duration.ofSeconds(60), Duration.ofMillis(100),
          () -> Management.converged(ctx.survivors, ctx.survivors.size()));
      ctx.driver.mark("detector-acted");
      ctx.timing("removed after", millisSince(start));
      Waits.pause(Duration.ofSeconds(15));
      ctx.driver.mark("end");
      ctx.afterLoad.add(() -> p99UnderOneSecond(ctx));
    }
  },

  DRAIN("SIGTERM of one node: readiness false, in-flight requests finish, shards hand off, the node leaves and exits 0") {
    @Override
    void inject(FaultContext ctx) throws Exception {
      DrillNode victim = last(ctx);
      String address = Management.members(victim).selfNode();
      ctx.survivors = others(ctx, victim);
      ctx.driver.mark("fault");
      long start = System.nanoTime();
      if (victim instanceof RemoteNode remote && remote.pid().isEmpty()) {
        Management.memberOperation(victim, address, "Leave");
        ctx.notes.add("no process id given: the drain went through the management API (operation=Leave)");
      } else {
        victim.terminate();
      }
      OptionalInt exit = victim.awaitExit(Duration.ofSeconds(90));
      Waits.until("survivors see the drained node gone", Duration.ofSeconds(60), Duration.ofMillis(100),
          () -> Management.converged(ctx.survivors, ctx.survivors.size()));
      ctx.driver.mark("left");
      ctx.timing("drained and removed after", millisSince(start));
      if (victim.isRunning()) {
        ctx.targets.add(Check.of("drained node exits", false, "still running 90 s after SIGTERM"));
      } else if (exit.isPresent()) {
        ctx.targets.add(Check.of("drained node exits 0", exit.getAsInt() == 0, "exit code " + exit.getAsInt()));
      }
      Waits.pause(Duration.ofSeconds(10));
      ctx.driver.mark("end");
      ctx.afterLoad.add(() -> {
        // from the steady state on: the cold cluster's first requests (before 150 had been answered) are not part of
        // the drain; their failures stay visible in the report's whole-drill row and in this check's detail
        Availability drain = window(ctx, "steady", "end");
        Availability warmUp = window(ctx, null, "steady");
        return Check.of("zero failed requests during the drain", drain.failed() == 0 && drain.violations() == 0,
            drain.failed() + " failed, " + drain.violations() + " violations of " + drain.sent()
                + " requests from the steady state on (warm-up before it: " + warmUp.failed() + " failed of "
                + warmUp.sent() + ")");
      });
    }
  },

  FREEZE("SIGSTOP of one node past the failure detector, SIGCONT after it was downed: it must not come back as a zombie") {
    @Override
    void inject(FaultContext ctx) throws Exception {
      DrillNode victim = last(ctx);
      ctx.survivors = others(ctx, victim);
      ctx.driver.mark("fault");
      long start = System.nanoTime();
      victim.freeze();
      try {
        Waits.until("survivors down and remove the frozen node", Duration.ofSeconds(60), Duration.ofMillis(100),
            () -> Management.converged(ctx.survivors, ctx.survivors.size()));
        ctx.driver.mark("detector-acted");
        ctx.timing("removed after", millisSince(start));
      } finally {
        victim.thaw();
      }
      ctx.driver.mark("thawed");
      OptionalInt exit = victim.awaitExit(Duration.ofSeconds(60));
      ctx.targets.add(Check.of("the thawed node learns it was downed and exits", !victim.isRunning(),
          victim.isRunning() ? "still running 60 s after SIGCONT" : "exited " + exit));
      Waits.pause(Duration.ofSeconds(10));
      ctx.driver.mark("end");
      ctx.afterLoad.add(() -> p99UnderOneSecond(ctx));
    }
  },

  PARTITION("network partition (majority | minority) by dropping traffic between the groups' namespaces; healed after the resolver acted") {
    @Override
    void inject(FaultContext ctx) throws Exception {
      DrillNetwork network = ctx.target.network().filter(DrillNetwork::canPartition).orElseThrow(() ->
          new UnsupportedOperationException("this cluster's network cannot be partitioned: "
              + ctx.target.network().map(DrillNetwork::describe).orElse("not started by the harness")));
      List<? extends DrillNode> all = ctx.target.nodes();
      int majority = all.size() / 2 + 1;
      List<Integer> sideA = new ArrayList<>();
      List<Integer> sideB = new ArrayList<>();
      for (DrillNode n : all) {
        (n.index() < majority ? sideA : sideB).add(n.index());
      }
      List<DrillNode> minority = all.stream().filter(n -> sideB.contains(n.index())).map(n -> (DrillNode) n).toList();
      ctx.survivors = all.stream().filter(n -> sideA.contains(n.index())).map(n -> (DrillNode) n).toList();
      ctx.driver.mark("fault");
      long start = System.nanoTime();
      network.partition(sideA, sideB);
      try {
        Waits.until("the majority side downs the minority", Duration.ofSeconds(90), Duration.ofMillis(100),
            () -> Management.converged(ctx.survivors, ctx.survivors.size()));
        ctx.driver.mark("resolved");
        long resolved = millisSince(start);
        ctx.timing("resolved after", resolved);
        ctx.targets.add(Check.of("partition resolved by the Split Brain Resolver within 30 s", resolved <= 30_000,
            "majority saw one partition of " + ctx.survivors.size() + " after " + resolved + " ms"));
        Waits.until("the minority side downs itself and exits", Duration.ofSeconds(60), Duration.ofMillis(200),
            () -> minority.stream().noneMatch(DrillNode::isRunning));
        ctx.timing("minority exited after", millisSince(start));
      } finally {
        network.heal();
      }
      ctx.driver.mark("healed");
      Waits.pause(Duration.ofSeconds(10));
      ctx.driver.mark("end");
    }
  },

  DATABASE_OUTAGE("PostgreSQL unreachable for 20 s (the relay every node uses is cut: connections dropped, new ones refused)") {
    @Override
    void inject(FaultContext ctx) throws Exception {
      TcpRelay relay = ctx.target.databaseRelay().orElseThrow(() ->
          new UnsupportedOperationException("the database relay belongs to the harness; start the cluster with it"));
      ctx.driver.mark("fault");
      relay.cut();
      try {
        Waits.pause(Duration.ofSeconds(20));
      } finally {
        relay.restore();
      }
      ctx.driver.mark("restored");
      long restored = System.nanoTime();
      Waits.until("every node ready again after the database returns", Duration.ofSeconds(60), Duration.ofMillis(200),
          () -> ctx.survivors.stream().allMatch(Management::ready));
      ctx.timing("all ready after restore", millisSince(restored));
      ctx.driver.mark("ready");
      Waits.pause(Duration.ofSeconds(10));
      ctx.driver.mark("end");
      ctx.afterLoad.add(() -> {
        Availability after = window(ctx, "ready", "end");
        return Check.of("every request answered once the database is back and nodes are ready",
            after.failed() == 0, after.failed() + " failed of " + after.sent());
      });
    }
  },


  VAULT_OUTAGE("Vault stand-in unreachable for 30 s (the relay every node uses is cut: connections dropped, new ones refused)") {
    @Override
    void inject(FaultContext ctx) throws Exception {
      TcpRelay relay = ctx.target.vaultRelay().orElseThrow(() ->
          new UnsupportedOperationException("the Vault relay belongs to the harness; start the cluster with it"));
      ctx.driver.mark("fault");
      relay.cut();
      try {
        Waits.pause(Duration.ofSeconds(30));
      } finally {
        relay.restore();
      }
      ctx.driver.mark("restored");
      Waits.pause(Duration.ofSeconds(15));
      ctx.driver.mark("end");
      ctx.notes.add("investigations started during the outage wait in provisioning and must end once Vault is back;"
          + " the final-state and lease invariants judge that");
      ctx.afterLoad.add(() -> {
        List<RequestRecord> outage = ctx.driver.records().stream()
            .filter(r -> r.kind().equals("decision.evaluate") || r.kind().startsWith("agent."))
            .filter(r -> r.startMillis() >= ctx.driver.marks().get("fault")
                && r.startMillis() < ctx.driver.marks().get("restored")).toList();
        long failed = outage.stream().filter(r -> r.verdict() != dev.vigil.chaos.load.Verdict.ANSWERED).count();
        return Check.of("decisions and agent reads/writes unaffected while Vault is down", failed == 0 && !outage.isEmpty(),
            failed + " of " + outage.size() + " such requests not answered during the outage");
      });
    }
  },

  KUBERNETES_DOWN("Kubernetes API stand-in unreachable for 30 s (the relay every node's fabric8 client uses is cut: "
      + "requests and Job watches dropped, new connections refused)") {
    @Override
    void inject(FaultContext ctx) throws Exception {
      TcpRelay relay = ctx.target.kubernetesRelay().orElseThrow(() ->
          new UnsupportedOperationException("the Kubernetes API relay belongs to the harness; start the cluster with it"));
      KubernetesStandIn kubernetes = ctx.target.kubernetes().orElseThrow();
      ctx.driver.mark("fault");
      Instant cutAt = Instant.now();
      relay.cut();
      try {
        Waits.pause(Duration.ofSeconds(30));
      } finally {
        relay.restore();
      }
      Instant restoredAt = Instant.now();
      ctx.driver.mark("restored");
      Waits.pause(Duration.ofSeconds(15));
      ctx.driver.mark("end");
      ctx.notes.add("investigations started during the outage wait in provisioning (their Job create is retried) and "
          + "Jobs that end meanwhile are seen once the nodes' Job watches reconnect; the final-state and lease "
          + "invariants judge that");
      ctx.afterLoad.add(() -> KubernetesOutage.requestsAnswered(ctx));
      ctx.afterLoad.add(() -> KubernetesOutage.startsLaunchedOnceBack(ctx, kubernetes, cutAt, restoredAt));
      ctx.afterLoad.add(() -> KubernetesOutage.endingsSeenOnceBack(ctx, kubernetes, cutAt, restoredAt));
    }
  };

  private final String fault;

  Drill(String fault) {
    this.fault = fault;
  }

  public String fault() {
    return fault;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static Drill parse(String name) {
    for (Drill d : values()) {
      if (d.wireName().equals(name) || d.name().equalsIgnoreCase(name)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown drill '" + name + "'; one of "
        + java.util.Arrays.stream(values()).map(Drill::wireName).toList());
  }

  abstract void inject(FaultContext ctx) throws Exception;

  static DrillNode last(FaultContext ctx) {
    List<? extends DrillNode> nodes = ctx.target.nodes();
    return nodes.get(nodes.size() - 1);
  }

  static List<DrillNode> others(FaultContext ctx, DrillNode victim) {
    return ctx.target.nodes().stream().filter(n -> n != victim).map(n -> (DrillNode) n).toList();
  }

  static Check p99UnderOneSecond(FaultContext ctx) {
    Availability after = window(ctx, "detector-acted", "end");
    return Check.of("p99 < 1 s once the failure detector has acted", after.p99Millis() < 1000,
        "p99 " + DrillReport.fmt(after.p99Millis()) + " ms over " + after.sent() + " requests");
  }

  static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  static Availability window(FaultContext ctx, String fromMark, String toMark) {
    var marks = ctx.driver.marks();
    double from = fromMark == null ? 0 : marks.get(fromMark);
    double to = marks.get(toMark);
    List<RequestRecord> records = ctx.driver.records();
    return Availability.of((fromMark == null ? "start" : fromMark) + " → " + toMark, from, to, records);
  }

}

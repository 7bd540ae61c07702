package dev.vigil.chaos.drill;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vigil.chaos.DrillNode;
import dev.vigil.chaos.DrillTarget;
import dev.vigil.chaos.Management;
import dev.vigil.chaos.Waits;
import dev.vigil.chaos.load.AgentTraffic;
import dev.vigil.chaos.load.DecisionTraffic;
import dev.vigil.chaos.load.InvestigationTraffic;
import dev.vigil.chaos.load.ApiClient;
import dev.vigil.chaos.load.LoadDriver;
import dev.vigil.chaos.load.RequestKind;
import dev.vigil.chaos.load.Rotation;
import dev.vigil.chaos.load.Verdict;
import dev.vigil.standins.vault.LeaseView;

/**
 * Runs one drill against a target: starts the load (through a readiness-probing rotation), waits for a steady state,
 * injects the fault, stops the load, checks the invariants, and writes the report ({@code <drill>.md}, {@code .json}
 * and the request log) into the reports folder.
 */
public final class DrillRunner {

  private static final Logger log = LoggerFactory.getLogger(DrillRunner.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Answers the load must have had before the runner looks at whether it has settled. */
  private static final int STEADY_ANSWERS = 150;

  /**
   * @param ratePerSecond  total requests per second of the load
   * @param workers        concurrent senders (many, so a few requests stalled on a fault do not hold back the rate)
   * @param requestTimeout client-side timeout of one request (above the gateway's own 10 s ask timeout)
   * @param probeInterval  how often the rotation probes {@code /ready}
   * @param reports        folder for reports and request logs
   * @param settleWindow   the recent stretch of load judged before the fault: every request answered, ...
   * @param settledP99     ... and a p99 at most this
   * @param settleTimeout  the longest wait for that; the fault is injected anyway after it (and the report says so)
   */
  public record Settings(int ratePerSecond, int workers, Duration requestTimeout, Duration probeInterval, Path reports,
      Duration settleWindow, Duration settledP99, Duration settleTimeout) {

    public static Settings defaults(Path reports) {
      return new Settings(40, 32, Duration.ofSeconds(15), Duration.ofMillis(150), reports, Duration.ofSeconds(5),
          Duration.ofSeconds(1), Duration.ofSeconds(60));
    }

    public Settings withRate(int perSecond) {
      return new Settings(perSecond, workers, requestTimeout, probeInterval, reports, settleWindow, settledP99,
          settleTimeout);
    }
  }

  private DrillRunner() {}

  /** The traffic of one drill: its kinds in a weighted mix, and the typed ones the invariants read back. */
  public record Traffic(List<LoadDriver.Weighted> mix, DecisionTraffic decisions, InvestigationTraffic investigations) {}

  /**
   * The request mix, out of 20: agent registrations 3 and reads 6, policy decisions 6, investigation starts 1, and
   * the agent's calls inside running investigations (token 1, credential 2, action 1; kinds with nothing to send yet
   * give their turn to a registration).
   */
  public static Traffic mix(String prefix, List<String> decisionAgents, Optional<Path> tokenDir) {
    AgentTraffic agents = new AgentTraffic(prefix);
    DecisionTraffic decisions = new DecisionTraffic(decisionAgents);
    InvestigationTraffic investigations = new InvestigationTraffic(prefix, decisionAgents, tokenDir.orElse(null),
        InvestigationTraffic.JOB_RUNS);
    List<LoadDriver.Weighted> mix = new ArrayList<>(List.of(new LoadDriver.Weighted(agents.writes(), 3),
        new LoadDriver.Weighted(agents.reads(), 6), new LoadDriver.Weighted(decisions, 6)));
    Map<String, Integer> weights = Map.of("investigation.start", 1, "investigation.token", 1,
        "investigation.credential", 2, "investigation.action", 1);
    for (RequestKind kind : investigations.kinds()) {
      mix.add(new LoadDriver.Weighted(kind, weights.get(kind.name())));
    }
    return new Traffic(mix, decisions, investigations);
  }

  /**
   * Before the load: uploads and activates the drill's policy, registers the agents decisions and investigations are
   * for, and waits until every node decides under that policy.
   */
  static List<String> prepare(DrillTarget target, String prefix) throws Exception {
    List<String> agents = new ArrayList<>();
    DrillNode first = target.nodes().get(0);
    ApiClient api = new ApiClient(first.api(), target.adminKey(), Duration.ofSeconds(15));
    String policyId = "chaos-" + prefix;
    HttpResponse<String> upload = api.send("POST", "/v1/policies?activate=true",
        String.format(DecisionTraffic.POLICY_YAML, policyId), "application/yaml");
    if (upload.statusCode() / 100 != 2) {
      throw new IllegalStateException("policy upload answered " + upload.statusCode() + ": " + upload.body());
    }
    for (int i = 0; i < 4; i++) {
      String agent = prefix + "-decider-" + i;
      String body = "{\"displayName\":\"drill decider " + i + "\"}";
      // a registration is idempotent: on a cold cluster (every shard allocated on first use, one at a time) it is
      // asked again until it is answered, as a client would
      List<String> answers = new ArrayList<>();
      int[] last = {0};
      try {
        Waits.until("agent " + agent + " registered", Duration.ofSeconds(60), Duration.ofMillis(500),
            () -> holds(() -> {
              HttpResponse<String> put = api.send("PUT", "/v1/agents/" + agent, body);
              answers.add(put.statusCode() + " " + put.body());
              last[0] = put.statusCode();
              return put.statusCode() == 200 || put.statusCode() / 100 == 4; // a refusal is final
            }));
      } catch (TimeoutException e) {
        throw new IllegalStateException("agent " + agent + " not registered within 60 s; answers: " + answers, e);
      }
      if (last[0] != 200) {
        throw new IllegalStateException("agent " + agent + " not registered: " + answers);
      }
      agents.add(agent);
    }
    String probe = "{\"action\":\"orders.get\",\"resource\":\"orders/0\",\"principal\":{\"id\":\"" + agents.get(0) + "\"}}";
    for (DrillNode node : target.nodes()) {
      ApiClient nodeApi = new ApiClient(node.api(), target.adminKey(), Duration.ofSeconds(10));
      Waits.until("node " + node.index() + " decides under the drill policy", Duration.ofSeconds(30),
          Duration.ofMillis(250), () -> holds(() -> {
            HttpResponse<String> r = nodeApi.send("POST", "/v1/evaluate", probe);
            return r.statusCode() == 200 && r.body().contains("\"" + policyId + "\"");
          }));
    }
    return agents;
  }

  /**
   * Waits (at most {@link Settings#settleTimeout()}) until the load has settled: over the last
   * {@link Settings#settleWindow()} every request was answered and the p99 was at most
   * {@link Settings#settledP99()}. Freshly started node JVMs spend their first half minute compiling and allocating
   * shards; on a small machine that saturates every core, and a fault injected then measures the warm-up (drain
   * drills of five measured a p50 of ~600 ms and a p99 near 3 s in that phase, against ~100 ms and ~400 ms after it).
   * A load that never settles is reported, and the fault is injected anyway.
   */
  private static void settle(LoadDriver driver, Settings settings, FaultContext ctx) {
    String window = "last " + settings.settleWindow().toSeconds() + " s: ";
    AtomicReference<LoadDriver.Recent> judged = new AtomicReference<>();
    try {
      Duration took = Waits.until("the load settles", settings.settleTimeout(), Duration.ofMillis(250), () -> {
        LoadDriver.Recent recent = driver.recent(settings.settleWindow());
        judged.set(recent);
        return recent.finished() >= 20 && recent.failed() == 0
            && recent.p99Millis() <= settings.settledP99().toMillis();
      });
      ctx.timing("load settled after", took.toMillis());
      ctx.notes.add("warm-up: the load settled " + took.toMillis() + " ms after its first " + STEADY_ANSWERS
          + " answers (" + window + judged.get() + ")");
    } catch (TimeoutException e) {
      ctx.notes.add("warm-up: the load did not settle within " + settings.settleTimeout().toSeconds() + " s ("
          + window + judged.get() + "); the fault was injected anyway");
    }
  }

  public static DrillReport run(Drill drill, DrillTarget target, Settings settings) throws Exception {
    Instant started = Instant.now();
    long startNanos = System.nanoTime();
    String prefix = drill.wireName() + "-" + UUID.randomUUID().toString().substring(0, 8);
    Path requestLog = settings.reports().resolve(drill.wireName() + "-requests.jsonl");
    FaultContext ctx;
    LoadDriver driver;
    Traffic traffic;
    Exception faultFailure = null;
    try (Rotation rotation = new Rotation(target.nodes(), settings.probeInterval().toMillis())) {
      traffic = mix(prefix, prepare(target, prefix), target.jobTokenDir());
      driver = new LoadDriver(traffic.mix(), rotation, target.adminKey(), settings.ratePerSecond(),
          settings.workers(), settings.requestTimeout(), requestLog);
      ctx = new FaultContext(target, driver, traffic.investigations());
      try {
        LoadDriver steady = driver;
        Waits.until("load answered steadily", Duration.ofSeconds(60), Duration.ofMillis(100),
            () -> steady.answered() >= STEADY_ANSWERS);
        settle(driver, settings, ctx);
        driver.mark("steady");
        Waits.pause(Duration.ofSeconds(3)); // a steady window to compare the fault's phases with
        log.info("Drill {}: injecting {}", drill.wireName(), drill.fault());
        drill.inject(ctx);
      } catch (Exception e) {
        faultFailure = e;
        log.error("Drill {} could not complete its fault script", drill.wireName(), e);
        driver.mark("end");
      } finally {
        driver.close();
      }
    }
    List<Check> checks = new ArrayList<>();
    if (faultFailure != null) {
      checks.add(Check.of("fault script completed", false, faultFailure.toString()));
    }
    checks.addAll(ctx.targets);
    ctx.afterLoad.forEach(target1 -> checks.add(target1.get()));
    checks.addAll(invariants(target, ctx, driver, traffic));
    List<Availability> windows = windows(driver);
    List<String> notes = new ArrayList<>(ctx.notes);
    notes.add("requests by kind (sent/answered/failed/violations): " + byKind(driver));
    if (target.jobTokenDir().isEmpty()) {
      notes.add("investigations were started and followed, but the agent's calls (token, credential, action) were not "
          + "sent: the Jobs do not run on this machine");
    }
    DrillReport report = new DrillReport(drill.wireName(), drill.fault(), target.describe(), started.toString(),
        (System.nanoTime() - startNanos) / 1e9, driver.marks(), ctx.timings, windows, checks, notes,
        requestLog.toString());
    Path md = report.writeTo(settings.reports());
    log.info("Drill {} {}: report {}", drill.wireName(), report.passed() ? "PASSED" : "FAILED", md);
    return report;
  }

  private static List<Availability> windows(LoadDriver driver) {
    var records = driver.records();
    List<Availability> windows = new ArrayList<>();
    windows.add(Availability.of("whole drill", 0, Double.MAX_VALUE, records));
    List<Map.Entry<String, Double>> marks = new ArrayList<>(driver.marks().entrySet());
    for (int i = 0; i + 1 < marks.size(); i++) {
      windows.add(Availability.of(marks.get(i).getKey() + " → " + marks.get(i + 1).getKey(),
          marks.get(i).getValue(), marks.get(i + 1).getValue(), records));
    }
    return windows;
  }

  private static List<Check> invariants(DrillTarget target, FaultContext ctx, LoadDriver driver, Traffic traffic) {
    List<Check> checks = new ArrayList<>();
    List<DrillNode> survivors = ctx.survivors;

    String convergence;
    boolean converged;
    try {
      Duration took = Waits.until("one partition with every survivor Up", Duration.ofSeconds(30), Duration.ofMillis(250),
          () -> Management.converged(survivors, survivors.size()));
      converged = true;
      convergence = survivors.size() + " members Up, none unreachable, every survivor agrees (waited "
          + took.toMillis() + " ms)";
    } catch (TimeoutException e) {
      converged = false;
      convergence = "views: " + Management.viewsOf(target.nodes());
    }
    checks.add(Check.of("cluster converges to one partition", converged, convergence));

    long violations = driver.records().stream().filter(r -> r.verdict() == Verdict.VIOLATION).count();
    DrillNode reader = survivors.stream().filter(Management::ready).findFirst().orElse(survivors.get(0));
    ApiClient api = new ApiClient(reader.api(), target.adminKey(), Duration.ofSeconds(10));
    int acknowledged = 0;
    List<String> lost = new ArrayList<>();
    for (RequestKind kind : driver.kinds()) {
      if (kind == traffic.decisions()) {
        continue; // decisions have their own check: their receipts
      }
      acknowledged += kind.acknowledgedWrites();
      lost.addAll(kind.lostAcknowledgedWrites(api));
    }
    checks.add(Check.of("zero acknowledged writes lost", lost.isEmpty() && violations == 0 && acknowledged > 0,
        acknowledged + " acknowledged writes (agent registrations, investigation starts) re-read through node " + reader.index() + ": " + lost.size()
            + " missing or different" + (lost.isEmpty() ? "" : " (" + String.join("; ", lost.subList(0, Math.min(5, lost.size()))) + ")")
            + "; " + violations + " answers during the drill contradicted an acknowledgement"));

    Map<String, Integer> hostedBy = new HashMap<>();
    List<String> doubles = new ArrayList<>();
    List<String> silent = new ArrayList<>();
    int entities = 0;
    for (DrillNode node : survivors) {
      try {
        for (var shard : Management.agentShards(node).entrySet()) {
          Integer previous = hostedBy.put(shard.getKey(), node.index());
          if (previous != null) {
            doubles.add("shard " + shard.getKey() + " on nodes " + previous + " and " + node.index());
          }
          entities += shard.getValue();
        }
      } catch (Exception e) {
        silent.add("node " + node.index() + ": " + e.getMessage());
      }
    }
    checks.add(Check.of("Agent shards allocated, each on exactly one node", doubles.isEmpty() && silent.isEmpty()
            && !hostedBy.isEmpty(),
        hostedBy.size() + " shards with " + entities + " active entities over " + survivors.size() + " nodes"
            + (doubles.isEmpty() ? "" : "; doubles: " + doubles) + (silent.isEmpty() ? "" : "; not answering: " + silent)));

    checks.add(receiptsCheck(api, traffic.decisions()));
    InvestigationCheck investigations = investigationsFinal(api, traffic.investigations());
    checks.add(investigations.check());
    checks.add(leasesCheck(target, api, traffic.investigations(), investigations.running()));
    return checks;
  }

  private static Check receiptsCheck(ApiClient api, DecisionTraffic decisions) {
    List<String> missing = decisions.lostAcknowledgedWrites(api);
    List<String> broken;
    try {
      broken = decisions.brokenChains(api);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      broken = List.of("interrupted");
    }
    int acknowledged = decisions.acknowledgedWrites();
    return Check.of("every acknowledged decision has its receipt and every chain verifies",
        acknowledged > 0 && missing.isEmpty() && broken.isEmpty(),
        acknowledged + " acknowledged decisions: " + missing.size() + " receipts missing or different"
            + sample(missing) + "; " + decisions.touchedChains().size() + " chains verified, " + broken.size()
            + " invalid" + sample(broken));
  }

  /** The outcome of waiting for investigations to end: the check, and the investigations still running (id -> lease ids). */
  private record InvestigationCheck(Check check, Map<String, List<String>> running) {}

  /**
   * Waits (up to 90 s) until every acknowledged investigation is in a final state in {@code GET /v1/investigations};
   * an investigation may still be running only while its Job has not run its course, which the wait outlasts.
   */
  private static InvestigationCheck investigationsFinal(ApiClient api, InvestigationTraffic investigations) {
    java.util.Set<String> acknowledged = investigations.acknowledged();
    Map<String, String> states = new java.util.concurrent.ConcurrentHashMap<>();
    Map<String, Long> reasons = new java.util.concurrent.ConcurrentHashMap<>();
    Duration took = null;
    try {
      took = Waits.until("every acknowledged investigation in a final state", Duration.ofSeconds(90),
          Duration.ofMillis(1000), () -> holds(() -> {
            states.clear();
            reasons.clear();
            for (String agent : investigations.agents()) {
              HttpResponse<String> r = api.send("GET", "/v1/investigations?agent=" + agent + "&limit=1000", null);
              if (r.statusCode() != 200) {
                return false;
              }
              for (JsonNode row : JSON.readTree(r.body()).path("investigations")) {
                states.put(row.path("investigationId").asText(), row.path("state").asText());
                if (!"succeeded".equals(row.path("state").asText()) && row.hasNonNull("reason")) {
                  reasons.merge(row.path("state").asText() + ": " + row.path("reason").asText(), 1L, Long::sum);
                }
              }
            }
            return acknowledged.stream().allMatch(id -> InvestigationTraffic.FINAL.contains(states.get(id)));
          }));
    } catch (TimeoutException e) {
      log.warn("investigations not all final: {}", e.getMessage());
    }
    Map<String, Long> byState = new java.util.TreeMap<>();
    List<String> stuck = new ArrayList<>();
    for (String id : acknowledged) {
      String state = states.getOrDefault(id, "missing from the list");
      byState.merge(state, 1L, Long::sum);
      if (!InvestigationTraffic.FINAL.contains(state)) {
        stuck.add(id + " " + state);
      }
    }
    Map<String, List<String>> running = new HashMap<>();
    for (String entry : stuck) {
      String id = entry.substring(0, entry.indexOf(' '));
      try {
        HttpResponse<String> r = api.send("GET", "/v1/investigations/" + id, null);
        JsonNode view = JSON.readTree(r.body());
        if ("running".equals(view.path("state").asText())) {
          List<String> leases = new ArrayList<>();
          for (JsonNode lease : view.path("leases")) {
            if (lease.path("revokedAt").isMissingNode() || lease.path("revokedAt").isNull()) {
              leases.add(lease.path("leaseId").asText());
            }
          }
          running.put(id, leases);
        }
      } catch (IOException e) {
        log.warn("investigation {} not read: {}", id, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Check check = Check.of("no investigation stuck outside a final state once faults clear",
        !acknowledged.isEmpty() && stuck.isEmpty(),
        acknowledged.size() + " acknowledged investigations by state " + byState
            + (took == null ? "; not all final after 90 s: " + sample(stuck) : "; all final (waited " + took.toMillis() + " ms)")
            + (reasons.isEmpty() ? "" : "; endings other than success: " + reasons));
    return new InvestigationCheck(check, running);
  }

  /**
   * Every lease Vault granted is revoked, or belongs to an investigation still running; every credential the node
   * handed to an agent names a lease Vault granted. A live lease that no investigation ever recorded was granted to a
   * node that died before persisting its {@code LeaseGranted} (Vault answered, the event never reached the journal):
   * no node can know it, so it lives until its Vault TTL. Those are reported apart, as the known crash window of
   * "side effect, then event", and do not fail the check; a recorded lease left live does.
   */
  private static Check leasesCheck(DrillTarget target, ApiClient api, InvestigationTraffic investigations,
      Map<String, List<String>> running) {
    if (target.vault().isEmpty()) {
      return Check.notChecked("every lease revoked or held by a running investigation",
          "the Vault stand-in is not the harness's");
    }
    List<LeaseView> leases = target.vault().get().leases();
    java.util.Set<String> heldByRunning = new java.util.HashSet<>();
    running.values().forEach(heldByRunning::addAll);
    java.util.Set<String> recorded = recordedLeases(api, investigations.acknowledged());
    List<String> leaked = new ArrayList<>();
    List<String> unrecorded = new ArrayList<>();
    long revoked = 0;
    for (LeaseView lease : leases) {
      if (lease.state() == LeaseView.State.REVOKED) {
        revoked++;
      } else if (!heldByRunning.contains(lease.leaseId())) {
        (recorded.contains(lease.leaseId()) ? leaked : unrecorded).add(lease.leaseId() + " " + lease.state());
      }
    }
    java.util.Set<String> granted = new java.util.HashSet<>();
    leases.forEach(l -> granted.add(l.leaseId()));
    List<String> unknown = investigations.credentialLeases().keySet().stream().filter(id -> !granted.contains(id))
        .toList();
    long usedAfterEnd = leases.stream().mapToLong(LeaseView::usesAfterEnd).sum();
    return Check.of("every lease revoked or held by a running investigation (zero leaked)",
        leaked.isEmpty() && unknown.isEmpty(),
        leases.size() + " leases granted, " + revoked + " revoked, " + heldByRunning.size()
            + " held by running investigations, " + leaked.size() + " leaked" + sample(leaked) + "; "
            + unrecorded.size() + " granted to a node that crashed before recording them (live until their TTL)"
            + sample(unrecorded) + "; "
            + investigations.credentialLeases().size() + " credentials handed to agents, " + unknown.size()
            + " naming a lease Vault never granted" + sample(unknown) + "; " + usedAfterEnd
            + " secret uses after a lease ended");
  }

  /** Every lease id any acknowledged investigation recorded, revoked or not (from its view). */
  private static java.util.Set<String> recordedLeases(ApiClient api, java.util.Set<String> investigationIds) {
    java.util.Set<String> recorded = new java.util.HashSet<>();
    for (String id : investigationIds) {
      try {
        HttpResponse<String> r = api.getUntilDefinite("/v1/investigations/" + id, 3);
        if (r.statusCode() == 200) {
          for (JsonNode lease : JSON.readTree(r.body()).path("leases")) {
            recorded.add(lease.path("leaseId").asText());
          }
        }
      } catch (IOException e) {
        log.warn("investigation {} not read: {}", id, e.toString());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return recorded;
      }
    }
    return recorded;
  }

  /** A condition that may fail to be asked (the node did not answer): false then, asked again at the next poll. */
  private static boolean holds(java.util.concurrent.Callable<Boolean> condition) {
    try {
      return condition.call();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      log.debug("condition not answered: {}", e.toString());
      return false;
    }
  }

  private static String sample(List<String> problems) {
    return problems.isEmpty() ? "" : " (" + String.join("; ", problems.subList(0, Math.min(5, problems.size()))) + ")";
  }

  private static String byKind(LoadDriver driver) {
    Map<String, long[]> counts = new java.util.TreeMap<>();
    for (var r : driver.records()) {
      long[] c = counts.computeIfAbsent(r.kind(), k -> new long[4]);
      c[0]++;
      c[r.verdict() == Verdict.ANSWERED ? 1 : r.verdict() == Verdict.FAILED ? 2 : 3]++;
    }
    List<String> parts = new ArrayList<>();
    counts.forEach((k, c) -> parts.add(k + " " + c[0] + "/" + c[1] + "/" + c[2] + "/" + c[3]));
    return String.join(", ", parts);
  }
}

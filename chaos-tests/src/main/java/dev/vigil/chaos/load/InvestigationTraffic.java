package dev.vigil.chaos.load;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Investigations under load, and the agent's side of them. {@code investigation.start} posts an investigation with a
 * client-chosen id whose Job's command is a short {@code sleep}; a 202 is an acknowledged start. When the harness
 * gives a folder on this machine, each Job's bootstrap token appears there as its pod starts (the token reaches only
 * the Job, through its environment; the harness's Kubernetes stand-in plays the pod and writes it), and three more
 * kinds act as the agent inside the Job: {@code investigation.token} trades the bootstrap token for the investigation
 * token, {@code investigation.credential} reads the {@code llm} credential (a 200 names a Vault lease),
 * {@code investigation.action} asks about an action (a 200 carries its receipt). A 410 once the investigation ended
 * is a correct answer; a 401 or 403 for a token the node issued and handed over is a violation.
 */
public final class InvestigationTraffic {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long a drill's Job runs (its {@code sleep}; the harness's Kubernetes stand-in runs each Job this long). */
  public static final Duration JOB_RUNS = Duration.ofSeconds(6);
  /** The lifecycle's final states (docs/investigations.md). */
  public static final Set<String> FINAL = Set.of("succeeded", "failed", "timed-out", "cancelled", "rejected");

  private final String prefix;
  private final List<String> agents;
  private final Path tokenDir;
  private final Duration jobRuns;
  /** acknowledged investigation id -> agent. */
  private final Map<String, String> started = new ConcurrentHashMap<>();
  /** acknowledged investigation id -> when its 202 arrived. */
  private final Map<String, Instant> acknowledgedAt = new ConcurrentHashMap<>();
  /** acknowledged, bootstrap token not yet traded: id -> acknowledged at (nanos). */
  private final Map<String, Long> awaitingExchange = new ConcurrentHashMap<>();
  /** id -> investigation token and when it was got (nanos). */
  private final Map<String, Exchanged> exchanged = new ConcurrentHashMap<>();
  /** lease id -> investigation, for every credential handed to an agent. */
  private final Map<String, String> credentialLeases = new ConcurrentHashMap<>();

  private record Exchanged(String token, long atNanos) {}

  /**
   * @param agents   registered agents the investigations run for
   * @param tokenDir folder on this machine where each Job's bootstrap token appears as it starts, or null (then only
   *                 starts are sent)
   * @param jobRuns  how long the Job runs
   */
  public InvestigationTraffic(String prefix, List<String> agents, Path tokenDir, Duration jobRuns) {
    this.prefix = prefix;
    this.agents = List.copyOf(agents);
    this.tokenDir = tokenDir;
    this.jobRuns = jobRuns;
  }

  /** The kinds to mix: the start, and (with a token folder) the agent's token, credential and action calls. */
  public List<RequestKind> kinds() {
    List<RequestKind> kinds = new ArrayList<>();
    kinds.add(new Starts());
    if (tokenDir != null) {
      kinds.add(new Tokens());
      kinds.add(new Credentials());
      kinds.add(new Actions());
    }
    return kinds;
  }

  /** Investigation ids answered 202. */
  public Set<String> acknowledged() {
    return Set.copyOf(started.keySet());
  }

  /** When each acknowledged investigation's 202 arrived. */
  public Map<String, Instant> acknowledgedAt() {
    return Map.copyOf(acknowledgedAt);
  }

  public Collection<String> agents() {
    return agents;
  }

  /** Lease ids the node handed to agents with a credential (each must be a lease Vault issued). */
  public Map<String, String> credentialLeases() {
    return Map.copyOf(credentialLeases);
  }

  private String script() {
    return "sleep " + Math.max(1, jobRuns.toSeconds());
  }

  private static String idOf(String path) {
    String rest = path.substring("/v1/investigations/".length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }

  private Optional<Map.Entry<String, Exchanged>> recentlyExchanged() {
    long now = System.nanoTime();
    List<Map.Entry<String, Exchanged>> live = exchanged.entrySet().stream()
        .filter(e -> now - e.getValue().atNanos() < jobRuns.toNanos()).toList();
    return live.isEmpty() ? Optional.empty() : Optional.of(live.get(ThreadLocalRandom.current().nextInt(live.size())));
  }

  private final class Starts implements RequestKind {

    @Override
    public String name() {
      return "investigation.start";
    }

    @Override
    public Optional<PlannedRequest> next(long sequence) {
      String id = prefix + "-inv-" + sequence;
      String agent = agents.get((int) (sequence % agents.size()));
      try {
        String body = JSON.writeValueAsString(Map.of("investigationId", id, "agentId", agent,
            "image", "local/drill-agent:1", "command", List.of("sh", "-c", script()), "deadlineSeconds", 60));
        return Optional.of(new PlannedRequest(name(), "POST", "/v1/investigations", body));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public Verdict judge(PlannedRequest request, int status, String body) {
      if (status != 202) {
        return Verdict.FAILED;
      }
      try {
        String id = JSON.readTree(request.body()).path("investigationId").asText();
        if (!id.equals(JSON.readTree(body).path("investigationId").asText())) {
          return Verdict.VIOLATION;
        }
        if (started.putIfAbsent(id, JSON.readTree(request.body()).path("agentId").asText()) == null) {
          acknowledgedAt.put(id, Instant.now());
          if (tokenDir != null) {
            awaitingExchange.put(id, System.nanoTime());
          }
        }
        return Verdict.ANSWERED;
      } catch (IOException e) {
        return Verdict.VIOLATION;
      }
    }

    @Override
    public int acknowledgedWrites() {
      return started.size();
    }

    /** Every acknowledged start must be readable afterwards ({@code GET /v1/investigations/{id}}). */
    @Override
    public List<String> lostAcknowledgedWrites(ApiClient api) {
      List<String> lost = new ArrayList<>();
      for (String id : started.keySet()) {
        String problem;
        try {
          HttpResponse<String> r = api.getUntilDefinite("/v1/investigations/" + id, 3);
          problem = r.statusCode() == 200 ? null : "investigation " + id + ": GET answered " + r.statusCode();
        } catch (IOException e) {
          problem = "investigation " + id + ": " + e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return lost;
        }
        if (problem != null) {
          lost.add(problem);
        }
      }
      return lost;
    }
  }

  private final class Tokens implements RequestKind {

    @Override
    public String name() {
      return "investigation.token";
    }

    @Override
    public Optional<PlannedRequest> next(long sequence) {
      long now = System.nanoTime();
      for (Map.Entry<String, Long> waiting : awaitingExchange.entrySet()) {
        String id = waiting.getKey();
        Path file = tokenDir.resolve(id + ".token");
        if (Files.exists(file)) {
          if (awaitingExchange.remove(id) == null) {
            continue; // another worker took it
          }
          try {
            return Optional.of(new PlannedRequest(name(), "POST", "/v1/investigations/" + id + "/token", null,
                Files.readString(file).trim()));
          } catch (IOException e) {
            continue;
          }
        }
        if (now - waiting.getValue() > Duration.ofSeconds(60).toNanos()) {
          awaitingExchange.remove(id); // never launched in time: the final-state check reports it
        }
      }
      return Optional.empty();
    }

    @Override
    public Verdict judge(PlannedRequest request, int status, String body) {
      if (status == 200) {
        try {
          String token = JSON.readTree(body).path("token").asText("");
          if (token.isEmpty()) {
            return Verdict.VIOLATION;
          }
          exchanged.put(idOf(request.path()), new Exchanged(token, System.nanoTime()));
          return Verdict.ANSWERED;
        } catch (IOException e) {
          return Verdict.VIOLATION;
        }
      }
      return agentCallVerdict(status);
    }
  }

  /** 410 (ended) is a correct answer; 401/403 refuse a token the node issued; the rest costs availability. */
  private static Verdict agentCallVerdict(int status) {
    if (status == 410) {
      return Verdict.ANSWERED;
    }
    if (status == 401 || status == 403) {
      return Verdict.VIOLATION;
    }
    return Verdict.FAILED;
  }

  private final class Credentials implements RequestKind {

    @Override
    public String name() {
      return "investigation.credential";
    }

    @Override
    public Optional<PlannedRequest> next(long sequence) {
      return recentlyExchanged().map(e -> new PlannedRequest(name(), "GET",
          "/v1/investigations/" + e.getKey() + "/credentials/llm", null, e.getValue().token()));
    }

    @Override
    public Verdict judge(PlannedRequest request, int status, String body) {
      if (status == 200) {
        try {
          JsonNode credential = JSON.readTree(body);
          String lease = credential.path("leaseId").asText("");
          if (lease.isEmpty() || credential.path("secret").isMissingNode()) {
            return Verdict.VIOLATION;
          }
          credentialLeases.put(lease, idOf(request.path()));
          return Verdict.ANSWERED;
        } catch (IOException e) {
          return Verdict.VIOLATION;
        }
      }
      return agentCallVerdict(status);
    }
  }

  private final class Actions implements RequestKind {

    @Override
    public String name() {
      return "investigation.action";
    }

    @Override
    public Optional<PlannedRequest> next(long sequence) {
      return recentlyExchanged().map(e -> new PlannedRequest(name(), "POST",
          "/v1/investigations/" + e.getKey() + "/actions",
          "{\"action\":\"db.query\",\"resource\":\"db/orders\",\"parameters\":{\"limit\":" + sequence + "}}",
          e.getValue().token()));
    }

    @Override
    public Verdict judge(PlannedRequest request, int status, String body) {
      if (status == 200) {
        try {
          JsonNode answer = JSON.readTree(body);
          return answer.has("effect") && answer.hasNonNull("receipt") ? Verdict.ANSWERED : Verdict.VIOLATION;
        } catch (IOException e) {
          return Verdict.VIOLATION;
        }
      }
      return agentCallVerdict(status);
    }
  }
}

package dev.vigil.chaos.drill;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.chaos.DrillNode;
import dev.vigil.chaos.Management;
import dev.vigil.chaos.Waits;
import dev.vigil.chaos.load.ApiClient;
import dev.vigil.chaos.load.InvestigationTraffic;
import dev.vigil.chaos.load.RequestRecord;
import dev.vigil.chaos.load.Verdict;
import dev.vigil.standins.kubernetes.JobView;
import dev.vigil.standins.kubernetes.KubernetesStandIn;

/**
 * What the Kubernetes-API-down drill demands beyond the common invariants: no request waits on the Kubernetes API
 * (every one sent during the outage is answered); investigations started during the outage are not lost: each
 * gets its Job once the API is back, or ends with a stated reason; and Jobs that completed while no node could see
 * them are seen once it is back. The stand-in's own record of every Job (created, finished when) is the witness, so
 * the checks also prove the outage held: no Job was created while it lasted.
 */
final class KubernetesOutage {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long investigations started during the outage get to launch once the API is back. */
  static final Duration LAUNCH_WAIT = Duration.ofSeconds(90);
  private static final Duration CUT_GRACE = Duration.ofSeconds(1);

  private KubernetesOutage() {}

  /** Every request sent between the cut and the restore was answered: the API is on no request's path. */
  static Check requestsAnswered(FaultContext ctx) {
    double from = ctx.driver.marks().get("fault");
    double to = ctx.driver.marks().get("restored");
    List<RequestRecord> outage = ctx.driver.records().stream()
        .filter(r -> r.startMillis() >= from && r.startMillis() < to).toList();
    Map<String, Long> notAnswered = new TreeMap<>();
    for (RequestRecord r : outage) {
      if (r.verdict() != Verdict.ANSWERED) {
        notAnswered.merge(r.kind() + " " + (r.status() == 0 ? "no answer" : Integer.toString(r.status())), 1L, Long::sum);
      }
    }
    long failed = notAnswered.values().stream().mapToLong(Long::longValue).sum();
    return Check.of("every request answered while the Kubernetes API is down", failed == 0 && !outage.isEmpty(),
        failed + " of " + outage.size() + " requests sent during the outage not answered"
            + (notAnswered.isEmpty() ? "" : " " + notAnswered));
  }

  /**
   * Investigations acknowledged while the API was down: each must get its Job after the restore (none may have one
   * created during the outage, which would mean the nodes reached the API past the relay), or end in a final state
   * with a reason. Waits up to {@link #LAUNCH_WAIT} for that.
   */
  static Check startsLaunchedOnceBack(FaultContext ctx, KubernetesStandIn kubernetes, Instant cutAt,
      Instant restoredAt) {
    String name = "investigations started during the outage launch once the API is back, or end with a reason";
    List<String> during = new ArrayList<>();
    for (Map.Entry<String, Instant> e : ctx.investigations.acknowledgedAt().entrySet()) {
      if (!e.getValue().isBefore(cutAt) && e.getValue().isBefore(restoredAt)) {
        during.add(e.getKey());
      }
    }
    // a create whose bytes were relayed just before the cut lands just after it, and the stand-in records a Job when
    // its informer sees it: a second of grace
    List<JobView> createdDuringOutage = kubernetes.jobs().stream()
        .filter(j -> j.createdAt().isAfter(cutAt.plus(CUT_GRACE)) && j.createdAt().isBefore(restoredAt)).toList();
    Map<String, String> endings = new ConcurrentHashMap<>();
    ApiClient api = reader(ctx);
    Duration waited;
    try {
      waited = Waits.until("every investigation started during the outage launched or ended", LAUNCH_WAIT,
          Duration.ofSeconds(1), () -> during.stream().allMatch(id ->
              kubernetes.jobOf(id).isPresent() || ended(api, id, endings)));
    } catch (TimeoutException e) {
      waited = null;
    }
    List<String> launched = new ArrayList<>();
    List<String> withoutJob = new ArrayList<>();
    List<String> unexplained = new ArrayList<>();
    List<String> neither = new ArrayList<>();
    long lastLaunchMillis = -1;
    for (String id : during) {
      Optional<JobView> job = kubernetes.jobOf(id);
      if (job.isPresent()) {
        launched.add(id);
        lastLaunchMillis = Math.max(lastLaunchMillis, Duration.between(restoredAt, job.get().createdAt()).toMillis());
      } else if (endings.containsKey(id)) {
        withoutJob.add(id + " " + endings.get(id));
        if (endings.get(id).endsWith(": ")) {
          unexplained.add(id);
        }
      } else {
        neither.add(id);
      }
    }
    Optional<Instant> firstAfter = kubernetes.jobs().stream().map(JobView::createdAt)
        .filter(at -> !at.isBefore(restoredAt)).min(Instant::compareTo);
    firstAfter.ifPresent(at -> ctx.timing("first Job created after restore", Duration.between(restoredAt, at).toMillis()));
    if (lastLaunchMillis >= 0) {
      ctx.timing("last outage start launched after restore", lastLaunchMillis);
    }
    boolean passed = !during.isEmpty() && neither.isEmpty() && unexplained.isEmpty() && createdDuringOutage.isEmpty();
    return Check.of(name, passed, during.size() + " investigations acknowledged during the outage: " + launched.size()
        + " got their Job after the restore" + (lastLaunchMillis >= 0 ? " (the last " + lastLaunchMillis + " ms after it)" : "")
        + ", " + withoutJob.size() + " ended without a Job" + sample(withoutJob)
        + (unexplained.isEmpty() ? "" : " (" + unexplained.size() + " without a reason)") + ", " + neither.size()
        + " neither" + (waited == null ? " after " + LAUNCH_WAIT.toSeconds() + " s" : "") + sample(neither) + "; "
        + createdDuringOutage.size() + " Jobs created while the API was cut"
        + sample(createdDuringOutage.stream().map(JobView::name).toList()));
  }

  /**
   * Jobs that completed while no node could see the API (the stand-in's controller kept running): once the watches
   * reconnect, their investigations must end {@code succeeded}, as the Job did; an investigation that timed out
   * instead never saw its Job's ending. Waits up to {@link #LAUNCH_WAIT}.
   */
  static Check endingsSeenOnceBack(FaultContext ctx, KubernetesStandIn kubernetes, Instant cutAt, Instant restoredAt) {
    String name = "Jobs that completed during the outage are seen once the API is back";
    List<String> completed = kubernetes.jobs().stream()
        .filter(j -> j.phase() == JobView.Phase.SUCCEEDED && j.investigationId() != null
            && ctx.investigations.acknowledgedAt().containsKey(j.investigationId())
            && j.finishedAt().isAfter(cutAt) && j.finishedAt().isBefore(restoredAt))
        .map(JobView::investigationId).toList();
    Map<String, String> endings = new ConcurrentHashMap<>();
    ApiClient api = reader(ctx);
    Duration waited;
    try {
      waited = Waits.until("every investigation whose Job completed during the outage ended", LAUNCH_WAIT,
          Duration.ofSeconds(1), () -> completed.stream().allMatch(id -> ended(api, id, endings)));
    } catch (TimeoutException e) {
      waited = null;
    }
    Map<String, Long> byEnding = new TreeMap<>();
    List<String> otherThanSuccess = new ArrayList<>();
    for (String id : completed) {
      String ending = endings.getOrDefault(id, "not final");
      byEnding.merge(ending.startsWith("succeeded") ? "succeeded" : ending, 1L, Long::sum);
      if (!ending.startsWith("succeeded")) {
        otherThanSuccess.add(id + " " + ending);
      }
    }
    return Check.of(name, !completed.isEmpty() && otherThanSuccess.isEmpty(),
        completed.size() + " Jobs completed while the API was cut; their investigations: " + byEnding
            + (waited == null ? " (not all final after " + LAUNCH_WAIT.toSeconds() + " s)" : "")
            + sample(otherThanSuccess));
  }

  /** Whether the investigation is in a final state; its "state: reason" goes to {@code endings}. */
  private static boolean ended(ApiClient api, String id, Map<String, String> endings) {
    try {
      HttpResponse<String> r = api.send("GET", "/v1/investigations/" + id, null);
      if (r.statusCode() != 200) {
        return false;
      }
      JsonNode view = JSON.readTree(r.body());
      String state = view.path("state").asText();
      if (!InvestigationTraffic.FINAL.contains(state)) {
        return false;
      }
      endings.put(id, state + ": " + view.path("reason").asText(""));
      return true;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static ApiClient reader(FaultContext ctx) {
    DrillNode node = ctx.survivors.stream().filter(Management::ready).findFirst().orElse(ctx.survivors.get(0));
    return new ApiClient(node.api(), ctx.target.adminKey(), Duration.ofSeconds(10));
  }

  private static String sample(List<String> items) {
    return items.isEmpty() ? "" : " (" + String.join("; ", items.subList(0, Math.min(5, items.size()))) + ")";
  }
}

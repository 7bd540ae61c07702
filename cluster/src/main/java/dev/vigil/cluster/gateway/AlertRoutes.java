package dev.vigil.cluster.gateway;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;

import dev.vigil.persistence.agents.AgentReadModel;
import dev.vigil.persistence.keys.Role;

/**
 * {@code GET /v1/alerts?agent=&since=&limit=}: behavioural monitoring alerts, newest first, from the agents read model
 * (kept from the Agent entities' journal by the {@code agents} projection, so it trails the journal by the
 * projection's batch interval). Each alert names the metric, the method, the expected and observed values and the
 * threshold crossed.
 */
public final class AlertRoutes {

  private final AgentReadModel readModel;

  public AlertRoutes(AgentReadModel readModel) {
    this.readModel = readModel;
  }

  public List<Endpoint> endpoints() {
    return List.of(Endpoint.of("GET", "/v1/alerts", Set.of(Role.ADMIN, Role.OPERATOR), "alerts.list", this::list));
  }

  private CompletionStage<ApiResponse> list(Call call) {
    List<ApiError.Detail> problems = new ArrayList<>();
    Optional<String> agent = Optional.ofNullable(call.query().get("agent"));
    if (agent.isPresent() && !Json.ID.matcher(agent.get()).matches()) {
      problems.add(new ApiError.Detail("agent", "must be an agent id"));
    }
    Optional<Instant> since = Optional.empty();
    String sinceText = call.query().get("since");
    if (sinceText != null) {
      try {
        since = Optional.of(Instant.parse(sinceText));
      } catch (DateTimeParseException e) {
        problems.add(new ApiError.Detail("since", "must be an ISO-8601 instant such as 2026-03-02T09:00:00Z"));
      }
    }
    int limit = AgentRoutes.limit(call, problems);
    if (!problems.isEmpty()) {
      throw ApiError.badRequest("the query is invalid: " + problems.size() + " problem(s)", problems);
    }
    return readModel.alerts(agent, since, limit).thenApply(rows -> {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("alerts", rows.stream().map(AlertRoutes::view).toList());
      return ApiResponse.ok(body);
    });
  }

  private static Map<String, Object> view(AgentReadModel.AlertRow row) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("alertId", row.alertId());
    view.put("agentId", row.agentId());
    view.put("metric", row.metric());
    view.put("method", row.method());
    view.put("severity", row.severity());
    view.put("expected", row.expected());
    view.put("observed", row.observed());
    view.put("threshold", row.threshold());
    view.put("message", row.message());
    view.put("at", row.at().toString());
    return view;
  }
}

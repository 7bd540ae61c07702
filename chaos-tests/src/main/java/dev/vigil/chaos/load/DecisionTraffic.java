package dev.vigil.chaos.load;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Policy decisions: {@code POST /v1/evaluate} for one of a few agents the drill registered, under a small policy the
 * drill uploaded and activated. A 200 with a {@code receiptId} is an acknowledged decision: the gateway answers once
 * the receipt is durable, so after the drill every such receipt must be readable ({@code GET /v1/receipts/{id}}) with
 * the same chain, and every chain a decision touched must verify ({@code POST /v1/receipts/verify}).
 */
public final class DecisionTraffic implements RequestKind {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** The drill's policy: reads allowed, writes allowed outside {@code prod/}, the rest denied by default. */
  public static final String POLICY_YAML = """
      schema: vigil/v1
      id: %s
      name: Chaos drill policy
      version: 1.0.0
      default: deny
      action_kinds:
        read: ["*.get", "*.list", "db.query"]
        write: ["*.put", "ticket.comment"]
      rules:
        - id: reads
          action: ["*.get", "*.list", "db.query"]
          effect: allow
          reason: Reads are fine.
        - id: no-prod-writes
          action: ["*.put", "ticket.comment"]
          effect: deny
          reason: Production is read-only in drills.
          when:
            resource: "prod/**"
        - id: writes
          action: ["*.put", "ticket.comment"]
          effect: allow
          reason: Writes outside production are fine.
      """;

  private static final String[][] ACTIONS = {
      {"orders.get", "orders/1"}, {"orders.list", "orders"}, {"db.query", "db/orders"},
      {"orders.put", "staging/orders/1"}, {"orders.put", "prod/orders/1"}, {"payment.send", "payments/7"}};

  private final List<String> agents;
  /** receipt id -> agent whose chain it belongs to. */
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();

  /** @param agents registered agent ids the decisions are taken for (one chain each) */
  public DecisionTraffic(List<String> agents) {
    this.agents = List.copyOf(agents);
  }

  @Override
  public String name() {
    return "decision.evaluate";
  }

  @Override
  public Optional<PlannedRequest> next(long sequence) {
    String agent = agents.get((int) (sequence % agents.size()));
    String[] action = ACTIONS[(int) ((sequence / agents.size()) % ACTIONS.length)];
    return Optional.of(new PlannedRequest(name(), "POST", "/v1/evaluate",
        "{\"action\":\"" + action[0] + "\",\"resource\":\"" + action[1] + "\",\"parameters\":{\"request\":" + sequence
            + "},\"principal\":{\"id\":\"" + agent + "\"}}"));
  }

  @Override
  public Verdict judge(PlannedRequest request, int status, String body) {
    if (status != 200) {
      return Verdict.FAILED;
    }
    try {
      JsonNode decision = JSON.readTree(body);
      String receiptId = decision.path("receiptId").asText("");
      String agent = JSON.readTree(request.body()).path("principal").path("id").asText();
      if (receiptId.isEmpty() || !decision.has("decision")) {
        return Verdict.VIOLATION; // a 200 without its receipt breaks the API's promise
      }
      acknowledged.put(receiptId, agent);
      return Verdict.ANSWERED;
    } catch (IOException e) {
      return Verdict.VIOLATION;
    }
  }

  @Override
  public int acknowledgedWrites() {
    return acknowledged.size();
  }

  /** Agents whose chains at least one acknowledged decision extended. */
  public Set<String> touchedChains() {
    return Set.copyOf(acknowledged.values());
  }

  /** Every acknowledged decision's receipt, read back: one line per receipt missing or in another chain. */
  @Override
  public List<String> lostAcknowledgedWrites(ApiClient api) {
    List<String> lost = new ArrayList<>();
    for (Map.Entry<String, String> ack : acknowledged.entrySet()) {
      String id = ack.getKey();
      String problem;
      try {
        HttpResponse<String> r = api.getUntilDefinite("/v1/receipts/" + id, 3);
        if (r.statusCode() == 200) {
          JsonNode receipt = JSON.readTree(r.body());
          boolean same = id.equals(receipt.path("id").asText()) && !receipt.path("hash").asText("").isEmpty();
          problem = same ? null : "receipt " + id + ": GET answered another receipt " + r.body();
        } else {
          problem = "receipt " + id + ": GET answered " + r.statusCode() + " " + r.body();
        }
      } catch (IOException e) {
        problem = "receipt " + id + ": " + e;
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

  /** Verifies every touched chain on the node: one line per chain that does not verify (empty = all valid). */
  public List<String> brokenChains(ApiClient api) throws InterruptedException {
    List<String> broken = new ArrayList<>();
    for (String agent : touchedChains()) {
      String problem = "no answer";
      for (int attempt = 0; attempt < 3; attempt++) {
        try {
          HttpResponse<String> r = api.send("POST", "/v1/receipts/verify",
              JSON.writeValueAsString(Map.of("agent", agent)));
          if (r.statusCode() == 200) {
            JsonNode v = JSON.readTree(r.body());
            problem = v.path("valid").asBoolean(false) && v.path("count").asInt(0) > 0 ? null
                : "chain " + agent + ": " + r.body();
            break;
          }
          problem = "chain " + agent + ": verify answered " + r.statusCode() + " " + r.body();
        } catch (IOException e) {
          problem = "chain " + agent + ": " + e;
        }
      }
      if (problem != null) {
        broken.add(problem);
      }
    }
    return broken;
  }

}

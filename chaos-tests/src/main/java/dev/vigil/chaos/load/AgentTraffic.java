package dev.vigil.chaos.load;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Agent registrations and reads, the first acknowledged writes the cluster has: {@code PUT /v1/agents/{id}} with a
 * fresh id and a display name unique to the request; a 200 is an acknowledgement, remembered. Reads pick an
 * acknowledged agent at random: a 404 or another display name there is a lost write, seen while the drill runs.
 */
public final class AgentTraffic {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String prefix;
  private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
  private final List<String> acknowledgedIds = new CopyOnWriteArrayList<>();

  /** @param prefix agent id prefix, unique per drill so drills never read each other's agents */
  public AgentTraffic(String prefix) {
    this.prefix = prefix;
  }

  public RequestKind writes() {
    return new Writes();
  }

  public RequestKind reads() {
    return new Reads();
  }

  private String displayNameOf(String body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node.path("displayName").asText(null);
    } catch (IOException e) {
      return null;
    }
  }

  private static String agentIdOf(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private final class Writes implements RequestKind {

    @Override
    public String name() {
      return "agent.register";
    }

    @Override
    public Optional<PlannedRequest> next(long sequence) {
      String id = prefix + "-" + sequence;
      return Optional.of(new PlannedRequest(name(), "PUT", "/v1/agents/" + id,
          "{\"displayName\":\"written by request " + sequence + "\",\"labels\":{\"drill\":\"" + prefix + "\"}}"));
    }

    @Override
    public Verdict judge(PlannedRequest request, int status, String body) {
      if (status == 200) {
        String id = agentIdOf(request.path());
        String expected = displayNameOf(request.body());
        if (!expected.equals(displayNameOf(body))) {
          return Verdict.VIOLATION;
        }
        if (acknowledged.putIfAbsent(id, expected) == null) {
          acknowledgedIds.add(id);
        }
        return Verdict.ANSWERED;
      }
      // a registration answered 409 was stored by an earlier attempt of the same id: never sent twice here
      return Verdict.FAILED;
    }

    @Override
    public int acknowledgedWrites() {
      return acknowledged.size();
    }

    @Override
    public List<String> lostAcknowledgedWrites(ApiClient api) {
      List<String> lost = new ArrayList<>();
      for (Map.Entry<String, String> ack : acknowledged.entrySet()) {
        String problem;
        try {
          HttpResponse<String> r = api.getUntilDefinite("/v1/agents/" + ack.getKey(), 3);
          problem = r.statusCode() == 200 && ack.getValue().equals(displayNameOf(r.body())) ? null
              : ack.getKey() + ": GET answered " + r.statusCode() + " " + r.body();
        } catch (IOException e) {
          problem = ack.getKey() + ": " + e;
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

  private final class Reads implements RequestKind {

    @Override
    public String name() {
      return "agent.get";
    }

    @Override
    public Optional<PlannedRequest> next(long sequence) {
      int known = acknowledgedIds.size();
      if (known == 0) {
        return Optional.empty();
      }
      String id = acknowledgedIds.get(ThreadLocalRandom.current().nextInt(known));
      return Optional.of(new PlannedRequest(name(), "GET", "/v1/agents/" + id, null));
    }

    @Override
    public Verdict judge(PlannedRequest request, int status, String body) {
      String expected = acknowledged.get(agentIdOf(request.path()));
      if (status == 200) {
        return expected.equals(displayNameOf(body)) ? Verdict.ANSWERED : Verdict.VIOLATION;
      }
      return status == 404 ? Verdict.VIOLATION : Verdict.FAILED;
    }
  }
}

package dev.vigil.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The node endpoints drills read and act through: Pekko Management's {@code /ready}, {@code /cluster/members},
 * {@code /cluster/shards/Agent} and member leave/down. Every call has a short timeout: a frozen node must not stall a drill.
 */
public final class Management {

  public static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private Management() {}

  /** What one node believes the cluster is. */
  public record MembershipView(String selfNode, Map<String, String> statusByMember, Set<String> unreachable) {

    public Set<String> up() {
      Set<String> up = new TreeSet<>();
      statusByMember.forEach((member, status) -> {
        if (status.equals("Up")) {
          up.add(member);
        }
      });
      return up;
    }
  }

  public static boolean ready(DrillNode node) {
    try {
      return get(node.management() + "/ready", Duration.ofSeconds(1)).statusCode() == 200;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public static MembershipView members(DrillNode node) throws IOException, InterruptedException {
    HttpResponse<String> r = get(node.management() + "/cluster/members", Duration.ofSeconds(2));
    if (r.statusCode() != 200) {
      throw new IOException("GET /cluster/members of node " + node.index() + " answered " + r.statusCode());
    }
    JsonNode body = JSON.readTree(r.body());
    Map<String, String> status = new TreeMap<>();
    for (JsonNode m : body.path("members")) {
      status.put(m.path("node").asText(), m.path("status").asText());
    }
    Set<String> unreachable = new TreeSet<>();
    for (JsonNode u : body.path("unreachable")) {
      unreachable.add(u.path("node").asText());
    }
    return new MembershipView(body.path("selfNode").asText(), status, unreachable);
  }

  /** The Agent shard ids this node's region hosts, with their entity counts. */
  public static Map<String, Integer> agentShards(DrillNode node) throws IOException, InterruptedException {
    HttpResponse<String> r = get(node.management() + "/cluster/shards/Agent", Duration.ofSeconds(5));
    if (r.statusCode() != 200) {
      throw new IOException("GET /cluster/shards/Agent of node " + node.index() + " answered " + r.statusCode() + " " + r.body());
    }
    Map<String, Integer> shards = new TreeMap<>();
    for (JsonNode region : JSON.readTree(r.body()).path("regions")) {
      shards.put(region.path("shardId").asText(), region.path("numEntities").asInt());
    }
    return shards;
  }

  /** Asks {@code via} to make {@code address} leave (graceful drain) or go down (removed as if crashed). */
  public static void memberOperation(DrillNode via, String address, String operation) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create(via.management() + "/cluster/members/"
            + URLEncoder.encode(address, StandardCharsets.UTF_8)))
        .timeout(Duration.ofSeconds(5))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .PUT(HttpRequest.BodyPublishers.ofString("operation=" + operation)).build();
    HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(operation + " of " + address + " answered " + r.statusCode() + " " + r.body());
    }
  }

  public static HttpResponse<String> get(String url, Duration timeout) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Views of every node that answers, keyed by node index; silent nodes are left out. */
  public static Map<Integer, MembershipView> viewsOf(List<? extends DrillNode> nodes) {
    Map<Integer, MembershipView> views = new TreeMap<>();
    for (DrillNode node : nodes) {
      try {
        views.put(node.index(), members(node));
      } catch (IOException e) {
        // not answering: left out
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    return views;
  }

  /** True when every answering node sees the same {@code expectedUp} members Up and none unreachable. */
  public static boolean converged(List<? extends DrillNode> nodes, int expectedUp) {
    Map<Integer, MembershipView> views = viewsOf(nodes);
    if (views.size() < expectedUp) {
      return false;
    }
    List<Set<String>> ups = new ArrayList<>();
    for (MembershipView v : views.values()) {
      if (!v.unreachable().isEmpty() || v.up().size() != expectedUp || v.statusByMember().size() != expectedUp) {
        return false;
      }
      ups.add(v.up());
    }
    return ups.stream().distinct().count() == 1;
  }
}

package dev.vigil.cluster.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import com.fasterxml.jackson.databind.JsonNode;

import dev.vigil.actors.agent.ReceiptReader;
import dev.vigil.persistence.keys.Principal;
import dev.vigil.persistence.keys.Role;
import dev.vigil.receipt.ChainAnchor;
import dev.vigil.receipt.ChainVerifier;
import dev.vigil.receipt.Receipt;
import dev.vigil.receipt.VerificationResult;

/**
 * Receipts: read one ({@code agent:<id>:<sequence>}), export a chain or part of it, and verify a stored chain or range
 * (recomputing every hash and link from the journal) or a chain the caller sends (an export, checked with nothing
 * but its own contents). An agent key sees only its own chain.
 */
public final class ReceiptRoutes {

  private static final Set<Role> ANY = Set.of(Role.ADMIN, Role.OPERATOR, Role.AGENT);
  private static final int MAX_EXPORT = 10_000;

  private final ReceiptReader reader;

  public ReceiptRoutes(ReceiptReader reader) {
    this.reader = reader;
  }

  public List<Endpoint> endpoints() {
    return List.of(
        Endpoint.of("GET", "/v1/receipts/{receiptId}", ANY, "receipts.get", this::get),
        Endpoint.of("GET", "/v1/receipts", ANY, "receipts.list", this::list),
        Endpoint.of("POST", "/v1/receipts/verify", ANY, "receipts.verify", this::verify));
  }

  private CompletionStage<ApiResponse> get(Call call) {
    String id = call.path("receiptId");
    int colon = id.lastIndexOf(':');
    if (!id.startsWith("agent:") || colon <= "agent:".length()) {
      throw ApiError.badRequest("a receipt id looks like agent:<agentId>:<sequence>, got '" + id + "'");
    }
    String agentId = Json.id("agentId", id.substring("agent:".length(), colon));
    long sequence = positive("sequence", id.substring(colon + 1));
    ownChain(call.caller(), agentId);
    return reader.chain(agentId, sequence, sequence, 1).thenApply(found -> {
      if (found.isEmpty()) {
        throw ApiError.notFound("no receipt " + id);
      }
      return ApiResponse.ok(found.get(0).toJson());
    });
  }

  private CompletionStage<ApiResponse> list(Call call) {
    String agentId = call.query().get("agent");
    if (agentId == null) {
      throw ApiError.badRequest("pass ?agent=<agentId> (receipts are listed per chain)",
          List.of(new ApiError.Detail("agent", "is required")));
    }
    Json.id("agent", agentId);
    ownChain(call.caller(), agentId);
    long from = call.query().containsKey("from") ? positive("from", call.query().get("from")) : 1;
    int limit = call.query().containsKey("limit") ? (int) Math.min(MAX_EXPORT, positive("limit", call.query().get("limit")))
        : 1000;
    return reader.chain(agentId, from, Long.MAX_VALUE, limit).thenApply(receipts -> {
      Map<String, Object> view = new LinkedHashMap<>();
      view.put("chainId", "agent:" + agentId);
      view.put("receipts", receipts.stream().map(Receipt::toJson).toList());
      return ApiResponse.ok(view);
    });
  }

  private CompletionStage<ApiResponse> verify(Call call) {
    JsonNode body = call.body();
    if (body != null && body.path("receipts").isArray()) {
      List<Receipt> receipts = new ArrayList<>();
      int i = 0;
      for (JsonNode node : body.get("receipts")) {
        try {
          receipts.add(Receipt.fromJson(node));
        } catch (RuntimeException e) {
          throw ApiError.badRequest("receipts[" + i + "] is not a receipt: " + e.getMessage());
        }
        i++;
      }
      if (receipts.isEmpty()) {
        throw ApiError.badRequest("receipts is empty");
      }
      ChainAnchor anchor = receipts.get(0).sequence() == 1 ? ChainAnchor.GENESIS
          : new ChainAnchor(receipts.get(0).sequence() - 1, receipts.get(0).prevHash());
      return CompletableFuture.completedFuture(ApiResponse.ok(
          result(ChainVerifier.verify(receipts.get(0).chainId(), anchor, receipts), "supplied")));
    }
    Json.Validator v = new Json.Validator(body);
    String agentId = v.requiredText("agent", 128);
    v.check();
    Json.id("agent", agentId);
    ownChain(call.caller(), agentId);
    long from = body.has("from") ? positive("from", body.get("from").asText()) : 1;
    long to = body.has("to") ? positive("to", body.get("to").asText()) : Long.MAX_VALUE;
    // a range is anchored on the stored receipt just before it, itself part of what the chain commits to
    long readFrom = Math.max(1, from - 1);
    return reader.chain(agentId, readFrom, to, Integer.MAX_VALUE).thenApply(receipts -> {
      ChainAnchor anchor = ChainAnchor.GENESIS;
      List<Receipt> range = receipts;
      if (from > 1) {
        if (receipts.isEmpty() || receipts.get(0).sequence() != from - 1) {
          throw ApiError.notFound("no receipt " + (from - 1) + " in chain agent:" + agentId + " to anchor the range");
        }
        anchor = ChainAnchor.of(receipts.get(0));
        range = receipts.subList(1, receipts.size());
      }
      return ApiResponse.ok(result(ChainVerifier.verify("agent:" + agentId, anchor, range), "stored"));
    });
  }

  private static Map<String, Object> result(VerificationResult result, String source) {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("valid", result.valid());
    view.put("source", source);
    view.put("count", result.count());
    view.put("verified", result.verifiedCount());
    view.put("headHash", result.headHash());
    view.put("problems", result.problems().stream().map(p -> Map.of("index", p.index(),
        "receiptId", String.valueOf(p.receiptId()), "sequence", p.sequence(), "kind", p.kind().name(),
        "detail", p.detail())).toList());
    return view;
  }

  private static void ownChain(Principal caller, String agentId) {
    if (caller.role() == Role.AGENT && !caller.agentId().orElse("").equals(agentId)) {
      throw ApiError.forbidden("an agent key may only read its own receipts");
    }
  }

  private static long positive(String field, String text) {
    try {
      long value = Long.parseLong(text);
      if (value >= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiError.badRequest(field + " must be a positive integer, got '" + text + "'",
        List.of(new ApiError.Detail(field, "must be a positive integer")));
  }
}

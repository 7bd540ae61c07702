package dev.vigil.actors.agent;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.vigil.protocol.PolicyProtocol.DecisionView;
import dev.vigil.protocol.PolicyProtocol.EvaluationInput;
import dev.vigil.receipt.CanonicalJson;

/**
 * The body of a decision receipt: who asked for what, what was decided, by which rule of which exact policy. The
 * action's parameters are represented by the SHA-256 of their canonical JSON, so a receipt proves what was decided
 * without copying payloads (which may hold personal data) into the permanent record.
 */
public final class DecisionReceipts {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DecisionReceipts() {}

  public static ObjectNode body(EvaluationInput input, DecisionView decision) {
    ObjectNode body = JSON.createObjectNode();
    body.put("agentId", input.agentId());
    body.put("phase", input.phase());
    body.put("action", input.action());
    if (input.resource() != null) {
      body.put("resource", input.resource());
    }
    body.put("parametersSha256", sha256(input.parameters() == null ? Map.of() : input.parameters()));
    body.put("decision", decision.effect());
    body.put("reason", decision.reason());
    if (decision.ruleId() != null) {
      body.put("rule", decision.ruleId());
    }
    ObjectNode policy = body.putObject("policy");
    policy.put("id", decision.policyId());
    policy.put("version", decision.policyVersion());
    policy.put("sha256", decision.policySha256());
    body.put("actionKind", decision.actionKind());
    body.put("requestedAt", input.time().toString());
    return body;
  }

  static String sha256(Map<String, Object> parameters) {
    try {
      byte[] canonical = CanonicalJson.serialize(parameters).getBytes(java.nio.charset.StandardCharsets.UTF_8);
      return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(canonical));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}

package dev.vigil.receipt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One tamper-evident record of a decision (or approval, phase change, lease event) in a chain.
 *
 * <p>{@code hash} is the lower-case hex SHA-256 of the RFC 8785 canonical JSON of every other
 * field, {@code prevHash} included, so changing, deleting or reordering anything breaks either
 * this hash or the next receipt's link. A receipt is built unsealed ({@code hash == null}) and
 * {@link #seal(Receipt) sealed} once. The {@code body} is not copied: it must not be mutated
 * after sealing (if it is, verification reports it).
 *
 * @param id        unique id of the receipt (e.g. the decision id)
 * @param chainId   the chain it belongs to, e.g. {@code agent:<id>} or {@code investigation:<id>}
 * @param sequence  1-based position in the chain
 * @param timestamp ISO-8601 instant, kept as the exact string that was hashed
 * @param kind      what it records: {@code decision}, {@code approval}, {@code phase-change}, {@code lease} ...
 * @param body      the recorded content (action, decision, rule, policy {id, version, sha256}, principal, reason ...)
 * @param prevHash  hash of the previous receipt, {@link #GENESIS_HASH} for the first
 * @param hash      this receipt's hash, or null while unsealed
 */
public record Receipt(
    String id,
    String chainId,
    long sequence,
    String timestamp,
    String kind,
    JsonNode body,
    String prevHash,
    String hash) {

  /** The {@code prevHash} of a chain's first receipt: 64 zeros. */
  public static final String GENESIS_HASH = "0".repeat(64);

  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final HexFormat HEX = HexFormat.of();

  public Receipt {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(chainId, "chainId");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(prevHash, "prevHash");
  }

  /** A receipt without its hash yet. */
  public static Receipt unsealed(
      String id, String chainId, long sequence, String timestamp, String kind, JsonNode body, String prevHash) {
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence is 1-based, got " + sequence);
    }
    if (!SHA256_HEX.matcher(prevHash).matches()) {
      throw new IllegalArgumentException("prevHash must be 64 lower-case hex digits, got " + prevHash);
    }
    return new Receipt(id, chainId, sequence, timestamp, kind, body, prevHash, null);
  }

  /** The same receipt with {@code hash} computed over all its other fields. */
  public static Receipt seal(Receipt unsealed) {
    return unsealed.withHash(unsealed.computeHash());
  }

  /** True if {@code hash} is present and matches the other fields. */
  public boolean isSealedCorrectly() {
    return hash != null && hash.equals(computeHash());
  }

  /** SHA-256 (lower-case hex) of the canonical JSON of every field except {@code hash}. */
  public String computeHash() {
    return HEX.formatHex(sha256().digest(canonicalWithoutHash().getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * The RFC 8785 text that is hashed. Written directly, members already in code-unit order
   * (body, chainId, id, kind, prevHash, sequence, timestamp), to skip building a tree per decision.
   */
  public String canonicalWithoutHash() {
    StringBuilder out = new StringBuilder(512);
    out.append("{\"body\":");
    CanonicalJson.append(out, body);
    out.append(",\"chainId\":");
    CanonicalJson.appendString(out, chainId);
    out.append(",\"id\":");
    CanonicalJson.appendString(out, id);
    out.append(",\"kind\":");
    CanonicalJson.appendString(out, kind);
    out.append(",\"prevHash\":");
    CanonicalJson.appendString(out, prevHash);
    out.append(",\"sequence\":");
    CanonicalJson.appendNumber(out, sequence);
    out.append(",\"timestamp\":");
    CanonicalJson.appendString(out, timestamp);
    return out.append('}').toString();
  }

  /** A copy with another hash (sealing, or a test forging one). */
  public Receipt withHash(String newHash) {
    return new Receipt(id, chainId, sequence, timestamp, kind, body, prevHash, newHash);
  }

  /** All fields, {@code hash} included (null while unsealed), as a JSON object. */
  public ObjectNode toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("id", id);
    json.put("chainId", chainId);
    json.put("sequence", sequence);
    json.put("timestamp", timestamp);
    json.put("kind", kind);
    json.set("body", body);
    json.put("prevHash", prevHash);
    json.put("hash", hash);
    return json;
  }

  /** Reads what {@link #toJson()} wrote; does not verify the hash (see {@link ChainVerifier}). */
  public static Receipt fromJson(JsonNode json) {
    JsonNode hashNode = json.path("hash");
    return new Receipt(
        requiredText(json, "id"),
        requiredText(json, "chainId"),
        requiredNumber(json, "sequence"),
        requiredText(json, "timestamp"),
        requiredText(json, "kind"),
        required(json, "body"),
        requiredText(json, "prevHash"),
        hashNode.isTextual() ? hashNode.textValue() : null);
  }

  private static JsonNode required(JsonNode json, String field) {
    JsonNode value = json.get(field);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException("receipt JSON lacks '" + field + "'");
    }
    return value;
  }

  private static String requiredText(JsonNode json, String field) {
    JsonNode value = required(json, field);
    if (!value.isTextual()) {
      throw new IllegalArgumentException("receipt field '" + field + "' must be a string");
    }
    return value.textValue();
  }

  private static long requiredNumber(JsonNode json, String field) {
    JsonNode value = required(json, field);
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new IllegalArgumentException("receipt field '" + field + "' must be an integer");
    }
    return value.longValue();
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime must provide SHA-256", e);
    }
  }
}

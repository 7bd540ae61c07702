package dev.vigil.protocol;

/** Messages the gateways of a cluster exchange among themselves. */
public final class GatewayProtocol {
  private GatewayProtocol() {}

  /** Topic on which a key revocation reaches every gateway, so none keeps trusting the key from its cache. */
  public static final String KEY_REVOCATIONS_TOPIC = "vigil-api-key-revocations";

  /** An API key was revoked: drop it from every node's authentication cache. */
  @StableName("gateway.key-revoked.v1")
  public record KeyRevoked(String keyId) implements VigilSerializable {}
}

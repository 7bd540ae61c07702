package dev.vigil.k8s;

import java.util.List;
import java.util.Map;

/**
 * What one investigation changes in the Job template. {@code investigationId},
 * {@code phaseWireName}, {@code image} and {@code bootstrapToken} are required; every other
 * component may be {@code null} (or {@code 0} for the deadline) to keep the template's value.
 *
 * @param investigationId lower-case DNS label characters; the Job is named {@code investigation-<id>}
 * @param phaseWireName the agent's trust phase as it is written on the wire ({@code read-only})
 * @param image the agent's container image
 * @param command the container's command (entrypoint); {@code null} keeps the image's
 * @param args the container's arguments; {@code null} keeps the image's
 * @param env extra environment for the agent; may not redefine the variables Vigil sets itself
 * @param activeDeadlineSeconds Kubernetes' own deadline for the Job; {@code 0} keeps the template's
 * @param cpuRequest e.g. {@code 500m}
 * @param memoryRequest e.g. {@code 1Gi}
 * @param cpuLimit e.g. {@code 2}
 * @param memoryLimit e.g. {@code 4Gi}
 * @param gatewayUrl the Vigil API the agent calls; {@code null} keeps the template's in-cluster URL
 * @param bootstrapToken the investigation's own token for the gateway
 */
public record JobSpecInput(
    String investigationId,
    String phaseWireName,
    String image,
    List<String> command,
    List<String> args,
    Map<String, String> env,
    long activeDeadlineSeconds,
    String cpuRequest,
    String memoryRequest,
    String cpuLimit,
    String memoryLimit,
    String gatewayUrl,
    String bootstrapToken) {

  /** The required parts only; everything else comes from the template. */
  public static JobSpecInput of(
      String investigationId, String phaseWireName, String image, String bootstrapToken) {
    return new JobSpecInput(
        investigationId, phaseWireName, image, null, null, null, 0, null, null, null, null, null,
        bootstrapToken);
  }
}

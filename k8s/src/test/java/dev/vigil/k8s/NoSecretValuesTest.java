package dev.vigil.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * No secret value is committed: not as a ConfigMap entry, not as a literal environment
 * value, not anywhere in the rendered text or the Job template. Secrets reach pods only by
 * reference to the Secret the platform team creates.
 */
class NoSecretValuesTest {

  /** Names that hold a secret wherever they appear as a key or a variable. */
  static final Pattern SECRET_NAME = Pattern.compile("(?i).*(password|passwd|secret|token|api_?key|admin_key|private).*");

  /** Values that look like a credential whatever they are called. */
  static final List<Pattern> SECRET_VALUES = List.of(
      Pattern.compile("-----BEGIN [A-Z ]*PRIVATE KEY-----"),
      Pattern.compile("\\bhvs\\.[A-Za-z0-9_-]{20,}"),          // Vault service token
      Pattern.compile("\\bAKIA[0-9A-Z]{16}\\b"),               // AWS access key id
      Pattern.compile("\\bgh[pousr]_[A-Za-z0-9]{30,}"),        // GitHub token
      Pattern.compile("\\bsk-[A-Za-z0-9_-]{20,}"),             // LLM provider keys
      Pattern.compile("(?i)postgres(ql)?://[^/\\s:@]+:[^@\\s]+@"), // URL with a password in it
      Pattern.compile("(?i)[?&;]password="));                  // JDBC password parameter

  static List<String> overlays() {
    return Kustomize.overlays();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void configMapsHoldNoSecrets(String overlay) {
    for (ConfigMap map : Kustomize.render(overlay).all(ConfigMap.class)) {
      map.getData().forEach((key, value) -> assertFalse(SECRET_NAME.matcher(key).matches(),
          overlay + ": ConfigMap " + map.getMetadata().getName() + " holds a secret-named key " + key));
      assertTrue(map.getBinaryData() == null || map.getBinaryData().isEmpty(), overlay + ": binary data");
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void secretVariablesComeOnlyFromSecretReferences(String overlay) {
    for (Workload workload : Workload.of(Kustomize.render(overlay))) {
      for (Container container : workload.spec().getContainers()) {
        for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
          if (SECRET_NAME.matcher(var.getName()).matches()) {
            assertTrue(var.getValue() == null && var.getValueFrom() != null
                    && var.getValueFrom().getSecretKeyRef() != null,
                overlay + ": " + workload.name() + " sets " + var.getName() + " other than from a Secret");
          }
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void theRenderedTextHoldsNoCredential(String overlay) {
    assertNoCredential(overlay, Kustomize.renderYaml(overlay));
  }

  @Test
  void theJobTemplateHoldsNoCredential() throws IOException {
    String yaml;
    try (InputStream in = JobTemplate.class.getResourceAsStream(JobTemplate.RESOURCE)) {
      yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertNoCredential("investigation-job.yaml", yaml);
    EnvVar token = JobTemplate.load().template().getSpec().getTemplate().getSpec().getContainers().get(0)
        .getEnv().stream().filter(v -> v.getName().equals(JobTemplate.ENV_BOOTSTRAP_TOKEN)).findFirst().orElseThrow();
    assertEquals("", token.getValue(), "the template's token stays empty; code sets it per investigation");
  }

  @Test
  void theDetectorCatchesWhatItLooksFor() {
    List<String> leaks = List.of(
        "VIGIL_DB_URL: jdbc:postgresql://db:5432/vigil?user=vigil&password=hunter2",
        "url: postgresql://vigil:hunter2@db:5432/vigil",
        "token: hvs.CAESIJ3vQ9aZbN2mXkL0pQrStUvWxYz12345",
        "-----BEGIN RSA PRIVATE KEY-----",
        "key: AKIAIOSFODNN7EXAMPLE");
    for (String leak : leaks) {
      assertTrue(SECRET_VALUES.stream().anyMatch(p -> p.matcher(leak).find()), "missed: " + leak);
    }
    assertTrue(SECRET_NAME.matcher("VIGIL_DB_PASSWORD").matches());
    assertTrue(SECRET_NAME.matcher("VIGIL_BOOTSTRAP_ADMIN_KEY").matches());
    assertFalse(SECRET_NAME.matcher("VIGIL_VAULT_K8S_ROLE").matches());
  }

  private static void assertNoCredential(String source, String text) {
    for (Pattern pattern : SECRET_VALUES) {
      assertFalse(pattern.matcher(text).find(), source + " contains something like a credential: " + pattern);
    }
  }
}

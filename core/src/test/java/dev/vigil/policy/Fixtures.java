package dev.vigil.policy;

import dev.vigil.trust.TrustPhase;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;

/** Loads test policies from resources and builds requests tersely. */
final class Fixtures {

  /** A Monday, 10:00 in Paris (UTC+1 in January). */
  static final Instant MONDAY_MORNING = Instant.parse("2024-01-08T09:00:00Z");

  private Fixtures() {}

  static String resource(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/policy/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no test resource policy/" + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static CompiledPolicy policy(String resourceName) {
    return PolicyCompiler.compile(resource(resourceName));
  }

  static EvaluationRequest.Builder request(String action, TrustPhase phase) {
    return EvaluationRequest.builder(action)
        .principal(new Principal("agent-7", "agent", Map.of("team", "payments")))
        .phase(phase)
        .time(MONDAY_MORNING);
  }

  /** A minimal Vigil policy around the given rules block (already indented as a YAML list). */
  static CompiledPolicy vigil(String header, String rules) {
    return PolicyCompiler.compile("schema: vigil/v1\nid: test\nversion: 1.0.0\n" + header + "rules:\n" + rules);
  }
}

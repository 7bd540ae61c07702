package dev.vigil.trust;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vigil.policy.ActionKind;
import dev.vigil.scan.Severity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The phase table and demotion policy from configuration: defaults, overrides, and errors that name the key. */
class PhaseTableTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void anEmptyBlockIsTheDefaultTable() {
    TrustSettings settings = TrustSettings.fromConfig(Map.of(), "vigil.trust");
    assertEquals(TrustSettings.DEFAULT, settings);
    PhaseTable table = settings.phases();
    assertEquals("agent-phase-read-only", table.entry(TrustPhase.READ_ONLY).serviceAccount());
    assertEquals(List.of(), table.entry(TrustPhase.SHADOW).credentialDomains());
    assertEquals(ActionRegime.SHADOW, table.entry(TrustPhase.SHADOW).regime());
    assertFalse(ActionRegime.SHADOW.executes(ActionKind.READ));
    assertTrue(ActionRegime.READS_ONLY.executes(ActionKind.READ));
    assertFalse(ActionRegime.READS_ONLY.executes(ActionKind.WRITE));
    assertFalse(ActionRegime.LIMITED_WRITE.executes(ActionKind.UNKNOWN));
    assertTrue(ActionRegime.AUTONOMOUS.executes(ActionKind.UNKNOWN));
  }

  @Test
  void aConfigurationBlockOverridesWhatItNames() throws Exception {
    JsonNode node = YAML.readTree("""
        phases:
          shadow:
            promotion: {min-investigations: 1, quiet-window: 12h, automatic: true}
          limited-write:
            service-account: lw-agents
            credential-domains: [database/agent-rw]
            regime: limited-write
        demotion:
          on-alert: to-shadow
          min-alert-severity: medium
        """);
    TrustSettings settings = TrustSettings.fromConfig(
        YAML.convertValue(node, new TypeReference<Map<String, Object>>() {}), "vigil.trust");

    PromotionCriteria shadow = settings.phases().promotion(TrustPhase.SHADOW);
    assertEquals(1, shadow.minInvestigations());
    assertEquals(Duration.ofHours(12), shadow.quietWindow());
    assertTrue(shadow.automatic());
    assertEquals(PhaseTable.defaults().promotion(TrustPhase.SHADOW).minDecisions(), shadow.minDecisions());
    assertEquals("lw-agents", settings.phases().entry(TrustPhase.LIMITED_WRITE).serviceAccount());
    assertEquals(List.of("database/agent-rw"), settings.phases().entry(TrustPhase.LIMITED_WRITE).credentialDomains());
    assertEquals(DemotionPolicy.Target.TO_SHADOW, settings.demotion().onAlert());
    assertEquals(Severity.MEDIUM, settings.demotion().minAlertSeverity());
    assertEquals(DemotionPolicy.DEFAULT.onCriticalFinding(), settings.demotion().onCriticalFinding());
  }

  @Test
  void everyProblemIsReportedUnderItsFullKey() {
    Map<String, Object> config = Map.of(
        "phases", Map.of(
            "shadow", Map.of("promotion", Map.of("min-investigations", -1, "max-denial-rate", 1.5,
                "quiet-window", "forever", "automatic", "maybe")),
            "read_only", Map.of(),
            "limited-write", Map.of("regime", "yolo", "credential-domains", "database"),
            "autonomous", Map.of("promotion", Map.of())),
        "demotion", Map.of("on-alert", "fire"));

    SettingsException error = assertThrows(SettingsException.class,
        () -> TrustSettings.fromConfig(config, "vigil.trust"));

    List<String> problems = error.problems();
    assertEquals(9, problems.size(), String.join("\n", problems));
    assertTrue(problems.contains("vigil.trust.phases.shadow.promotion.min-investigations: must be at least 0, got -1"),
        problems.toString());
    assertTrue(problems.contains("vigil.trust.phases.shadow.promotion.max-denial-rate: must be in [0.0, 1.0], got 1.5"));
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("vigil.trust.phases.shadow.promotion.quiet-window: must be a duration")));
    assertTrue(problems.contains("vigil.trust.phases.shadow.promotion.automatic: must be true or false, got 'maybe'"));
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("vigil.trust.phases.read_only: unknown key; known keys: ")));
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("vigil.trust.phases.limited-write.regime: unknown action regime 'yolo'")));
    assertTrue(problems.contains("vigil.trust.phases.limited-write.credential-domains: must be a list of strings, got 'database'"));
    assertTrue(problems.contains("vigil.trust.phases.autonomous.promotion: autonomous is the highest phase; there is no promotion out of it"));
    assertTrue(problems.contains("vigil.trust.demotion.on-alert: must be one of none, one-step, to-shadow, got 'fire'"));
  }

  @Test
  void aTableNeedsEveryPhaseInOrder() {
    List<PhaseTable.Entry> entries = PhaseTable.defaults().entries();
    assertThrows(IllegalArgumentException.class, () -> new PhaseTable(entries.subList(0, 3)));
    assertThrows(IllegalArgumentException.class,
        () -> new PhaseTable(List.of(entries.get(1), entries.get(0), entries.get(2), entries.get(3))));
  }
}

package dev.vigil.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vigil.scan.Severity;
import dev.vigil.trust.SettingsException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The monitor's state survives a JSON snapshot, replays deterministically, and its settings parse strictly. */
class AgentMonitorStateTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant INCIDENT = RecordedAgent.DAY_ONE.plus(Duration.ofDays(1)).plus(Duration.ofHours(12));

  @Test
  void aSnapshotTakenMidStreamContinuesExactlyAsTheLiveState() throws Exception {
    RecordedAgent agent = new RecordedAgent(99).workDays(0, 1).minutes(INCIDENT.minus(Duration.ofHours(3)), 180);
    int cut = agent.size() - 50;
    agent.mix(new String[] {"shell.exec", "http.post"}, new double[] {0.5, 0.5}).minutes(INCIDENT, 10);
    List<Observation> decisions = agent.decisions();

    AgentMonitor live = AgentMonitor.start("snap");
    for (int i = 0; i < cut; i++) {
      live = live.observe(decisions.get(i), SentinelSettings.DEFAULT).state();
    }
    assertTrue(live.baselineComplete());
    String snapshot = JSON.writeValueAsString(live);
    AgentMonitor restored = JSON.readValue(snapshot, AgentMonitor.class);
    assertEquals(live, restored);

    List<Alert> fromLive = new ArrayList<>();
    List<Alert> fromRestored = new ArrayList<>();
    for (int i = cut; i < decisions.size(); i++) {
      AgentMonitor.Step a = live.observe(decisions.get(i), SentinelSettings.DEFAULT);
      AgentMonitor.Step b = restored.observe(decisions.get(i), SentinelSettings.DEFAULT);
      fromLive.addAll(a.alerts());
      fromRestored.addAll(b.alerts());
      live = a.state();
      restored = b.state();
    }
    assertFalse(fromLive.isEmpty());
    assertEquals(fromLive, fromRestored);
    assertEquals(live, restored);
  }

  @Test
  void replayingTheSameDecisionsGivesTheSameAlertsAndState() {
    List<Observation> decisions = new RecordedAgent(5).workDays(0, 1).denials(0.4).minutes(INCIDENT, 60).decisions();
    assertEquals(RecordedAgent.replay("r", decisions, SentinelSettings.DEFAULT),
        RecordedAgent.replay("r", decisions, SentinelSettings.DEFAULT));
  }

  @Test
  void anAlertBecomesADemotionTriggerNamingItsEvidence() {
    Alert alert = new Alert("a", Metric.FAMILY_MIX, Method.NEW_FAMILY, 0, 1, 0, INCIDENT, Severity.HIGH,
        "first use of action family 'shell'");
    var trigger = alert.toDemotionTrigger();
    assertEquals("family-mix", trigger.metric());
    assertEquals("new-family", trigger.method());
    assertTrue(trigger.evidence().contains("high new-family alert on family-mix (first use of action family 'shell')"),
        trigger.evidence());
    assertTrue(SentinelSettings.DEFAULT.pausesInvestigations(alert));
  }

  @Test
  void emptyConfigurationIsTheDefault() {
    assertEquals(SentinelSettings.DEFAULT, SentinelSettings.fromConfig(Map.of(), "vigil.sentinel"));
  }

  @Test
  void configurationOverridesAndDurationsParse() {
    SentinelSettings settings = SentinelSettings.fromConfig(Map.of(
        "enabled", "false",
        "baseline-decisions", 500,
        "baseline-duration", "12h",
        "pause-investigations-at", "none",
        "rate", Map.of("bucket", "30s", "k", 5, "min-ratio", 3),
        "families", Map.of("divergence-threshold", 0.2)), "vigil.sentinel");
    assertFalse(settings.enabled());
    assertEquals(500, settings.baselineDecisions());
    assertEquals(Duration.ofHours(12), settings.baselineDuration());
    assertEquals(null, settings.pauseInvestigationsAt());
    assertEquals(Duration.ofSeconds(30), settings.rate().bucket());
    assertEquals(5.0, settings.rate().ewma().k());
    assertEquals(3.0, settings.rate().minRatio());
    assertEquals(0.2, settings.families().divergenceThreshold());
    assertEquals(SentinelSettings.DEFAULT.denials(), settings.denials());
  }

  @Test
  void everyConfigurationProblemIsReportedUnderItsFullKey() {
    SettingsException error = assertThrows(SettingsException.class, () -> SentinelSettings.fromConfig(Map.of(
        "baseline-decisions", 0,
        "baseline-duration", "a while",
        "rate", Map.of("bucket", "0ms", "alpha", 2),
        "denials", Map.of("blok", 10),
        "finding-severity", "dire"), "vigil.sentinel"));
    List<String> problems = error.problems();
    assertEquals(6, problems.size(), String.join("\n", problems));
    assertTrue(problems.contains("vigil.sentinel.baseline-decisions: must be at least 1, got 0"), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("vigil.sentinel.baseline-duration: must be a duration")));
    assertTrue(problems.contains("vigil.sentinel.rate.bucket: must be at least 1ms"), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("vigil.sentinel.rate.alpha: must be in")));
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("vigil.sentinel.denials.blok: unknown key")));
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("vigil.sentinel.finding-severity: must be one of")));
  }
}

package dev.vigil.sentinel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.policy.Effect;
import dev.vigil.scan.Severity;
import dev.vigil.sentinel.RecordedAgent.Raised;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Whole-agent behaviour, one recorded sequence per story: a normal agent over days raises nothing;
 * a looping agent, a hijacked agent and a denial spike each raise the alert that describes them,
 * soon after they start and not before.
 */
class RecordedSequencesTest {

  private static final SentinelSettings SETTINGS = SentinelSettings.DEFAULT;
  /** Day two, 12:00: after a full day of baseline and a normal morning. */
  private static final Instant INCIDENT = RecordedAgent.DAY_ONE.plus(Duration.ofDays(1)).plus(Duration.ofHours(12));

  static java.util.stream.LongStream normalSeeds() {
    return java.util.stream.LongStream.rangeClosed(1, 40);
  }

  @ParameterizedTest(name = "seed {0}")
  @org.junit.jupiter.params.provider.MethodSource("normalSeeds")
  void aNormalAgentOverFiveWorkingDaysRaisesNoAlert(long seed) {
    RecordedAgent agent = new RecordedAgent(seed).workDays(0, 5);
    assertTrue(agent.size() > 8_000, "a busy agent: " + agent.size() + " decisions");

    List<Raised> raised = RecordedAgent.replay("normal-" + seed, agent.decisions(), SETTINGS);

    assertEquals(List.of(), raised, "a normal agent must not raise alerts");
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {11, 12, 13, 14, 15})
  void aLoopingAgentFiresTheActionRateEwmaWithinItsFirstMinute(long seed) {
    RecordedAgent agent = new RecordedAgent(seed).workDays(0, 1).minutes(INCIDENT.minus(Duration.ofHours(3)), 180);
    int loopStart = agent.size();
    // the same action, 20 times the agent's usual rate, for ten minutes
    agent.rate(80).mix(new String[] {"db.query"}, new double[] {1}).minutes(INCIDENT, 10);

    List<Raised> raised = RecordedAgent.replay("looping-" + seed, agent.decisions(), SETTINGS);

    assertFalse(raised.isEmpty(), "the loop must be noticed");
    Raised first = raised.get(0);
    assertTrue(first.index() >= loopStart, "nothing before the loop, first alert " + first);
    assertEquals(Metric.ACTION_RATE, first.alert().metric());
    assertEquals(Method.EWMA, first.alert().method());
    assertEquals(Severity.HIGH, first.alert().severity());
    // limit = max(mean + 4 sigma, 5 x mean) with a mean of about 4 per minute: about the 21st decision of the loop
    int within = first.index() - loopStart + 1;
    assertTrue(within >= 10 && within <= 30, "fired at loop decision " + within);
    assertTrue(first.alert().expected() > 3 && first.alert().expected() < 5, "expected " + first.alert().expected());
    assertTrue(first.alert().observed() > first.alert().threshold());
    assertTrue(first.alert().at().isBefore(INCIDENT.plus(Duration.ofMinutes(1))), "within the loop's first minute");
    // the loop never uses a new family
    assertTrue(raised.stream().noneMatch(r -> r.alert().method() == Method.NEW_FAMILY));
    // one action-rate EWMA alert per cooldown, not one per decision
    assertEquals(1, raised.stream().filter(r -> r.alert().metric() == Metric.ACTION_RATE
        && r.alert().method() == Method.EWMA).count());
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {21, 22, 23, 24, 25})
  void aHijackedAgentFiresNewFamilyAtOnceAndDivergenceSoonAfter(long seed) {
    RecordedAgent agent = new RecordedAgent(seed).workDays(0, 1).minutes(INCIDENT.minus(Duration.ofHours(3)), 180);
    int hijackStart = agent.size();
    agent.mix(new String[] {"shell.exec", "http.post"}, new double[] {0.5, 0.5}).minutes(INCIDENT, 30);

    List<Raised> raised = RecordedAgent.replay("hijacked-" + seed, agent.decisions(), SETTINGS);

    assertFalse(raised.isEmpty());
    Raised first = raised.get(0);
    assertEquals(hijackStart, first.index(), "the very first hijacked decision alerts: " + first);
    assertEquals(Method.NEW_FAMILY, first.alert().method());
    assertEquals(Metric.FAMILY_MIX, first.alert().metric());
    String firstFamily = FamilyDistribution.familyOf(agent.decisions().get(hijackStart).action());
    assertTrue(first.alert().message().contains("'" + firstFamily + "'"), first.alert().message());

    List<Raised> newFamilies = raised.stream().filter(r -> r.alert().method() == Method.NEW_FAMILY).toList();
    assertEquals(2, newFamilies.size(), "shell and http, once each: " + newFamilies);

    Raised divergence = raised.stream().filter(r -> r.alert().method() == Method.DIVERGENCE).findFirst().orElseThrow();
    int after = divergence.index() - hijackStart + 1;
    // with alpha 0.02 the new families reach ~20% of the recent mix (JS ~0.1 bit) after about 11 decisions
    assertTrue(after >= 5 && after <= 20, "divergence at hijacked decision " + after);
    assertTrue(divergence.alert().observed() > 0.1);
    assertTrue(raised.stream().noneMatch(r -> r.index() < hijackStart));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {31, 32, 33, 34, 35})
  void aDenialSpikeFiresCusum(long seed) {
    RecordedAgent agent = new RecordedAgent(seed).workDays(0, 1).minutes(INCIDENT.minus(Duration.ofHours(3)), 180);
    int spikeStart = agent.size();
    agent.denials(0.35).minutes(INCIDENT, 60);

    List<Raised> raised = RecordedAgent.replay("denied-" + seed, agent.decisions(), SETTINGS);

    Raised cusum = raised.stream()
        .filter(r -> r.alert().metric() == Metric.DENIAL_RATE && r.alert().method() == Method.CUSUM)
        .findFirst().orElseThrow(() -> new AssertionError("no denial CUSUM alert in " + raised));
    assertTrue(raised.stream().noneMatch(r -> r.index() < spikeStart), "nothing before the spike: " + raised);
    // blocks of 50 decisions: z = (0.35 - 0.05) / 0.05 = 6 per block, so the second full block of the spike
    int after = cusum.index() - spikeStart + 1;
    assertTrue(after <= 150, "CUSUM after " + after + " spiked decisions");
    assertTrue(cusum.alert().observed() > cusum.alert().threshold());
    assertEquals(6.0, cusum.alert().threshold());
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {41, 42, 43, 44, 45, 46, 47, 48})
  void aModerateLastingDenialShiftIsCaughtByCusumBeforeEwma(long seed) {
    RecordedAgent agent = new RecordedAgent(seed).workDays(0, 1).minutes(INCIDENT.minus(Duration.ofHours(3)), 180);
    int shiftStart = agent.size();
    agent.denials(0.15).minutes(INCIDENT, 120);

    List<Raised> raised = RecordedAgent.replay("drifting-" + seed, agent.decisions(), SETTINGS);

    List<Raised> denial = raised.stream().filter(r -> r.alert().metric() == Metric.DENIAL_RATE).toList();
    assertFalse(denial.isEmpty(), "a tripled denial rate must be noticed");
    assertEquals(Method.CUSUM, denial.get(0).alert().method(), "CUSUM accumulates small shifts: " + denial);
    assertTrue(denial.get(0).index() >= shiftStart);
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {51, 52, 53})
  void aFindingsSpikeFiresTheFindingsRate(long seed) {
    RecordedAgent agent = new RecordedAgent(seed).workDays(0, 1).minutes(INCIDENT.minus(Duration.ofHours(3)), 180);
    int spikeStart = agent.size();
    agent.findings(0.5).minutes(INCIDENT, 30);

    List<Raised> raised = RecordedAgent.replay("leaky-" + seed, agent.decisions(), SETTINGS);

    Raised first = raised.get(0);
    assertEquals(Metric.FINDINGS_RATE, first.alert().metric());
    assertEquals(Severity.HIGH, first.alert().severity());
    assertTrue(first.index() >= spikeStart && first.index() < spikeStart + 100, "at " + (first.index() - spikeStart));
  }

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {61, 62})
  void nothingAlertsDuringTheBaselineWhateverTheAgentDoes(long seed) {
    RecordedAgent agent = new RecordedAgent(seed).rate(40).denials(0.5).findings(0.5)
        .mix(new String[] {"shell.exec", "http.post", "file.read"}, new double[] {0.2, 0.3, 0.5})
        .minutes(RecordedAgent.DAY_ONE.plus(Duration.ofHours(9)), 8 * 60);
    // a quiet start, then chaos: all inside the first day, so all baseline
    List<Observation> decisions = agent.decisions();
    assertTrue(decisions.get(decisions.size() - 1).at().isBefore(RecordedAgent.DAY_ONE.plus(Duration.ofDays(1))));

    assertEquals(List.of(), RecordedAgent.replay("learning-" + seed, decisions, SETTINGS));
  }

  @org.junit.jupiter.api.Test
  void theBaselineNeedsBothItsDecisionsAndItsDuration() {
    AgentMonitor monitor = AgentMonitor.start("a");
    Instant t = RecordedAgent.DAY_ONE;
    for (int i = 0; i < 500; i++) {
      monitor = monitor.observe(Observation.of("file.read", Effect.ALLOW, t.plusSeconds(i)), SETTINGS).state();
    }
    assertFalse(monitor.baselineComplete(), "500 decisions in 9 minutes are not a day");
    monitor = monitor.observe(Observation.of("file.read", Effect.ALLOW, t.plus(Duration.ofDays(1))), SETTINGS).state();
    assertTrue(monitor.baselineComplete());

    AgentMonitor slow = AgentMonitor.start("b");
    for (int i = 0; i < 199; i++) {
      slow = slow.observe(Observation.of("file.read", Effect.ALLOW, t.plus(Duration.ofHours(i))), SETTINGS).state();
    }
    assertFalse(slow.baselineComplete(), "199 decisions over 8 days are not 200");
    slow = slow.observe(Observation.of("file.read", Effect.ALLOW, t.plus(Duration.ofDays(30))), SETTINGS).state();
    assertTrue(slow.baselineComplete());
  }
}

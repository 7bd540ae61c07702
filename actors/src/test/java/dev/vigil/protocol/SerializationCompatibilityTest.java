package dev.vigil.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.NotSerializableException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.protocol.serialization.StableNameSerializer;

/**
 * Every message of the API round-trips through the configured serializer under its stable name, and events written by
 * earlier versions (checked-in fixtures) still read. Regenerate nothing: a fixture line, once written, is history.
 */
@ExtendWith(LogCapturingExtension.class)
class SerializationCompatibilityTest {

  static final ActorTestKit testKit = ActorTestKit.create("serialization");
  static final Serialization serialization = SerializationExtension.get(testKit.system());
  static final Path FIXTURE = Path.of("src/test/resources/serialization/events-0.1.0.jsonl");

  @AfterAll
  static void stop() {
    testKit.shutdownTestKit();
  }

  /** One sample of every catalogued message; adding a message to the catalog without a sample fails the test. */
  static Map<Class<?>, Object> samples() {
    TestProbe<StatusReply<AgentProtocol.AgentView>> probe = testKit.createTestProbe();
    Map<Class<?>, Object> samples = new LinkedHashMap<>();
    put(samples, new AgentProtocol.Register("Agent One", Map.of("team", "sre"), probe.ref()));
    put(samples, new AgentProtocol.Get(probe.ref()));
    put(samples, new AgentProtocol.AgentView("a-1", "Agent One", "shadow", Map.of("team", "sre"),
        Instant.parse("2026-11-22T00:00:00Z")));
    fixtureEvents().forEach(event -> put(samples, event));
    put(samples, new GatewayProtocol.KeyRevoked("key_0123456789abcdef"));
    TestProbe<Boolean> granted = testKit.createTestProbe();
    put(samples, new QuotaProtocol.TryConsume(1, 10, 60_000, 1_795_000_000_000L, granted.ref()));
    TestProbe<StatusReply<String>> receiptIds = testKit.createTestProbe();
    put(samples, new AgentProtocol.RecordReceipt("approval.opened", "{\"approvalId\":\"ap-1\"}", receiptIds.ref()));
    TestProbe<StatusReply<PolicyProtocol.DecisionView>> decisions = testKit.createTestProbe();
    PolicyProtocol.EvaluationInput input = new PolicyProtocol.EvaluationInput("a-1", "read-only", "db.query",
        "db/orders", Map.of("limit", 10, "table", "orders"), "agent", Map.of("team", "sre"), Map.of("env", "prod"),
        Instant.parse("2026-11-22T00:00:00Z"), "none", List.of());
    put(samples, input);
    put(samples, new AgentProtocol.Decide(input, true, decisions.ref(), "req-1"));
    PolicyProtocol.QuotaUse use = new PolicyProtocol.QuotaUse(1_795_000_000_000L, 1500);
    put(samples, use);
    PolicyProtocol.QuotaUsage usage = new PolicyProtocol.QuotaUsage(Map.of("p/r/rate|principal:a-1", List.of(use)));
    put(samples, usage);
    put(samples, new PolicyProtocol.Evaluate(input, usage, decisions.ref()));
    PolicyProtocol.QuotaConsumption consumption = new PolicyProtocol.QuotaConsumption("p/r/rate|principal:a-1", 1, 60_000);
    put(samples, consumption);
    PolicyProtocol.ApprovalRequirement approval = new PolicyProtocol.ApprovalRequirement(List.of("oncall"), 2, 3_600_000);
    put(samples, approval);
    put(samples, new PolicyProtocol.DecisionView("escalate", "needs a human", "big-payments", "payments", "1.4.0",
        "ab".repeat(32), "write", approval, List.of(consumption), Map.of("rule", "big-payments"), "agent:a-1:7"));
    investigationSamples(samples);
    trustSamples(samples);
    return samples;
  }

  /**
   * The journal events as the version that introduced each wrote them; line i of the fixture holds the bytes of entry
   * i. Append new event types at the end (run once with -Dvigil.writeFixture=true to append their lines); never change
   * an existing entry or line.
   */
  static List<Object> fixtureEvents() {
    return List.of(
        new AgentProtocol.Registered("a-1", "Agent One", "shadow", Map.of("team", "sre", "env", "prod"),
            Instant.parse("2026-11-22T00:00:00Z")),
        new AgentProtocol.DecisionRecorded("allow", List.of(new PolicyProtocol.QuotaConsumption("p/r/rate|principal:a-1", 1, 60_000)),
            "{\"chainId\":\"agent:a-1\",\"sequence\":1}", Instant.parse("2026-11-22T00:00:01Z")),
        // investigations (0.1.0)
        new InvestigationProtocol.Requested("inv-1", INVESTIGATION_REQUEST, T0),
        new InvestigationProtocol.Queued(3, T0),
        new InvestigationProtocol.Admitted(T0),
        new InvestigationProtocol.Provisioned("read-only", "agent-phase-read-only", List.of("llm", "database"),
            "read-only", T0),
        new InvestigationProtocol.LeaseGranted("database", "database/creds/agent-ro/abc", 3600, true, T0),
        new InvestigationProtocol.LeaseRenewed("database", "database/creds/agent-ro/abc", 3600, T0),
        new InvestigationProtocol.LeaseRevoked("database", "database/creds/agent-ro/abc", T0),
        new InvestigationProtocol.BootstrapTokenIssued("cd".repeat(32), T0),
        new InvestigationProtocol.JobLaunched("investigation-inv-1", false, T0.plusSeconds(900), T0),
        new InvestigationProtocol.JobStarted(T0),
        new InvestigationProtocol.TokenExchanged("ef".repeat(32), T0),
        new InvestigationProtocol.ActionDecided(1, "db.query", "db/orders", "allow", "allow", "reads",
            "{\"chainId\":\"investigation:inv-1\",\"sequence\":1}", T0),
        new InvestigationProtocol.ConclusionReached("succeeded", "the agent exited successfully", T0),
        new InvestigationProtocol.Concluded("succeeded", T0),
        new InvestigationProtocol.Enqueued("inv-1"),
        new InvestigationProtocol.SlotGranted("inv-1"),
        new InvestigationProtocol.SlotReleased("inv-1"),
        new AgentProtocol.ReceiptRecorded("{\"chainId\":\"agent:a-1\",\"sequence\":2,\"kind\":\"approval.opened\"}",
            Instant.parse("2026-11-22T00:00:02Z")),
        // graduated trust and behavioural monitoring (0.2.0)
        new AgentProtocol.Decided("db.query", "allow", List.of(new PolicyProtocol.QuotaConsumption("p/r/rate|principal:a-1", 1, 60_000)),
            "{\"chainId\":\"agent:a-1\",\"sequence\":3}", Boolean.TRUE, "high", List.of("secret"), T0),
        new AgentProtocol.PhaseChanged("shadow", "read-only", "promoted-by-operator", "ops", "promoted by ops: investigations 5 >= 5",
            "{\"chainId\":\"agent:a-1\",\"sequence\":4,\"kind\":\"phase-change\"}", T0),
        new AgentProtocol.AlertRaised("a-1:250:action-rate/ewma", "action-rate", "ewma", 4.0, 40.0, 20.0, "high",
            "40 decisions in one minute, expected 4.0", T0),
        new AgentProtocol.InvestigationEnded("inv-1", "succeeded", T0),
        new AgentProtocol.ViolationRecorded("no-prod-writes", "executed a denied action", T0),
        new QuotaProtocol.Counted(List.of(1_795_000_000_000L, 1_795_000_001_000L), List.of(1L, 2500L)),
        // investigations paused by a monitoring alert and resumed by an operator (0.3.0)
        new InvestigationProtocol.Paused("a-1:250:action-rate/ewma", "40 decisions in one minute",
            "{\"chainId\":\"investigation:inv-1\",\"sequence\":2,\"kind\":\"investigation.paused\"}", T0),
        new InvestigationProtocol.Resumed("ops", "looked at it",
            "{\"chainId\":\"investigation:inv-1\",\"sequence\":3,\"kind\":\"investigation.resumed\"}", T0),
        // an investigation's leases read with its own Vault token, revoked by its accessor (0.4.0)
        new InvestigationProtocol.ScopeOpened("aCcEsSoR0123456789abcdef", T0.plusSeconds(4500), T0),
        new InvestigationProtocol.ScopeClosed("aCcEsSoR0123456789abcdef", T0));
  }

  private static void trustSamples(Map<Class<?>, Object> samples) {
    TestProbe<StatusReply<AgentProtocol.TrustView>> trust = testKit.createTestProbe();
    TestProbe<StatusReply<org.apache.pekko.Done>> done = testKit.createTestProbe();
    put(samples, new AgentProtocol.InvestigationConcluded("inv-1", "succeeded", T0, done.ref()));
    put(samples, new AgentProtocol.ReportViolation("no-prod-writes", "executed a denied action", T0, done.ref()));
    put(samples, new AgentProtocol.Promote("ops", false, trust.ref()));
    put(samples, new AgentProtocol.Demote("ops", "shadow", "suspicious", trust.ref()));
    put(samples, new AgentProtocol.GetTrust(trust.ref()));
    dev.vigil.trust.Evidence evidence = new dev.vigil.trust.Evidence(dev.vigil.trust.TrustPhase.SHADOW, T0, 1, 0, 10, 1,
        10, 9, 0, 0, 0, null, T0, null);
    put(samples, new AgentProtocol.TrustView("a-1", "shadow", evidence, "read-only", false, false,
        List.of(new dev.vigil.trust.Progress.Criterion("investigations", "investigations", 5, 1, false,
            "4 more successful investigations")), "agent:a-1:4", T0));
    dev.vigil.sentinel.AgentMonitor monitor = dev.vigil.sentinel.AgentMonitor.start("a-1");
    for (int i = 0; i < 30; i++) {
      monitor = monitor.observe(dev.vigil.sentinel.Observation.of(i % 2 == 0 ? "db.query" : "file.read",
          dev.vigil.policy.Effect.ALLOW, T0.plusSeconds(i * 7L)), dev.vigil.sentinel.SentinelSettings.DEFAULT).state();
    }
    put(samples, new dev.vigil.actors.agent.AgentSnapshot(true, "a-1", "Agent One", Map.of("team", "sre"), T0, 3,
        "ab".repeat(32), Map.of("p/r/rate|principal:a-1", new dev.vigil.actors.agent.AgentSnapshot.Usage(60_000,
            List.of(new PolicyProtocol.QuotaUse(1_795_000_000_000L, 1)))), 10, 1, evidence, monitor, "agent:a-1:2",
        List.of("inv-1"), List.of(new AgentProtocol.AlertRaised("a-1:250:action-rate/ewma", "action-rate", "ewma", 4.0,
            40.0, 20.0, "high", "40 decisions in one minute, expected 4.0", T0))));
    TestProbe<StatusReply<ScannerProtocol.ScanView>> scans = testKit.createTestProbe();
    put(samples, new ScannerProtocol.Scan("my key is AKIA...", "tool-result", true, scans.ref()));
    ScannerProtocol.FindingView finding = new ScannerProtocol.FindingView("secret", "aws-access-key", "critical", 10,
        30, "AWS access key id", 0.99);
    put(samples, finding);
    put(samples, new ScannerProtocol.ScanView(List.of(finding), "critical", List.of("secret"),
        "my key is [REDACTED:aws-access-key]"));
  }

  static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");
  static final InvestigationProtocol.JobRequest INVESTIGATION_REQUEST = new InvestigationProtocol.JobRequest("a-1",
      "ghcr.io/acme/agent:1", List.of("python"), List.of("main.py"), Map.of("MODE", "triage"), 600,
      Map.of("cpuRequest", "500m"));

  private static void investigationSamples(Map<Class<?>, Object> samples) {
    TestProbe<StatusReply<InvestigationProtocol.InvestigationView>> views = testKit.createTestProbe();
    TestProbe<InvestigationProtocol.TokenReply> tokens = testKit.createTestProbe();
    TestProbe<InvestigationProtocol.CredentialReply> credentials = testKit.createTestProbe();
    TestProbe<InvestigationProtocol.ActionReply> actions = testKit.createTestProbe();
    TestProbe<InvestigationProtocol.QueueStanding> standings = testKit.createTestProbe();
    put(samples, INVESTIGATION_REQUEST);
    put(samples, new InvestigationProtocol.Start(INVESTIGATION_REQUEST, views.ref()));
    put(samples, new InvestigationProtocol.Get(views.ref()));
    put(samples, new InvestigationProtocol.Cancel("operator asked", views.ref()));
    put(samples, new InvestigationProtocol.ExchangeToken("vgb.inv-1.abc", tokens.ref()));
    put(samples, new InvestigationProtocol.GetCredential("vgi.inv-1.abc", "database", credentials.ref()));
    put(samples, new InvestigationProtocol.DecideAction("vgi.inv-1.abc", "db.query", "db/orders",
        Map.of("limit", 10), "select 1", "critical", List.of("secret"), actions.ref()));
    put(samples, new InvestigationProtocol.Pause("a-1:250:action-rate/ewma", "40 decisions in one minute",
        views.ref()));
    put(samples, new InvestigationProtocol.Resume("ops", "looked at it", views.ref()));
    put(samples, new InvestigationProtocol.JobObserved("investigation-inv-1", "failed", "DeadlineExceeded"));
    put(samples, new InvestigationProtocol.AdmissionGranted());
    put(samples, new InvestigationProtocol.QueuePositionChanged(2));
    put(samples, new InvestigationProtocol.TokenReply("granted", "vgi.inv-1.abc", ""));
    put(samples, new InvestigationProtocol.CredentialReply("granted", "database", "database/creds/agent-ro/abc", 3600,
        Map.of("username", "u", "password", "p"), ""));
    put(samples, new InvestigationProtocol.ActionReply("granted", "shadow", "allow", "shadow phase", "reads", "1.0.0",
        "{}", ""));
    InvestigationProtocol.LeaseView lease = new InvestigationProtocol.LeaseView("database",
        "database/creds/agent-ro/abc", 3600, true, T0, null);
    put(samples, lease);
    put(samples, new InvestigationProtocol.InvestigationView("inv-1", "a-1", "running", "read-only",
        "investigation-inv-1", "agent-phase-read-only", List.of("database"), List.of(lease), Map.of("requested", T0),
        2, null, null, T0.plusSeconds(900), "a-1:250:action-rate/ewma"));
    put(samples, new InvestigationProtocol.Admit("inv-1"));
    put(samples, new InvestigationProtocol.Release("inv-1"));
    put(samples, new InvestigationProtocol.Position("inv-1", standings.ref()));
    put(samples, new InvestigationProtocol.QueueStanding("inv-1", 4));
    put(samples, new InvestigationProtocol.AdmissionState(new java.util.LinkedHashSet<>(List.of("inv-1")),
        new java.util.LinkedHashSet<>(List.of("inv-2", "inv-3"))));
    dev.vigil.actors.investigation.InvestigationState.LeaseRecord record =
        new dev.vigil.actors.investigation.InvestigationState.LeaseRecord("database", "database/creds/agent-ro/abc",
            3600, true, T0, T0, null);
    put(samples, record);
    dev.vigil.actors.investigation.InvestigationState.ScopeRecord scope =
        new dev.vigil.actors.investigation.InvestigationState.ScopeRecord("aCcEsSoR0123456789abcdef",
            T0.plusSeconds(4500), T0, null);
    put(samples, scope);
    put(samples, new dev.vigil.actors.investigation.InvestigationState("inv-1", "running", INVESTIGATION_REQUEST,
        "read-only", "agent-phase-read-only", List.of("database"), "read-only", List.of(record), List.of("ab".repeat(32)),
        T0, "cd".repeat(32), "investigation-inv-1", T0.plusSeconds(900), Map.of("requested", T0), 0, 1, 1,
        "ef".repeat(32), null, null, "a-1:250:action-rate/ewma", "40 decisions in one minute",
        List.of("a-1:250:action-rate/ewma"), List.of(scope)));
  }

  private static void put(Map<Class<?>, Object> samples, Object sample) {
    samples.put(sample.getClass(), sample);
  }

  @Test
  void everyCataloguedMessageHasASampleAndRoundTripsUnderItsStableName() throws Exception {
    Map<Class<?>, Object> samples = samples();
    assertEquals(Set.copyOf(MessageCatalog.all().values()), samples.keySet(), "a sample per catalogued message");
    for (Object sample : samples.values()) {
      var serializer = serialization.findSerializerFor(sample);
      assertInstanceOf(StableNameSerializer.class, serializer, sample.getClass() + " bound to the stable-name serializer");
      String manifest = Serializers.manifestFor(serializer, sample);
      assertEquals(sample.getClass().getAnnotation(StableName.class).value(), manifest);
      assertFalse(manifest.contains("dev.vigil"), "no class name in the manifest");
      byte[] bytes = serialization.serialize(sample).get();
      Object back = serialization.deserialize(bytes, serializer.identifier(), manifest).get();
      assertEquals(sample, back, "round trip of " + manifest);
    }
  }

  @Test
  void eventsWrittenByVersion010StillRead() throws Exception {
    if (Boolean.getBoolean("vigil.writeFixture")) {
      appendMissingFixtureLines();
    }
    assertTrue(Files.exists(FIXTURE), "fixture " + FIXTURE + " is checked in");
    ObjectMapper json = new ObjectMapper();
    List<Object> read = new ArrayList<>();
    for (String line : Files.readAllLines(FIXTURE, StandardCharsets.UTF_8)) {
      JsonNode entry = json.readTree(line);
      byte[] payload = Base64.getDecoder().decode(entry.get("payload").asText());
      read.add(serialization.deserialize(payload, entry.get("serializerId").asInt(), entry.get("manifest").asText()).get());
    }
    assertEquals(fixtureEvents(), read);
    for (Class<?> type : MessageCatalog.all().values()) {
      if (JournalEvent.class.isAssignableFrom(type)) {
        assertTrue(read.stream().anyMatch(type::isInstance), "the fixture has a line for journal event " + type.getName());
      }
    }
  }

  @Test
  void unknownStableNamesAndUncataloguedClassesAreRefused() throws Exception {
    StableNameSerializer serializer = (StableNameSerializer) serialization.serializerFor(AgentProtocol.Registered.class);
    assertThrows(NotSerializableException.class, () -> serializer.fromBinary(new byte[] {1}, "agent.unknown.v9"));
    assertThrows(IllegalArgumentException.class, () -> serializer.manifest(new Uncatalogued("x")));
  }

  record Uncatalogued(String value) implements VigilSerializable {}

  private static void appendMissingFixtureLines() throws Exception {
    ObjectMapper json = new ObjectMapper();
    int existing = Files.exists(FIXTURE) ? Files.readAllLines(FIXTURE, StandardCharsets.UTF_8).size() : 0;
    StringBuilder out = new StringBuilder();
    for (Object event : fixtureEvents().subList(existing, fixtureEvents().size())) {
      var serializer = serialization.findSerializerFor(event);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("manifest", Serializers.manifestFor(serializer, event));
      entry.put("serializerId", serializer.identifier());
      entry.put("payload", Base64.getEncoder().encodeToString(serialization.serialize(event).get()));
      out.append(json.writeValueAsString(entry)).append('\n');
    }
    Files.writeString(FIXTURE, out.toString(), StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
  }
}

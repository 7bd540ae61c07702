package dev.vigil.actors.investigation;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LogCapturingExtension;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import dev.vigil.actors.lease.VaultSettings;
import dev.vigil.actors.projection.ProjectionOffsets;
import dev.vigil.actors.projection.ProjectionSettings;
import dev.vigil.actors.lease.internal.VaultDriverLeaseBroker;
import dev.vigil.k8s.JobTemplate;
import dev.vigil.k8s.jobs.internal.Fabric8JobRunner;
import dev.vigil.persistence.Database;
import dev.vigil.persistence.DatabaseSettings;
import dev.vigil.persistence.SchemaMigrator;
import dev.vigil.persistence.investigations.InvestigationReadModel;
import dev.vigil.persistence.investigations.InvestigationRow;
import dev.vigil.persistence.investigations.ReceiptRecords;
import dev.vigil.persistence.testing.PostgresTestDatabase;
import dev.vigil.policy.Decision;
import dev.vigil.policy.EvaluationRequest;
import dev.vigil.policy.InMemoryQuotaLedger;
import dev.vigil.policy.PolicyCompiler;
import dev.vigil.policy.PolicySet;
import dev.vigil.policy.Principal;
import dev.vigil.protocol.InvestigationProtocol;
import dev.vigil.protocol.PolicyProtocol;
import dev.vigil.receipt.ChainVerifier;
import dev.vigil.receipt.Receipt;
import dev.vigil.standins.vault.Fault;
import dev.vigil.standins.vault.LeaseView;
import dev.vigil.standins.vault.VaultStandIn;
import dev.vigil.standins.vault.VaultStandInSettings;
import dev.vigil.trust.TrustPhase;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;

/**
 * Investigation entities on one real cluster node with the journal in a real PostgreSQL database, the real Vault
 * driver against the Vault stand-in over HTTP (short TTLs, so renewal and max-TTL rotation happen within seconds),
 * and the real fabric8 client against its mock API server in CRUD mode; the test moves Jobs through their statuses
 * the way the Job controller would.
 */
@ExtendWith(LogCapturingExtension.class)
class InvestigationIT {

  static final String NAMESPACE = "vigil-agents";
  static final String POLICY = """
      schema: vigil/v1
      id: investigation-test
      version: 1.0.0
      default: deny
      action_kinds:
        read: ["db.query", "*.get"]
        write: ["db.exec", "file.write"]
      rules:
        - id: reads
          action: ["db.query", "*.get"]
          effect: allow
          reason: Reads are allowed.
        - id: writes
          action: ["db.exec"]
          effect: allow
          reason: Writes within the budget.
      """;

  static PostgresTestDatabase pg;
  static Database database;
  static VaultStandIn vault;
  static KubernetesMockServer kubernetes;
  static KubernetesClient client;
  static ActorTestKit testKit;
  static ExecutorService blocking;
  static ClusterSharding sharding;
  static final Map<String, String> phases = new HashMap<>();

  @BeforeAll
  static void start() throws Exception {
    pg = PostgresTestDatabase.create();
    DatabaseSettings dbSettings = DatabaseSettings.fromConfig(ConfigFactory.parseMap(Map.of(
        "vigil.database.url", pg.url(), "vigil.database.user", pg.user(), "vigil.database.password", pg.password()))
        .withFallback(ConfigFactory.load()));
    database = Database.open(dbSettings, "investigation-it");
    SchemaMigrator.migrate(database);
    // TTL 3s, max TTL 7s: renewals at max(0.5s, 3s - 1s) and a rotation once a renewal grants 1s or less
    vault = VaultStandIn.start(VaultStandInSettings.defaults(Duration.ofSeconds(3), Duration.ofSeconds(7)));
    kubernetes = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(),
        new io.fabric8.mockwebserver.MockWebServer(), new HashMap<>(),
        new io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher(), true);
    kubernetes.init(java.net.InetAddress.getByName("127.0.0.1"), 0);
    client = kubernetes.createClient();

    Config config = ConfigFactory.parseString("""
        pekko.actor.provider = cluster
        pekko.cluster.roles = [entities]
        pekko.remote.artery.canonical.hostname = 127.0.0.1
        pekko.remote.artery.canonical.port = 0
        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
        pekko.persistence.journal.plugin = jdbc-journal
        pekko.persistence.snapshot-store.plugin = jdbc-snapshot-store
        vigil.investigations.lease-min-renewal = 500ms
        vigil.investigations.lease-expiry-threshold = 1s
        vigil.investigations.retry-min-backoff = 100ms
        vigil.investigations.retry-max-backoff = 1s
        vigil.investigations.max-running = 50
        vigil.investigations.gateway-url = "http://127.0.0.1:1"
        vigil.vault.renew-increment = 3s
        jdbc-read-journal.refresh-interval = 200ms
        """).withFallback(dbSettings.pekkoJdbcConfig()).withFallback(ConfigFactory.load()).resolve();
    testKit = ActorTestKit.create("investigation-it", config);
    Cluster cluster = Cluster.get(testKit.system());
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    await().atMost(Duration.ofSeconds(20)).until(() -> cluster.selfMember().status().toString().equals("Up"));

    blocking = Executors.newFixedThreadPool(8);
    InvestigationSettings settings = InvestigationSettings.fromConfig(config);
    VaultSettings vaultSettings = VaultSettings.fromConfig(config).withAddress(vault.address(), vault.rootToken());
    Fabric8JobRunner jobs = new Fabric8JobRunner(client, NAMESPACE, blocking);
    PolicySet policy = PolicySet.of(PolicyCompiler.compile(POLICY));
    Decider decider = input -> CompletableFuture.completedFuture(decide(policy, input));
    AgentPhases agents = agentId -> {
      String phase = phases.get(agentId);
      return phase == null
          ? CompletableFuture.failedFuture(new AgentPhases.UnknownAgentException("agent '" + agentId + "' is not registered"))
          : CompletableFuture.completedFuture(phase);
    };
    var admission = AdmissionQueue.init(testKit.system(), settings.maxRunning());
    InvestigationServices services = new InvestigationServices(settings,
        new VaultDriverLeaseBroker(vaultSettings, blocking), jobs, JobTemplate.load(), agents, decider, null,
        Clock.systemUTC(), admission);
    Investigation.initSharding(testKit.system(), services);
    JobObservationRouter.start(testKit.system(), jobs);
    InvestigationProjection.init(testKit.system(), settings, database, ProjectionSettings.fromConfig(config));
    sharding = ClusterSharding.get(testKit.system());
    phases.put("agent-ro", "read-only");
    phases.put("agent-shadow", "shadow");
    phases.put("agent-lw", "limited-write");
  }

  @AfterAll
  static void stop() throws Exception {
    if (testKit != null) {
      testKit.shutdownTestKit();
    }
    if (blocking != null) {
      blocking.shutdownNow();
    }
    if (client != null) {
      client.close();
    }
    if (kubernetes != null) {
      kubernetes.destroy();
    }
    if (vault != null) {
      vault.close();
    }
    if (database != null) {
      database.close();
    }
    if (pg != null) {
      pg.close();
    }
  }

  static PolicyProtocol.DecisionView decide(PolicySet policy, PolicyProtocol.EvaluationInput input) {
    EvaluationRequest request = EvaluationRequest.builder(input.action()).resource(input.resource())
        .parameters(input.parameters()).principal(Principal.agent(input.agentId()))
        .phase(TrustPhase.parse(input.phase())).time(input.time()).build();
    Decision d = policy.evaluate(request, new InMemoryQuotaLedger());
    return new PolicyProtocol.DecisionView(d.effect().wireName(), d.reason(), d.ruleId(), d.policy().id(),
        d.policy().version(), d.policy().sha256(), d.actionKind().name().toLowerCase(), null, List.of(), Map.of(),
        null);
  }

  // ------------------------------------------------------------------ helpers

  static EntityRef<InvestigationProtocol.Command> entity(String id) {
    return sharding.entityRefFor(Investigation.TYPE_KEY, id);
  }

  static InvestigationProtocol.InvestigationView start(String id, String agentId, long deadlineSeconds) {
    TestProbe<StatusReply<InvestigationProtocol.InvestigationView>> probe = testKit.createTestProbe();
    entity(id).tell(new InvestigationProtocol.Start(new InvestigationProtocol.JobRequest(agentId,
        "ghcr.io/acme/agent:1", List.of("python"), List.of("main.py"), Map.of("MODE", "test"), deadlineSeconds,
        Map.of()), probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(10)).getValue();
  }

  static InvestigationProtocol.InvestigationView view(String id) {
    TestProbe<StatusReply<InvestigationProtocol.InvestigationView>> probe = testKit.createTestProbe();
    entity(id).tell(new InvestigationProtocol.Get(probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(10)).getValue();
  }

  static InvestigationProtocol.InvestigationView awaitState(String id, String state) {
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> view(id).state().equals(state));
    return view(id);
  }

  static Job job(String id) {
    return client.batch().v1().jobs().inNamespace(NAMESPACE).withName(JobTemplate.jobName(id)).get();
  }

  static String envOf(Job job, String name) {
    return job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
        .filter(e -> e.getName().equals(name)).findFirst().orElseThrow().getValue();
  }

  static void jobRunning(String id) {
    client.batch().v1().jobs().inNamespace(NAMESPACE).withName(JobTemplate.jobName(id))
        .editStatus(job -> { job.setStatus(new JobStatusBuilder().withActive(1).build()); return job; });
  }

  static void jobEnded(String id, String type, String reason) {
    client.batch().v1().jobs().inNamespace(NAMESPACE).withName(JobTemplate.jobName(id))
        .editStatus(job -> {
          job.setStatus(new JobStatusBuilder().withActive(0).withSucceeded("Complete".equals(type) ? 1 : 0)
              .withFailed("Failed".equals(type) ? 1 : 0)
              .withConditions(new JobConditionBuilder().withType(type).withStatus("True").withReason(reason).build())
              .build());
          return job;
        });
  }

  static String exchange(String id, String bootstrap) {
    TestProbe<InvestigationProtocol.TokenReply> probe = testKit.createTestProbe();
    entity(id).tell(new InvestigationProtocol.ExchangeToken(bootstrap, probe.ref()));
    InvestigationProtocol.TokenReply reply = probe.receiveMessage(Duration.ofSeconds(10));
    return reply.access().equals(InvestigationProtocol.GRANTED) ? reply.token() : reply.access();
  }

  static InvestigationProtocol.CredentialReply credential(String id, String token, String domain) {
    TestProbe<InvestigationProtocol.CredentialReply> probe = testKit.createTestProbe();
    entity(id).tell(new InvestigationProtocol.GetCredential(token, domain, probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  static InvestigationProtocol.ActionReply act(String id, String token, String action, String resource) {
    TestProbe<InvestigationProtocol.ActionReply> probe = testKit.createTestProbe();
    entity(id).tell(new InvestigationProtocol.DecideAction(token, action, resource, Map.of("limit", 5), null,
        null, null, probe.ref()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  /** The stable names of an investigation's journal events, in order. */
  static List<String> journalKinds(String id) throws Exception {
    try (java.sql.Connection c = java.sql.DriverManager.getConnection(pg.url(), pg.user(), pg.password());
        java.sql.PreparedStatement q = c.prepareStatement("SELECT event_ser_manifest FROM event_journal "
            + "WHERE persistence_id = ? ORDER BY sequence_number")) {
      q.setString(1, "Investigation|" + id);
      List<String> kinds = new ArrayList<>();
      try (java.sql.ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          kinds.add(rs.getString(1));
        }
      }
      return kinds;
    }
  }

  /** The Vault tokens the investigation's incarnations read leases with, oldest first. */
  static List<dev.vigil.standins.vault.internal.LeaseBook.TokenView> tokensOf(String id) {
    return vault.tokens().stream().filter(t -> t.displayName().equals("token-investigation-" + id)).toList();
  }

  static List<LeaseView> leasesOf(InvestigationProtocol.InvestigationView view) {
    List<String> ids = view.leases().stream().map(InvestigationProtocol.LeaseView::leaseId).toList();
    return vault.leases().stream().filter(l -> ids.contains(l.leaseId())).toList();
  }

  // ------------------------------------------------------------------ tests

  @Test
  void aReadOnlyRunGetsItsLeasesAndJobDecidesActionsInItsChainAndRevokesEverythingWhenTheJobSucceeds() {
    String id = "ro-run-1";
    start(id, "agent-ro", 600);
    InvestigationProtocol.InvestigationView launching = awaitState(id, "launching");
    assertEquals("read-only", launching.phase());
    assertEquals(List.of("llm", "network", "database"), launching.credentialDomains());
    assertEquals(3, launching.leases().size());
    assertTrue(leasesOf(launching).stream().allMatch(l -> l.state() == LeaseView.State.LIVE));

    Job job = job(id);
    assertNotNull(job, "the Job was created");
    assertEquals("vigil", job.getMetadata().getLabels().get(JobTemplate.LABEL_MANAGED_BY));
    assertEquals(id, job.getMetadata().getLabels().get(JobTemplate.LABEL_INVESTIGATION_ID));
    assertEquals("read-only", job.getMetadata().getLabels().get(JobTemplate.LABEL_TRUST_PHASE));
    assertEquals("agent-phase-read-only", job.getSpec().getTemplate().getSpec().getServiceAccountName());
    assertEquals(0, job.getSpec().getBackoffLimit());
    assertEquals(600L, job.getSpec().getActiveDeadlineSeconds());
    assertEquals(id, envOf(job, JobTemplate.ENV_INVESTIGATION_ID));
    String bootstrap = envOf(job, JobTemplate.ENV_BOOTSTRAP_TOKEN);
    assertFalse(job.toString().contains("password"), "no secret in the Job spec");

    String token = exchange(id, bootstrap);
    assertTrue(token.startsWith("vgi." + id + "."), token);
    assertEquals(InvestigationProtocol.UNAUTHORIZED, exchange(id, bootstrap), "the bootstrap token is single-use");

    InvestigationProtocol.CredentialReply db = credential(id, token, "database");
    assertEquals(InvestigationProtocol.GRANTED, db.access());
    assertTrue(vault.checkCredential(db.secret()), "the handed-out credential works");
    assertEquals(InvestigationProtocol.FORBIDDEN, credential(id, token, "application").access(),
        "read-only has no application credentials");
    assertEquals(InvestigationProtocol.UNAUTHORIZED, credential(id, "vgi." + id + ".forged", "database").access());

    jobRunning(id);
    awaitState(id, "running");

    InvestigationProtocol.ActionReply read = act(id, token, "db.query", "db/orders");
    assertEquals("allow", read.effect());
    assertEquals("reads", read.ruleId());
    InvestigationProtocol.ActionReply write = act(id, token, "db.exec", "db/orders");
    assertEquals("deny", write.effect(), "read-only allows reads only");
    assertEquals("allow", write.policyEffect());
    assertEquals("phase:read-only", write.ruleId());
    List<Receipt> receipts = new ArrayList<>();
    for (InvestigationProtocol.ActionReply reply : List.of(read, write)) {
      receipts.add(ReceiptJson.read(reply.receiptJson()));
    }
    assertTrue(ChainVerifier.verify("investigation:" + id, receipts).firstProblem().isEmpty(),
        "every receipt of the investigation verifies");
    assertEquals(2, view(id).decisions());

    jobEnded(id, "Complete", null);
    InvestigationProtocol.InvestigationView ended = awaitState(id, "succeeded");
    assertEquals("succeeded", ended.outcome());
    assertTrue(ended.leases().stream().allMatch(l -> l.revokedAt() != null), "every lease has a LeaseRevoked");
    assertTrue(leasesOf(ended).stream().allMatch(l -> l.state() == LeaseView.State.REVOKED),
        "Vault confirms every lease revoked");
    assertFalse(vault.checkCredential(db.secret()), "the credential no longer works");
    assertTrue(!tokensOf(id).isEmpty() && tokensOf(id).stream().allMatch(t -> t.state() == LeaseView.State.REVOKED),
        "the investigation's Vault token is revoked too: " + tokensOf(id));
    assertEquals(InvestigationProtocol.GONE, credential(id, token, "database").access());
    assertEquals(InvestigationProtocol.GONE, act(id, token, "db.query", "db/orders").access());
  }

  @Test
  void theEntityEnforcesItsOwnDeadlineDeletesTheJobAndRevokesTheLeases() {
    String id = "deadline-1";
    start(id, "agent-ro", 2);
    awaitState(id, "launching");
    jobRunning(id);
    InvestigationProtocol.InvestigationView ended = awaitState(id, "timed-out");
    assertEquals("the investigation's deadline passed", ended.reason());
    await().atMost(Duration.ofSeconds(10)).until(() -> job(id) == null);
    assertTrue(leasesOf(ended).stream().allMatch(l -> l.state() == LeaseView.State.REVOKED));
  }

  @Test
  void kubernetesEndingsAreRecordedWithTheirReason() {
    start("k8s-deadline", "agent-ro", 600);
    start("k8s-gone", "agent-ro", 600);
    awaitState("k8s-deadline", "launching");
    awaitState("k8s-gone", "launching");
    jobEnded("k8s-deadline", "Failed", "DeadlineExceeded");
    client.batch().v1().jobs().inNamespace(NAMESPACE).withName(JobTemplate.jobName("k8s-gone")).delete();
    assertEquals("Kubernetes ended the Job: DeadlineExceeded", awaitState("k8s-deadline", "timed-out").reason());
    assertEquals("Job deleted", awaitState("k8s-gone", "failed").reason());
  }

  @Test
  void shadowActionsAreRecordedButNeverToBeExecutedAndCancelRevokes() {
    String id = "shadow-1";
    start(id, "agent-shadow", 600);
    InvestigationProtocol.InvestigationView launching = awaitState(id, "launching");
    assertEquals(List.of("llm"), launching.credentialDomains());
    String token = exchange(id, envOf(job(id), JobTemplate.ENV_BOOTSTRAP_TOKEN));
    InvestigationProtocol.ActionReply reply = act(id, token, "db.query", "db/orders");
    assertEquals("shadow", reply.effect());
    assertEquals("allow", reply.policyEffect());
    assertEquals(InvestigationProtocol.FORBIDDEN, credential(id, token, "database").access());

    TestProbe<StatusReply<InvestigationProtocol.InvestigationView>> probe = testKit.createTestProbe();
    entity(id).tell(new InvestigationProtocol.Cancel("operator stop", probe.ref()));
    assertTrue(probe.receiveMessage(Duration.ofSeconds(10)).isSuccess());
    InvestigationProtocol.InvestigationView ended = awaitState(id, "cancelled");
    assertTrue(leasesOf(ended).stream().allMatch(l -> l.state() == LeaseView.State.REVOKED));
    await().atMost(Duration.ofSeconds(10)).until(() -> job(id) == null);
  }

  @Test
  void anUnknownAgentIsRejected() {
    start("unknown-1", "nobody", 600);
    assertEquals("agent 'nobody' is not registered", awaitState("unknown-1", "rejected").reason());
    // the token asked for at admission, while the phase was looked up, had nothing read with it and is revoked
    await().atMost(Duration.ofSeconds(5)).until(() ->
        tokensOf("unknown-1").stream().allMatch(t -> t.state() == LeaseView.State.REVOKED));
  }

  @Test
  void leasesAreRenewedAndRotatedBeforeTheirMaxTtlWhileTheJobRuns() {
    String id = "renew-1";
    start(id, "agent-lw", 600);
    awaitState(id, "launching");
    String token = exchange(id, envOf(job(id), JobTemplate.ENV_BOOTSTRAP_TOKEN));
    String first = credential(id, token, "database").leaseId();
    // max TTL 7s: renewals at ~2s and ~4s, then Vault caps the TTL and the entity rotates
    await().atMost(Duration.ofSeconds(15)).until(() -> {
      InvestigationProtocol.CredentialReply now = credential(id, token, "database");
      return now.access().equals(InvestigationProtocol.GRANTED) && !now.leaseId().equals(first);
    });
    LeaseView old = vault.leases().stream().filter(l -> l.leaseId().equals(first)).findFirst().orElseThrow();
    assertTrue(old.renewals() >= 1, "renewed before rotating: " + old);
    await().atMost(Duration.ofSeconds(5)).until(() -> vault.leases().stream()
        .filter(l -> l.leaseId().equals(first)).findFirst().orElseThrow().state() == LeaseView.State.REVOKED);
    InvestigationProtocol.CredentialReply current = credential(id, token, "database");
    assertTrue(vault.checkCredential(current.secret()), "the rotated credential works");
    assertEquals(0, old.usesAfterEnd());
    jobEnded(id, "Complete", null);
    InvestigationProtocol.InvestigationView ended = awaitState(id, "succeeded");
    assertTrue(leasesOf(ended).stream().allMatch(l -> l.state() == LeaseView.State.REVOKED));
  }

  @Test
  void aCredentialRequestWaitsForTheLeaseReissuedAfterTheEntityMoved() throws Exception {
    String id = "moved-1";
    start(id, "agent-ro", 600);
    awaitState(id, "launching");
    String token = exchange(id, envOf(job(id), JobTemplate.ENV_BOOTSTRAP_TOKEN));
    String before = credential(id, token, "database").leaseId();
    // the entity stops as in a hand-off; its next incarnation has no secret in memory and must issue new leases,
    // which a slow Vault makes take a while: the agent's request waits for them instead of failing
    vault.setFault(Fault.slow(Duration.ofMillis(1500)));
    try {
      testKit.system().classicSystem().actorSelection("/system/sharding/Investigation/*/" + id)
          .tell(org.apache.pekko.actor.PoisonPill.getInstance(), org.apache.pekko.actor.ActorRef.noSender());
      await().atMost(Duration.ofSeconds(5)).until(() -> testKit.system().classicSystem()
          .actorSelection("/system/sharding/Investigation/*/" + id).resolveOne(Duration.ofMillis(200))
          .toCompletableFuture().handle((ref, failure) -> failure != null).get());
      long started = System.nanoTime();
      InvestigationProtocol.CredentialReply after = credential(id, token, "database");
      assertEquals(InvestigationProtocol.GRANTED, after.access(), after.message());
      assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 1000,
          "answered once the new lease was issued, not from memory");
      assertFalse(after.leaseId().equals(before), "a new lease replaces the one whose secret was lost");
    } finally {
      vault.setFault(Fault.none());
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> vault.leases().stream()
        .filter(l -> l.leaseId().equals(before)).findFirst().orElseThrow().state() == LeaseView.State.REVOKED);
    TestProbe<StatusReply<InvestigationProtocol.InvestigationView>> probe = testKit.createTestProbe();
    entity(id).tell(new InvestigationProtocol.Cancel(null, probe.ref()));
    awaitState(id, "cancelled");
  }

  @Test
  void aLeaseVaultIssuedButTheJournalNeverRecordedIsRevokedByTheRecoveredEntity() throws Exception {
    String id = "orphan-1";
    start(id, "agent-ro", 600);
    awaitState(id, "launching");
    List<dev.vigil.standins.vault.internal.LeaseBook.TokenView> tokens = tokensOf(id);
    assertEquals(1, tokens.size(), "one Vault token per incarnation: " + tokens);
    List<String> kinds = journalKinds(id);
    assertEquals(kinds.indexOf("investigation.provisioned.v1") + 1, kinds.indexOf("investigation.scope-opened.v1"),
        "the token asked for at admission is recorded with the phase: " + kinds);
    // the incarnation dies right after Vault answered a read it never recorded (the crash window of every grant)
    String orphan = vault.issueUnder(tokens.get(0).accessor(), "database", "agent-ro").orElseThrow();
    testKit.system().classicSystem().actorSelection("/system/sharding/Investigation/*/" + id)
        .tell(org.apache.pekko.actor.PoisonPill.getInstance(), org.apache.pekko.actor.ActorRef.noSender());
    await().atMost(Duration.ofSeconds(5)).until(() -> testKit.system().classicSystem()
        .actorSelection("/system/sharding/Investigation/*/" + id).resolveOne(Duration.ofMillis(200))
        .toCompletableFuture().handle((ref, failure) -> failure != null).get());
    assertEquals("launching", view(id).state()); // recovers it
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> vault.leases().stream()
        .filter(l -> l.leaseId().equals(orphan)).findFirst().orElseThrow().state() == LeaseView.State.REVOKED);
    assertEquals(2, tokensOf(id).size(), "the recovered incarnation reads with a token of its own");
    assertEquals(LeaseView.State.REVOKED, tokensOf(id).get(0).state(), "the lost incarnation's token is revoked");
    // one live lease per domain, from the new token; the lost incarnation's are revoked
    await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() ->
        view(id).leases().stream().filter(l -> l.revokedAt() == null).count() == 3
            && view(id).leases().size() == 6);

    TestProbe<StatusReply<InvestigationProtocol.InvestigationView>> probe = testKit.createTestProbe();
    entity(id).tell(new InvestigationProtocol.Cancel(null, probe.ref()));
    awaitState(id, "cancelled");
    assertTrue(tokensOf(id).stream().allMatch(t -> t.state() == LeaseView.State.REVOKED), tokensOf(id).toString());
    assertTrue(leasesOf(view(id)).stream().allMatch(l -> l.state() == LeaseView.State.REVOKED));
  }

  @Test
  void aVaultOutageDelaysProvisioningWithoutCrashingTheEntity() {
    String id = "outage-1";
    vault.setFault(Fault.fail(503));
    try {
      start(id, "agent-ro", 600);
      await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
          .until(() -> view(id).state().equals("provisioning"));
      assertTrue(view(id).leases().isEmpty());
    } finally {
      vault.setFault(Fault.none());
    }
    InvestigationProtocol.InvestigationView launching = awaitState(id, "launching");
    assertEquals(3, launching.leases().size());
    TestProbe<StatusReply<InvestigationProtocol.InvestigationView>> probe = testKit.createTestProbe();
    entity(id).tell(new InvestigationProtocol.Cancel(null, probe.ref()));
    awaitState(id, "cancelled");
    await().atMost(Duration.ofSeconds(10)).until(() ->
        leasesOf(view(id)).stream().allMatch(l -> l.state() == LeaseView.State.REVOKED));
  }

  @Test
  void theProjectionListsInvestigationsAndCopiesEveryReceiptExactlyOnce() throws Exception {
    String id = "projected-1";
    start(id, "agent-ro", 600);
    awaitState(id, "launching");
    String token = exchange(id, envOf(job(id), JobTemplate.ENV_BOOTSTRAP_TOKEN));
    act(id, token, "db.query", "db/orders");
    act(id, token, "db.exec", "db/orders");
    act(id, token, "file.get", "reports/a");
    jobEnded(id, "Complete", null);
    awaitState(id, "succeeded");

    InvestigationReadModel readModel = new InvestigationReadModel(database);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> readModel
        .list(java.util.Optional.of("succeeded"), java.util.Optional.of("agent-ro"), 100).toCompletableFuture().get()
        .stream().anyMatch(r -> r.investigationId().equals(id)));
    InvestigationRow row = readModel.list(java.util.Optional.empty(), java.util.Optional.of("agent-ro"), 100)
        .toCompletableFuture().get().stream().filter(r -> r.investigationId().equals(id)).findFirst().orElseThrow();
    assertEquals("read-only", row.phase());
    assertEquals(JobTemplate.jobName(id), row.jobName());
    assertEquals(3, row.decisions());
    assertEquals("succeeded", row.outcome());
    assertNotNull(row.launchedAt());
    assertNotNull(row.endedAt());
    assertTrue(readModel.list(java.util.Optional.of("running"), java.util.Optional.empty(), 100)
        .toCompletableFuture().get().stream().noneMatch(r -> r.investigationId().equals(id)));

    List<ReceiptRecords.ReceiptRow> rows = new ReceiptRecords(database).chain("investigation:" + id)
        .toCompletableFuture().get();
    assertEquals(List.of(1L, 2L, 3L), rows.stream().map(ReceiptRecords.ReceiptRow::sequence).toList(),
        "each receipt copied once, in order");
    List<Receipt> stored = rows.stream().map(r -> ReceiptJson.read(r.bodyJson())).toList();
    assertTrue(ChainVerifier.verify("investigation:" + id, stored).firstProblem().isEmpty(),
        "the copied chain verifies");
    assertEquals(rows.get(1).hash(), rows.get(2).prevHash());

    // the stored offsets reach the journal's last tagged event of every tag: nothing left behind, nothing twice
    ProjectionOffsets offsets = new ProjectionOffsets(database);
    await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(() -> {
      java.util.Map<String, Long> stored0 = offsets.all(InvestigationProjection.NAME).toCompletableFuture().get();
      java.util.Map<String, Long> journal = database.runBlocking(c -> {
        java.util.Map<String, Long> max = new java.util.TreeMap<>();
        try (var q = c.createStatement();
             var rs = q.executeQuery("SELECT tag, MAX(event_id) FROM event_tag GROUP BY tag")) {
          while (rs.next()) {
            if (rs.getString(1).startsWith(Investigation.TAG_PREFIX)) {
              max.put(rs.getString(1), rs.getLong(2));
            }
          }
        }
        return max;
      });
      return stored0.equals(journal);
    });
  }
}

package dev.vigil.cluster;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.Leave;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.typesafe.config.Config;

import dev.vigil.actors.agent.AgentEntity;
import dev.vigil.actors.agent.AgentProjection;
import dev.vigil.persistence.investigations.InvestigationReadModel;
import dev.vigil.actors.agent.AgentSettings;
import dev.vigil.actors.projection.ProjectionSettings;
import dev.vigil.actors.scanner.ScannerClient;
import dev.vigil.actors.scanner.ScannerPool;
import dev.vigil.actors.scanner.ScannerSettings;
import dev.vigil.cluster.gateway.AlertRoutes;
import dev.vigil.cluster.gateway.ScanRoutes;
import dev.vigil.cluster.gateway.TrustRoutes;
import dev.vigil.persistence.agents.AgentReadModel;
import dev.vigil.scan.ContentScanner;
import dev.vigil.actors.agent.ReceiptReader;
import dev.vigil.actors.policy.PolicyClient;
import dev.vigil.actors.policy.PolicyPool;
import dev.vigil.actors.policy.QuotaCounter;
import dev.vigil.actors.policy.PolicyRegistry;
import dev.vigil.actors.policy.ShadowRecorder;
import dev.vigil.cluster.approvals.ApprovalService;
import dev.vigil.cluster.gateway.ApprovalRoutes;
import dev.vigil.cluster.gateway.EvaluateRoutes;
import dev.vigil.persistence.approvals.ApprovalStore;
import dev.vigil.cluster.gateway.PolicyRoutes;
import dev.vigil.cluster.gateway.ReceiptRoutes;
import dev.vigil.persistence.policies.PolicyStore;
import dev.vigil.cluster.gateway.AgentRoutes;
import dev.vigil.cluster.gateway.ApiRouter;
import dev.vigil.cluster.gateway.Authenticator;
import dev.vigil.cluster.gateway.Endpoint;
import dev.vigil.cluster.gateway.EntityAsk;
import dev.vigil.cluster.gateway.GatewayMetrics;
import dev.vigil.cluster.gateway.KeyRoutes;
import dev.vigil.cluster.gateway.SystemRoutes;
import dev.vigil.cluster.gateway.InvestigationRoutes;
import dev.vigil.cluster.dev.InvestigationWiring;
import dev.vigil.persistence.Database;
import dev.vigil.persistence.DatabaseSettings;
import dev.vigil.persistence.SchemaMigrator;
import dev.vigil.persistence.keys.ApiKeyStore;

/**
 * One running Vigil node. Start-up order: database (migrated), actor system, drain hooks, Pekko Management, cluster
 * formation (self-join, Cluster Bootstrap or seed nodes), sharding, and last the HTTP gateway, so readiness only turns
 * true once everything answers.
 *
 * <p>Drain (SIGTERM, management leave, or {@link #leave()}) runs CoordinatedShutdown: readiness turns false and the
 * node waits {@code vigil.drain.readiness-grace} for load balancers to notice, then the HTTP port closes and in-flight
 * requests get {@code vigil.drain.request-deadline} to finish, then shards hand off, the node leaves the cluster, the
 * database pool closes and (in a deployed process) the JVM exits 0.
 */
public final class VigilNode {

  private static final Logger log = LoggerFactory.getLogger(VigilNode.class);

  private final ActorSystem<Void> system;
  private final NodeSettings settings;
  private final Database database;
  private final URI managementUri;
  private final InetSocketAddress httpAddress;
  private final ApiRouter router;
  private final PolicyRegistry policyRegistry;
  private final PolicyClient policyClient;

  private VigilNode(ActorSystem<Void> system, NodeSettings settings, Database database, URI managementUri,
      InetSocketAddress httpAddress, ApiRouter router, PolicyRegistry policyRegistry,
      PolicyClient policyClient) {
    this.system = system;
    this.settings = settings;
    this.database = database;
    this.managementUri = managementUri;
    this.httpAddress = httpAddress;
    this.router = router;
    this.policyRegistry = policyRegistry;
    this.policyClient = policyClient;
  }

  /** This node's view of the active policies. */
  public PolicyRegistry policyRegistry() {
    return policyRegistry;
  }

  /** How this node's entities reach the policy pool (and how many evaluations ran where). */
  public PolicyClient policyClient() {
    return policyClient;
  }

  public static VigilNode start(Config config) throws Exception {
    long started = System.nanoTime();
    NodeSettings settings = NodeSettings.fromConfig(config);
    DatabaseSettings databaseSettings = DatabaseSettings.fromConfig(config);
    Database database = Database.open(databaseSettings, "vigil");
    try {
      if (databaseSettings.migrateOnStart()) {
        migrateWithRetry(database, Duration.ofSeconds(60));
      }
      ApiKeyStore keys = new ApiKeyStore(database, Clock.systemUTC());
      String bootstrapKey = bootstrapAdminKey(settings, keys);
      if (!bootstrapKey.isEmpty()) {
        keys.ensureBootstrapAdmin(bootstrapKey);
      } else {
        log.warn("No VIGIL_BOOTSTRAP_ADMIN_KEY: no admin key is configured; existing keys still work");
      }

      ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "vigil", config);
      NodeResources resources = NodeResources.get(system);
      resources.attach(database);
      registerDrainTasks(system, settings, resources, database);

      URI management = URI.create(PekkoManagement.get(system).start().toCompletableFuture().get(30, TimeUnit.SECONDS).toString());
      Cluster cluster = Cluster.get(system);
      switch (settings.join()) {
        case "self" -> cluster.manager().tell(Join.create(cluster.selfMember().address()));
        case "bootstrap" -> ClusterBootstrap.get(system).start();
        default -> log.info("Joining through pekko.cluster.seed-nodes");
      }

      PolicyStore policies = new PolicyStore(database, Clock.systemUTC());
      PolicyRegistry policyRegistry = PolicyRegistry.start(system, policies,
          config.getDuration("vigil.policy.refresh-interval"));
      PolicyPool localPolicy = null;
      if (settings.hasRole("policy")) {
        ShadowRecorder shadowRecorder = new ShadowRecorder(system, policies,
            config.getDuration("vigil.policy.shadow-flush-interval"));
        PolicyPool pool = PolicyPool.start(system, policyRegistry, shadowRecorder,
            config.getInt("vigil.policy.workers-per-node"));
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(),
            "vigil-policy-workers-deregister", () -> pool.deregister(Duration.ofSeconds(5)));
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
            "vigil-shadow-flush", () -> {
              shadowRecorder.stop();
              return CompletableFuture.completedFuture(Done.getInstance());
            });
        localPolicy = config.getBoolean("vigil.policy.evaluate-in-caller") ? pool : null;
      }
      PolicyClient policyClient = new PolicyClient(system, config.getDuration("vigil.policy.attempt-timeout"),
          config.getDuration("vigil.policy.decision-deadline"), localPolicy);
      QuotaCounter.initSharding(system, config.getInt("vigil.agents.number-of-shards"));
      AgentSettings agentSettings = AgentSettings.fromConfig(config);
      AgentEntity.initSharding(system, config.getInt("vigil.agents.number-of-shards"), Clock.systemUTC(),
          policyClient::evaluate, agentSettings,
          new dev.vigil.cluster.dev.AlertPauser(system, new InvestigationReadModel(database)));
      AgentProjection.init(system, database, ProjectionSettings.fromConfig(config), agentSettings);
      ScannerSettings scannerSettings = ScannerSettings.fromConfig(config);
      if (scannerSettings.enabled() && settings.hasRole(ScannerPool.ROLE)) {
        ScannerPool scanners = ScannerPool.start(system, ContentScanner.withDefaults(), scannerSettings);
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(),
            "vigil-scanner-workers-deregister", () -> scanners.deregister(Duration.ofSeconds(5)));
      }
      ScannerClient scannerClient = new ScannerClient(system, scannerSettings);
      InvestigationWiring investigations = InvestigationWiring.start(system, config, settings.profile(),
          settings.dataDir(), database, settings.hasRole("entities"), settings.askTimeout());

      InetSocketAddress http = null;
      ApiRouter router = null;
      if (settings.hasRole("gateway")) {
        Authenticator authenticator = new Authenticator(system, keys, settings.keyCacheTtl());
        List<Endpoint> endpoints = new ArrayList<>();
        endpoints.addAll(new SystemRoutes(BuildInfo.version(), settings.profile(),
            cluster.selfMember().address().toString(), settings.roles()).endpoints());
        endpoints.addAll(new KeyRoutes(keys, authenticator).endpoints());
        EntityAsk entityAsk = new EntityAsk(settings.entityAttemptTimeout(), settings.askTimeout());
        endpoints.addAll(new AgentRoutes(system, entityAsk, new AgentReadModel(database)).endpoints());
        endpoints.addAll(new TrustRoutes(system, settings.askTimeout()).endpoints());
        endpoints.addAll(new ScanRoutes(scannerClient).endpoints());
        endpoints.addAll(new AlertRoutes(new AgentReadModel(database)).endpoints());
        endpoints.addAll(new PolicyRoutes(policies, policyRegistry).endpoints());
        ApprovalService approvals = new ApprovalService(system, new ApprovalStore(database), settings.askTimeout(),
            config.getDuration("vigil.approvals.sweep-interval"), Clock.systemUTC());
        endpoints.addAll(new EvaluateRoutes(system, settings.askTimeout(), settings.entityAttemptTimeout(),
            Clock.systemUTC(), approvals, scannerClient).endpoints());
        endpoints.addAll(new ApprovalRoutes(approvals).endpoints());
        endpoints.addAll(new ReceiptRoutes(new ReceiptReader(system)).endpoints());
        endpoints.addAll(new InvestigationRoutes(system, entityAsk, settings.askTimeout(), investigations.settings(),
            investigations.admission(), investigations.readModel(), scannerClient).endpoints());
        endpoints.addAll(new dev.vigil.cluster.gateway.ViolationRoutes(system, settings.askTimeout(), Clock.systemUTC())
            .endpoints());
        router = new ApiRouter(system, endpoints, authenticator, settings.maxBodyBytes(), new GatewayMetrics());
        ServerBinding binding = Http.get(system).newServerAt(settings.httpHost(), settings.httpPort())
            .bind(router.route()).toCompletableFuture().get(30, TimeUnit.SECONDS);
        binding.addToCoordinatedShutdown(settings.requestDeadline(), system);
        http = binding.localAddress();
        resources.gatewayBound();
      }
      log.info("Vigil node started in {} ms: profile {}, roles {}, API {}, management {}",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), settings.profile(), settings.roles(),
          http == null ? "(no gateway role)" : "http://" + http.getHostString() + ":" + http.getPort(), management);
      return new VigilNode(system, settings, database, management, http, router, policyRegistry,
          policyClient);
    } catch (Exception | Error e) {
      database.close();
      throw e;
    }
  }

  private static void registerDrainTasks(ActorSystem<Void> system, NodeSettings settings, NodeResources resources,
      Database database) {
    CoordinatedShutdown shutdown = CoordinatedShutdown.get(system);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "vigil-drain-readiness", () -> {
      resources.startDraining();
      log.info("Draining: readiness is now false; HTTP closes in {}", settings.readinessGrace());
      if (settings.readinessGrace().isZero()) {
        return CompletableFuture.completedFuture(Done.getInstance());
      }
      return Patterns.after(settings.readinessGrace(), system.classicSystem().scheduler(),
          system.executionContext(), () -> CompletableFuture.completedFuture(Done.getInstance()));
    });
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "vigil-close-database", () -> {
      database.close();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }

  private static void migrateWithRetry(Database database, Duration patience) throws SQLException {
    long deadline = System.nanoTime() + patience.toNanos();
    long backoffMillis = 250;
    while (true) {
      try {
        SchemaMigrator.migrate(database);
        return;
      } catch (SQLException e) {
        if (!Database.isUnavailable(e) || System.nanoTime() > deadline) {
          throw e;
        }
        log.warn("Database not reachable yet ({}); retrying in {} ms", e.getMessage(), backoffMillis);
        try {
          Thread.sleep(backoffMillis); // start-up on the main thread, before any actor exists
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
        backoffMillis = Math.min(backoffMillis * 2, 5_000);
      }
    }
  }

  /**
   * The configured key, or in the dev profile one kept in {@code <data-dir>/bootstrap-admin.key} (generated on first
   * start and printed, so a laptop user can call the API at once).
   */
  private static String bootstrapAdminKey(NodeSettings settings, ApiKeyStore keys) throws java.io.IOException {
    if (!settings.bootstrapAdminKey().isBlank()) {
      return settings.bootstrapAdminKey().trim();
    }
    if (!settings.profile().equals("dev")) {
      return "";
    }
    Path file = Path.of(settings.dataDir(), "bootstrap-admin.key");
    if (Files.exists(file)) {
      return Files.readString(file).trim();
    }
    Files.createDirectories(file.getParent());
    String key = keys.newToken();
    Files.writeString(file, key + "\n");
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system: the file keeps its default permissions
    }
    log.warn("Dev profile: generated a bootstrap admin key (saved in {}): {}", file, key);
    return key;
  }

  public ActorSystem<Void> system() {
    return system;
  }

  public NodeSettings settings() {
    return settings;
  }

  public Database database() {
    return database;
  }

  public URI managementUri() {
    return managementUri;
  }

  /** The bound HTTP address, or null on a node without the gateway role. */
  public InetSocketAddress httpAddress() {
    return httpAddress;
  }

  public ApiRouter router() {
    return router;
  }

  /** Leaves the cluster gracefully; CoordinatedShutdown then drains and terminates the node. */
  public void leave() {
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Leave.create(cluster.selfMember().address()));
  }

  /** Runs the full drain (as SIGTERM does) and completes when the node has stopped. */
  public CompletionStage<Done> shutdown() {
    return CoordinatedShutdown.get(system).runAll(CoordinatedShutdown.jvmExitReason());
  }

  public CompletionStage<Done> whenTerminated() {
    return system.getWhenTerminated();
  }
}

package dev.vigil.cluster.dev;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.typesafe.config.Config;

import dev.vigil.actors.investigation.AdmissionQueue;
import dev.vigil.actors.investigation.Investigation;
import dev.vigil.actors.investigation.InvestigationProjection;
import dev.vigil.actors.investigation.InvestigationServices;
import dev.vigil.actors.investigation.InvestigationSettings;
import dev.vigil.actors.investigation.JobObservationRouter;
import dev.vigil.actors.investigation.ShardedAgents;
import dev.vigil.actors.lease.LeaseBroker;
import dev.vigil.actors.lease.VaultSettings;
import dev.vigil.actors.lease.internal.VaultDriverLeaseBroker;
import dev.vigil.actors.projection.ProjectionSettings;
import dev.vigil.k8s.JobTemplate;
import dev.vigil.k8s.jobs.JobRunner;
import dev.vigil.k8s.jobs.internal.Fabric8JobRunner;
import dev.vigil.persistence.Database;
import dev.vigil.persistence.investigations.InvestigationReadModel;
import dev.vigil.protocol.InvestigationProtocol.AdmissionCommand;
import dev.vigil.standins.vault.VaultStandIn;
import dev.vigil.standins.vault.VaultStandInSettings;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/**
 * Wires investigations into a node: the Vault client ({@code vigil.vault}; in the dev profile without an address, the
 * loopback Vault stand-in, NOT for production), the job runner ({@code vigil.kubernetes.job-runner}: {@code fabric8}
 * on the Kubernetes API, {@code local} processes in the dev profile), the per-node Job watch (nodes of role
 * {@code entities}), the admission queue singleton, sharding of the entity, and the read-model projection. Everything
 * it starts is closed by CoordinatedShutdown (watches, local processes, executors, the stand-in).
 */
public final class InvestigationWiring {

  private static final Logger log = LoggerFactory.getLogger(InvestigationWiring.class);

  private final InvestigationSettings settings;
  private final ActorRef<AdmissionCommand> admission;
  private final InvestigationReadModel readModel;
  private final JobRunner jobs;
  private final VaultStandIn standIn;
  private final ExecutorService vaultExecutor;
  private final ExecutorService kubernetesExecutor;
  private final KubernetesClient kubernetes;

  private InvestigationWiring(InvestigationSettings settings, ActorRef<AdmissionCommand> admission,
      InvestigationReadModel readModel, JobRunner jobs, VaultStandIn standIn, ExecutorService vaultExecutor,
      ExecutorService kubernetesExecutor, KubernetesClient kubernetes) {
    this.settings = settings;
    this.admission = admission;
    this.readModel = readModel;
    this.jobs = jobs;
    this.standIn = standIn;
    this.vaultExecutor = vaultExecutor;
    this.kubernetesExecutor = kubernetesExecutor;
    this.kubernetes = kubernetes;
  }

  public static InvestigationWiring start(ActorSystem<?> system, Config config, String profile, String dataDir,
      Database database, boolean entitiesRole, Duration askTimeout) {
    InvestigationSettings settings = InvestigationSettings.fromConfig(config);
    VaultSettings vaultSettings = VaultSettings.fromConfig(config);
    VaultStandIn standIn = null;
    boolean noVault = vaultSettings.address().isEmpty() && !"dev".equals(profile);
    if (noVault) {
      log.error("vigil.vault.address (VIGIL_VAULT_ADDR) is not set: investigations cannot get credentials and stay in "
          + "provisioning until Vault is configured");
    } else if (vaultSettings.address().isEmpty()) {
      standIn = VaultStandIn.start(VaultStandInSettings.defaults());
      vaultSettings = vaultSettings.withAddress(standIn.address(), standIn.rootToken());
      log.warn("**********************************************************************************************");
      log.warn("* Dev profile: no VIGIL_VAULT_ADDR, so investigations get leases from the Vault STAND-IN at   *");
      log.warn("* {} . It is NOT FOR PRODUCTION: no policies, no persistence, fake secrets.", standIn.address());
      log.warn("**********************************************************************************************");
    }
    ExecutorService vaultExecutor = pool("vigil-vault", config.getInt("vigil.vault.threads"));
    ExecutorService kubernetesExecutor = pool("vigil-kubernetes", config.getInt("vigil.kubernetes.threads"));
    LeaseBroker leases = noVault ? new UnconfiguredVault() : new VaultDriverLeaseBroker(vaultSettings, vaultExecutor);

    String runner = config.getString("vigil.kubernetes.job-runner").trim();
    KubernetesClient kubernetes = null;
    JobRunner jobs;
    switch (runner) {
      case "fabric8" -> {
        kubernetes = kubernetesClient(config);
        jobs = new Fabric8JobRunner(kubernetes, settings.namespace(), kubernetesExecutor);
      }
      case "local" -> {
        if (!"dev".equals(profile)) {
          throw new IllegalArgumentException("vigil.kubernetes.job-runner = local (VIGIL_JOB_RUNNER) is for the dev "
              + "profile only");
        }
        jobs = new LocalJobRunner(Path.of(dataDir, "jobs"));
        log.warn("Dev profile: investigation Jobs run as LOCAL PROCESSES (logs under {}/jobs); not for production",
            dataDir);
      }
      default -> throw new IllegalArgumentException("vigil.kubernetes.job-runner (VIGIL_JOB_RUNNER) must be fabric8 "
          + "or local, got '" + runner + "'");
    }

    ActorRef<AdmissionCommand> admission = AdmissionQueue.init(system, settings.maxRunning());
    // the Investigation entity's own ask to its agent must end before the gateway's ask of the entity does
    Duration agentTimeout = askTimeout.compareTo(Duration.ofSeconds(1)) > 0 ? askTimeout.minusSeconds(1) : askTimeout;
    ShardedAgents agents = new ShardedAgents(system, agentTimeout,
        config.getDuration("vigil.gateway.entity-attempt-timeout"));
    InvestigationServices services = new InvestigationServices(settings, leases, jobs, JobTemplate.load(), agents,
        agents, null, Clock.systemUTC(), admission);
    Investigation.initSharding(system, services);
    if (entitiesRole) {
      JobObservationRouter.start(system, jobs);
    }
    InvestigationProjection.init(system, settings, database, ProjectionSettings.fromConfig(config));
    InvestigationWiring wiring = new InvestigationWiring(settings, admission, new InvestigationReadModel(database),
        jobs, standIn, vaultExecutor, kubernetesExecutor, kubernetes);
    CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(),
        "vigil-investigations-close", () -> {
          wiring.close();
          return CompletableFuture.completedFuture(Done.getInstance());
        });
    log.info("Investigations: job runner {}, Vault {}, at most {} running cluster-wide", runner,
        vaultSettings.address(), settings.maxRunning());
    return wiring;
  }

  /** Refuses every call: a deployment without {@code vigil.vault.address} hands out no credentials. */
  private static final class UnconfiguredVault implements LeaseBroker {
    @Override
    public java.util.concurrent.CompletionStage<Scope> openScope(String displayName, Duration lifetime) {
      return CompletableFuture.failedFuture(new IllegalStateException("Vault is not configured (VIGIL_VAULT_ADDR)"));
    }

    @Override
    public java.util.concurrent.CompletionStage<dev.vigil.actors.lease.Lease> issue(String path, Scope scope) {
      return CompletableFuture.failedFuture(new IllegalStateException("Vault is not configured (VIGIL_VAULT_ADDR)"));
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> closeScope(String accessor) {
      return CompletableFuture.failedFuture(new IllegalStateException("Vault is not configured (VIGIL_VAULT_ADDR)"));
    }

    @Override
    public java.util.concurrent.CompletionStage<Duration> renew(String leaseId, Duration increment) {
      return CompletableFuture.failedFuture(new IllegalStateException("Vault is not configured (VIGIL_VAULT_ADDR)"));
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> revoke(String leaseId) {
      return CompletableFuture.failedFuture(new IllegalStateException("Vault is not configured (VIGIL_VAULT_ADDR)"));
    }
  }

  private static KubernetesClient kubernetesClient(Config config) {
    Config k = config.getConfig("vigil.kubernetes");
    String master = k.getString("master-url").trim();
    if (master.isEmpty()) {
      return new KubernetesClientBuilder().build(); // in-cluster service account or kubeconfig
    }
    // Config.empty(): everything is given here, so nothing is auto-configured. With the default (auto-configured)
    // config the client's token-refresh interceptor re-read kubeconfig files, system properties and environment
    // variables before requests: 4% of the node's CPU in the investigations benchmark (JFR), for a token that cannot
    // change.
    ConfigBuilder builder = new ConfigBuilder(io.fabric8.kubernetes.client.Config.empty()).withMasterUrl(master).withTrustCerts(k.getBoolean("trust-certs"))
        .withNamespace(config.getString("vigil.kubernetes.namespace"));
    String token = k.getString("token").trim();
    if (!token.isEmpty()) {
      builder.withOauthToken(token);
    }
    return new KubernetesClientBuilder().withConfig(builder.build()).build();
  }

  private static ExecutorService pool(String name, int threads) {
    AtomicInteger count = new AtomicInteger();
    return Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, name + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  public InvestigationSettings settings() {
    return settings;
  }

  public ActorRef<AdmissionCommand> admission() {
    return admission;
  }

  public InvestigationReadModel readModel() {
    return readModel;
  }

  /** The dev profile's Vault stand-in, or null when a real Vault is configured. */
  public VaultStandIn standIn() {
    return standIn;
  }

  /** Stops the Job watch and local processes, the clients and their threads; idempotent. */
  public synchronized void close() {
    jobs.close();
    if (kubernetes != null) {
      kubernetes.close();
    }
    vaultExecutor.shutdownNow();
    kubernetesExecutor.shutdownNow();
    if (standIn != null) {
      standIn.close();
    }
  }
}

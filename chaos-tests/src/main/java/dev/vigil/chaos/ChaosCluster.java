package dev.vigil.chaos;

import dev.vigil.standins.net.FreePorts;
import dev.vigil.standins.net.TcpRelay;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.security.SecureRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vigil.chaos.load.InvestigationTraffic;
import dev.vigil.standins.kubernetes.KubernetesStandIn;
import dev.vigil.standins.kubernetes.KubernetesStandInSettings;
import dev.vigil.standins.vault.VaultStandIn;
import dev.vigil.standins.vault.VaultStandInSettings;

/**
 * The drill harness: N real node processes of the packaged jar, each in its own network namespace when the machine
 * allows it (else all on loopback, and partitions are refused), forming one cluster through seed nodes, on a fresh
 * database of the shared PostgreSQL (reached through a relay the harness can cut), with the Vault stand-in and the
 * Kubernetes API stand-in (each behind a relay too). The nodes run investigation Jobs with the fabric8 job runner on
 * that Kubernetes stand-in, whose controller moves each Job through its statuses and hands the Job's bootstrap token
 * to {@link #jobTokenDir()} when its "pod" starts ({@link JobTokens}). {@link #start} returns once every node is
 * ready and sees all N members Up; {@link #close} kills what is left, drops the database, stops the stand-ins and
 * removes the namespaces.
 */
public final class ChaosCluster implements DrillTarget, AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ChaosCluster.class);

  /**
   * @param nodes          how many node processes (3 or 5)
   * @param jar            the packaged {@code vigil.jar} ({@code lib/} beside it)
   * @param workDir        folder for node logs and data (created)
   * @param namespaces     try network namespaces (needs root and iproute2); otherwise loopback
   * @param readinessGrace {@code VIGIL_DRAIN_READINESS_GRACE}: how long a draining node reports not-ready first
   * @param sbrStableAfter {@code VIGIL_SBR_STABLE_AFTER}: how long a partition must be stable before the resolver acts
   * @param jvmOptions     options for each node JVM (heap, GC)
   */
  public record Settings(int nodes, Path jar, Path workDir, boolean namespaces, Duration readinessGrace,
      Duration sbrStableAfter, List<String> jvmOptions) {

    public static Settings defaults(int nodes, Path jar, Path workDir) {
      return new Settings(nodes, jar, workDir, true, Duration.ofSeconds(2), Duration.ofSeconds(7),
          List.of("-Xmx384m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    }

    /** These settings with {@code extra} appended to every node's JVM options (later options win). */
    public Settings withExtraJvmOptions(List<String> extra) {
      List<String> options = new ArrayList<>(jvmOptions);
      options.addAll(extra);
      return new Settings(nodes, jar, workDir, namespaces, readinessGrace, sbrStableAfter, List.copyOf(options));
    }
  }

  private final Settings settings;
  private final DrillNetwork network;
  private final String networkNote;
  private final DrillDatabase database;
  private final TcpRelay databaseRelay;
  private final VaultStandIn vault;
  private final TcpRelay vaultRelay;
  private final KubernetesStandIn kubernetes;
  private final TcpRelay kubernetesRelay;
  private final String adminKey;
  private final List<NodeProcess> nodes = new ArrayList<>();

  private ChaosCluster(Settings settings, DrillNetwork network, String networkNote, DrillDatabase database,
      TcpRelay databaseRelay, VaultStandIn vault, TcpRelay vaultRelay, KubernetesStandIn kubernetes,
      TcpRelay kubernetesRelay, String adminKey) {
    this.settings = settings;
    this.network = network;
    this.networkNote = networkNote;
    this.database = database;
    this.databaseRelay = databaseRelay;
    this.vault = vault;
    this.vaultRelay = vaultRelay;
    this.kubernetes = kubernetes;
    this.kubernetesRelay = kubernetesRelay;
    this.adminKey = adminKey;
  }

  public static ChaosCluster start(Settings settings) throws IOException, InterruptedException, TimeoutException {
    if (!Files.exists(settings.jar())) {
      throw new IllegalStateException("package the node first (mvn -pl cluster -am package): " + settings.jar());
    }
    Files.createDirectories(settings.workDir());
    settings = withSnapshotOfJar(settings);
    DrillNetwork network;
    String note = "";
    if (settings.namespaces()) {
      try {
        network = NamespaceNetwork.create(settings.nodes());
      } catch (IOException e) {
        note = "network namespaces unavailable (" + e.getMessage() + "); nodes run on loopback and partitions cannot run";
        log.warn(note);
        network = new LoopbackNetwork();
      }
    } else {
      network = new LoopbackNetwork();
      note = "loopback chosen: partitions cannot run";
    }
    DrillDatabase database = null;
    VaultStandIn vault = null;
    KubernetesStandIn kubernetes = null;
    ChaosCluster cluster = null;
    try {
      database = DrillDatabase.create();
      TcpRelay databaseRelay = new TcpRelay(network.hostAddress(), database.host(), database.port());
      vault = VaultStandIn.start(VaultStandInSettings.defaults());
      URI vaultUri = URI.create(vault.address());
      TcpRelay vaultRelay = new TcpRelay(network.hostAddress(), vaultUri.getHost(), vaultUri.getPort());
      // Jobs run as long as the load driver's agent acts in them
      kubernetes = KubernetesStandIn.start(KubernetesStandInSettings.defaults().withRunTime(InvestigationTraffic.JOB_RUNS),
          new JobTokens(tokenDir(settings)));
      TcpRelay kubernetesRelay = new TcpRelay(network.hostAddress(), "127.0.0.1", kubernetes.port());
      byte[] key = new byte[24];
      new SecureRandom().nextBytes(key);
      cluster = new ChaosCluster(settings, network, note, database, databaseRelay, vault, vaultRelay, kubernetes,
          kubernetesRelay, "drill-admin-" + HexFormat.of().formatHex(key));
      cluster.migrate();
      cluster.launchAll();
      return cluster;
    } catch (IOException | RuntimeException | InterruptedException | TimeoutException e) {
      if (cluster != null) {
        cluster.close();
      } else {
        if (vault != null) {
          vault.close();
        }
        if (kubernetes != null) {
          kubernetes.close();
        }
        if (database != null) {
          database.close();
        }
        network.close();
      }
      throw e;
    }
  }

  /**
   * Copies the jar and its {@code lib/} into the drill folder: other builds on the machine may rewrite
   * {@code cluster/target} while a drill runs, and a node must not start from a half-written jar.
   */
  private static Settings withSnapshotOfJar(Settings settings) throws IOException {
    Path dist = Files.createDirectories(settings.workDir().resolve("dist"));
    Path lib = Files.createDirectories(dist.resolve("lib"));
    Path sourceLib = settings.jar().toAbsolutePath().getParent().resolve("lib");
    if (Files.isDirectory(sourceLib)) {
      try (var jars = Files.list(sourceLib)) {
        for (Path jar : (Iterable<Path>) jars::iterator) {
          Files.copy(jar, lib.resolve(jar.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
    Path jar = dist.resolve(settings.jar().getFileName());
    Files.copy(settings.jar(), jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    return new Settings(settings.nodes(), jar, settings.workDir(), settings.namespaces(), settings.readinessGrace(),
        settings.sbrStableAfter(), settings.jvmOptions());
  }

  /** Applies the schema once with the jar's {@code migrate} command, so the nodes do not race to create it. */
  private void migrate() throws IOException, InterruptedException {
    Path logFile = settings.workDir().resolve("migrate.log");
    ProcessBuilder builder = new ProcessBuilder(NodeProcess.javaCommand(List.of(), settings.jvmOptions(), settings.jar()))
        .redirectErrorStream(true).redirectOutput(logFile.toFile());
    builder.command().add("migrate");
    builder.environment().keySet().removeIf(k -> k.startsWith("VIGIL_"));
    builder.environment().put("VIGIL_PROFILE", "dev");
    builder.environment().put("VIGIL_DB_URL", database.url());
    builder.environment().put("VIGIL_DB_USER", database.user());
    builder.environment().put("VIGIL_DB_PASSWORD", database.password());
    builder.environment().put("VIGIL_DATA_DIR", settings.workDir().toString());
    Process p = builder.start();
    if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException("vigil.jar migrate failed; see " + logFile + ":\n" + Files.readString(logFile));
    }
  }

  private void launchAll() throws IOException, TimeoutException {
    int n = settings.nodes();
    int[][] ports = new int[n][4];
    List<String> seeds = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      for (int p = 0; p < 4; p++) {
        ports[i][p] = freePort();
      }
      seeds.add("pekko://vigil@" + network.nodeHost(i) + ":" + ports[i][2]);
    }
    for (int i = 0; i < n; i++) {
      String host = network.nodeHost(i);
      List<String> jvm = new ArrayList<>(settings.jvmOptions());
      for (int s = 0; s < seeds.size(); s++) {
        jvm.add("-Dpekko.cluster.seed-nodes." + s + "=" + seeds.get(s));
      }
      // the master URL has no environment variable in the node's configuration; a system property overrides it
      jvm.add("-Dvigil.kubernetes.master-url=http://" + kubernetesRelay.host() + ":" + kubernetesRelay.port());
      Path data = Files.createDirectories(settings.workDir().resolve("node-" + i));
      Map<String, String> env = new HashMap<>();
      env.put("VIGIL_PROFILE", "dev");
      env.put("VIGIL_CLUSTER_JOIN", "seed-nodes");
      env.put("VIGIL_HTTP_HOST", host);
      env.put("VIGIL_HTTP_PORT", Integer.toString(ports[i][0]));
      env.put("VIGIL_MANAGEMENT_HOST", host);
      env.put("VIGIL_MANAGEMENT_HOSTNAME", host);
      env.put("VIGIL_MANAGEMENT_PORT", Integer.toString(ports[i][1]));
      env.put("VIGIL_REMOTING_HOST", host);
      env.put("VIGIL_REMOTING_PORT", Integer.toString(ports[i][2]));
      env.put("VIGIL_METRICS_ENABLED", "false");
      env.put("VIGIL_METRICS_HOST", host);
      env.put("VIGIL_METRICS_PORT", Integer.toString(ports[i][3]));
      env.put("VIGIL_DB_URL", database.url(databaseRelay.host(), databaseRelay.port()));
      env.put("VIGIL_DB_USER", database.user());
      env.put("VIGIL_DB_PASSWORD", database.password());
      env.put("VIGIL_BOOTSTRAP_ADMIN_KEY", adminKey);
      env.put("VIGIL_DRAIN_READINESS_GRACE", settings.readinessGrace().toMillis() + "ms");
      env.put("VIGIL_SBR_STABLE_AFTER", settings.sbrStableAfter().toMillis() + "ms");
      env.put("VIGIL_DATA_DIR", data.toString());
      env.put("VAULT_ADDR", "http://" + vaultRelay.host() + ":" + vaultRelay.port());
      env.put("VAULT_TOKEN", vault.rootToken());
      // Jobs go to the Kubernetes stand-in through its relay (namespace vigil-agents, the default); their
      // VIGIL_GATEWAY_URL is the node's own address (the dev default 127.0.0.1 is not the node inside a namespace)
      env.put("VIGIL_JOB_RUNNER", "fabric8");
      env.put("VIGIL_GATEWAY_URL", "http://" + host + ":" + ports[i][0]);
      NodeProcess node = new NodeProcess(i, host, ports[i][0], ports[i][1], ports[i][2],
          NodeProcess.javaCommand(network.launchPrefix(i), jvm, settings.jar()), env,
          settings.workDir().resolve("node-" + i + ".log"));
      nodes.add(node);
    }
    long started = System.nanoTime();
    for (NodeProcess node : nodes) {
      node.start();
    }
    Waits.until(n + " nodes ready and Up", Duration.ofSeconds(150), Duration.ofMillis(500), () -> {
      for (NodeProcess node : nodes) {
        if (!node.isRunning()) {
          throw new IllegalStateException("node " + node.index() + " exited during start; see " + node.logFile());
        }
      }
      return nodes.stream().allMatch(Management::ready) && Management.converged(nodes, n);
    });
    log.info("{} nodes ready and Up {} ms after launch ({})", n,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), network.describe());
  }

  @Override
  public List<NodeProcess> nodes() {
    return List.copyOf(nodes);
  }

  public NodeProcess node(int index) {
    return nodes.get(index);
  }

  @Override
  public String adminKey() {
    return adminKey;
  }

  @Override
  public String describe() {
    return settings.nodes() + " node processes of " + settings.jar().getFileName() + " (" + String.join(" ", settings.jvmOptions())
        + "), " + network.describe() + (networkNote.isEmpty() ? "" : "; " + networkNote)
        + "; PostgreSQL database " + database.name() + " through a relay; Vault stand-in through a relay"
        + "; Kubernetes API stand-in (fabric8 mock, CRUD, Job controller) through a relay, fabric8 job runner";
  }

  @Override
  public Optional<DrillNetwork> network() {
    return Optional.of(network);
  }

  @Override
  public Optional<TcpRelay> databaseRelay() {
    return Optional.of(databaseRelay);
  }

  @Override
  public Optional<TcpRelay> vaultRelay() {
    return Optional.of(vaultRelay);
  }

  @Override
  public Optional<VaultStandIn> vault() {
    return Optional.of(vault);
  }

  @Override
  public Optional<TcpRelay> kubernetesRelay() {
    return Optional.of(kubernetesRelay);
  }

  @Override
  public Optional<KubernetesStandIn> kubernetes() {
    return Optional.of(kubernetes);
  }

  @Override
  public Optional<Path> jobTokenDir() {
    try {
      return Optional.of(tokenDir(settings));
    } catch (IOException e) {
      log.warn("no folder for Job tokens: {}", e.getMessage());
      return Optional.empty();
    }
  }

  private static Path tokenDir(Settings settings) throws IOException {
    return Files.createDirectories(settings.workDir().resolve("job-tokens"));
  }

  public Settings settings() {
    return settings;
  }

  @Override
  public void close() {
    for (NodeProcess node : nodes) {
      node.destroy();
    }
    closeQuietly(databaseRelay);
    closeQuietly(vaultRelay);
    closeQuietly(kubernetesRelay);
    vault.close();
    kubernetes.close();
    try {
      database.close();
    } catch (RuntimeException e) {
      log.warn("Drill database not dropped: {}", e.getMessage());
    }
    network.close();
  }

  private static void closeQuietly(TcpRelay relay) {
    try {
      relay.close();
    } catch (IOException e) {
      log.debug("relay close: {}", e.getMessage());
    }
  }

  static int freePort() throws IOException {
    return FreePorts.next();
  }
}

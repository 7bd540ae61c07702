package dev.vigil.standins.vault;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.sun.net.httpserver.HttpServer;

import dev.vigil.standins.vault.internal.LeaseBook;
import dev.vigil.standins.vault.internal.VaultApi;

/**
 * A loopback stand-in for the parts of HashiCorp Vault's HTTP API that Vigil uses: dynamic
 * credentials at {@code GET /v1/<mount>/creds/<role>}, lease renew, revoke, revoke-prefix and
 * lookup under {@code /v1/sys/leases/}, token lookup-self and health, with Vault's JSON shapes,
 * status codes and TTL rules on an injectable clock. It exists because no Vault can be installed
 * here; it is NOT FOR PRODUCTION: one root token, no policies, no persistence, loopback only.
 *
 * <p>Lifecycle: {@link #start(VaultStandInSettings)} binds 127.0.0.1 and serves until
 * {@link #close()}. Tests and chaos drills can read every lease's state ({@link #leases()}),
 * check whether a credential would still be accepted ({@link #checkCredential(Map)}), and
 * inject failures or slowness ({@link #setFault(Fault)}); the same is exposed over HTTP under
 * {@code /v1/standin/} (see {@code docs/vault-standin.md}). {@link #main(String[])} runs it as
 * a process.
 */
public final class VaultStandIn implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(VaultStandIn.class);
  private static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

  private final HttpServer server;
  private final ExecutorService executor;
  private final LeaseBook leaseBook;
  private final AtomicReference<Fault> fault;
  private final String rootToken;
  private final VaultApi api;
  private final String address;

  private VaultStandIn(HttpServer server, ExecutorService executor, LeaseBook leaseBook,
      AtomicReference<Fault> fault, String rootToken, VaultApi api) {
    this.api = api;
    this.server = server;
    this.executor = executor;
    this.leaseBook = leaseBook;
    this.fault = fault;
    this.rootToken = rootToken;
    this.address = "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Binds 127.0.0.1 on the configured port and starts serving. */
  public static VaultStandIn start(VaultStandInSettings settings) {
    String rootToken = settings.rootToken() != null ? settings.rootToken() : generateToken();
    LeaseBook leaseBook = new LeaseBook(settings.clock(), settings.roles());
    AtomicReference<Fault> fault = new AtomicReference<>(Fault.none());
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), settings.port()), 64);
    } catch (IOException e) {
      throw new UncheckedIOException("Vault stand-in could not bind 127.0.0.1:" + settings.port(), e);
    }
    AtomicInteger threads = new AtomicInteger();
    // Unbounded pool: a slow-mode request parks its thread, and admin calls must still get through.
    ExecutorService executor = Executors.newCachedThreadPool(task -> {
      Thread thread = new Thread(task, "vault-standin-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(executor);
    VaultApi api = new VaultApi(leaseBook, rootToken, settings.clock(), fault);
    server.createContext("/", api);
    server.start();
    VaultStandIn standIn = new VaultStandIn(server, executor, leaseBook, fault, rootToken, api);
    log.warn("Vault stand-in: NOT FOR PRODUCTION. Serving a fake Vault API at {} (no policies, no persistence, "
        + "one root token); roles: {}", standIn.address(),
        settings.roles().stream().map(VaultRole::credsPath).toList());
    return standIn;
  }

  /** Base address, e.g. {@code http://127.0.0.1:8200}: what {@code VAULT_ADDR} would be. */
  public String address() {
    return address;
  }

  /** The only token the Vault API accepts. */
  public String rootToken() {
    return rootToken;
  }

  /** Every lease issued so far, oldest first, with its state at the stand-in's clock. */
  public List<LeaseView> leases() {
    return leaseBook.all();
  }

  /** Every token created through {@code auth/token/create*}, oldest first (accessors, never the tokens). */
  public List<LeaseBook.TokenView> tokens() {
    return leaseBook.tokens();
  }

  /**
   * For tests: Vault issues a lease at {@code mount/role} to the token with this accessor, as if the caller that read
   * it died before it learned of it. Empty if no such token or role.
   */
  public java.util.Optional<String> issueUnder(String accessor, String mount, String role) {
    return leaseBook.issueUnder(accessor, mount, role).map(LeaseBook.Issued::leaseId);
  }

  /** Leases currently live. */
  public List<LeaseView> liveLeases() {
    return leaseBook.all().stream().filter(lease -> lease.state() == LeaseView.State.LIVE).toList();
  }

  /**
   * Whether the protected system would accept this credential now (its lease is live), e.g.
   * {@code {username, password}} or {@code {api_key}}. Counts as a use of the secret.
   */
  public boolean checkCredential(Map<String, String> credential) {
    return leaseBook.check(credential).valid();
  }

  /** Switches the injected fault for all Vault API requests. */
  /** Expires every token a Kubernetes login issued, as their TTL running out would ({@code POST /v1/standin/tokens/expire}). */
  public void expireLoginTokens() {
    api.expireLoginTokens();
  }

  public void setFault(Fault newFault) {
    fault.set(newFault);
    log.warn("Vault stand-in: fault switched to {}", newFault);
  }

  public Fault fault() {
    return fault.get();
  }

  /** Stops serving at once and releases the port. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
    log.info("Vault stand-in at {} stopped", address);
  }

  private static String generateToken() {
    SecureRandom random = new SecureRandom();
    StringBuilder token = new StringBuilder("hvs.");
    for (int i = 0; i < 24; i++) {
      token.append(ALPHANUMERIC.charAt(random.nextInt(ALPHANUMERIC.length())));
    }
    return token.toString();
  }

  /**
   * Runs the stand-in until the process is stopped. Options: {@code --port N} (default 8200),
   * {@code --root-token T} (default {@code $VAULT_STANDIN_ROOT_TOKEN}, else generated),
   * {@code --ttl 1h} and {@code --max-ttl 24h} for the default roles, and repeatable
   * {@code --role mount/name=database|api_key} to serve only the listed roles. Prints
   * {@code VAULT_ADDR=...} and {@code VAULT_TOKEN=...} lines on stdout once serving.
   */
  public static void main(String[] args) throws InterruptedException {
    int port = 8200;
    String rootToken = System.getenv("VAULT_STANDIN_ROOT_TOKEN");
    Duration ttl = Duration.ofHours(1);
    Duration maxTtl = Duration.ofHours(24);
    List<String> roleSpecs = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + option + " needs a value");
      }
      String value = args[++i];
      switch (option) {
        case "--port" -> port = Integer.parseInt(value);
        case "--root-token" -> rootToken = value;
        case "--ttl" -> ttl = parseDuration(value);
        case "--max-ttl" -> maxTtl = parseDuration(value);
        case "--role" -> roleSpecs.add(value);
        default -> throw new IllegalArgumentException("unknown option " + option
            + " (known: --port, --root-token, --ttl, --max-ttl, --role mount/name=database|api_key)");
      }
    }
    VaultStandInSettings settings = VaultStandInSettings.defaults(ttl, maxTtl).withPort(port).withRootToken(rootToken);
    if (!roleSpecs.isEmpty()) {
      List<VaultRole> roles = new ArrayList<>();
      for (String spec : roleSpecs) {
        roles.add(parseRole(spec, ttl, maxTtl));
      }
      settings = settings.withRoles(roles);
    }
    VaultStandIn standIn = start(settings);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      standIn.close();
      stopped.countDown();
    }, "vault-standin-shutdown"));
    System.out.println("Vault stand-in: NOT FOR PRODUCTION");
    System.out.println("VAULT_ADDR=" + standIn.address());
    System.out.println("VAULT_TOKEN=" + standIn.rootToken());
    System.out.flush();
    stopped.await();
  }

  private static VaultRole parseRole(String spec, Duration ttl, Duration maxTtl) {
    String[] pathAndKind = spec.split("=", 2);
    String[] mountAndName = pathAndKind[0].split("/", 2);
    if (pathAndKind.length != 2 || mountAndName.length != 2) {
      throw new IllegalArgumentException("--role wants mount/name=database|api_key, got " + spec);
    }
    VaultRole.SecretKind kind = switch (pathAndKind[1]) {
      case "database" -> VaultRole.SecretKind.DATABASE_USER;
      case "api_key" -> VaultRole.SecretKind.API_KEY;
      default -> throw new IllegalArgumentException("role kind must be database or api_key, got " + pathAndKind[1]);
    };
    return VaultRole.of(mountAndName[0], mountAndName[1], kind, ttl, maxTtl);
  }

  /** Accepts Vault-style durations: {@code 90}, {@code 90s}, {@code 5m}, {@code 2h}. */
  static Duration parseDuration(String text) {
    char unit = text.charAt(text.length() - 1);
    if (Character.isDigit(unit)) {
      return Duration.ofSeconds(Long.parseLong(text));
    }
    long amount = Long.parseLong(text.substring(0, text.length() - 1));
    return switch (unit) {
      case 's' -> Duration.ofSeconds(amount);
      case 'm' -> Duration.ofMinutes(amount);
      case 'h' -> Duration.ofHours(amount);
      default -> throw new IllegalArgumentException("duration must end in s, m or h: " + text);
    };
  }
}

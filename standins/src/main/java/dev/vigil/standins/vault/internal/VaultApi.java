package dev.vigil.standins.vault.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;

import dev.vigil.standins.vault.Fault;
import dev.vigil.standins.vault.LeaseView;

/**
 * Answers the Vault HTTP API paths Vigil uses, with Vault's JSON shapes and status codes, plus
 * the stand-in's own admin paths under {@code /v1/standin/}. Routing only: lease rules live in
 * {@link LeaseBook}. Injected faults apply to Vault paths, never to admin paths.
 */
public final class VaultApi implements HttpHandler {

  private static final Logger log = LoggerFactory.getLogger(VaultApi.class);
  private static final String V1 = "/v1/";
  private static final String ADMIN = "standin/";

  private final ObjectMapper json = new ObjectMapper();
  /** The token role Vigil creates each investigation's token with, known to the stand-in by default. */
  public static final String DEFAULT_TOKEN_ROLE = "vigil-investigation";

  private final LeaseBook leases;
  private final java.util.Set<String> tokenRoles;
  private final String rootToken;
  private final java.util.Set<String> loginTokens = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final Clock clock;
  private final AtomicReference<Fault> fault;
  private final String clusterId = UUID.randomUUID().toString();
  private final Instant startTime;

  public VaultApi(LeaseBook leases, String rootToken, Clock clock, AtomicReference<Fault> fault) {
    this(leases, rootToken, clock, fault, java.util.Set.of(DEFAULT_TOKEN_ROLE));
  }

  public VaultApi(LeaseBook leases, String rootToken, Clock clock, AtomicReference<Fault> fault,
      java.util.Set<String> tokenRoles) {
    this.tokenRoles = java.util.Set.copyOf(tokenRoles);
    this.leases = leases;
    this.rootToken = rootToken;
    this.clock = clock;
    this.fault = fault;
    this.startTime = clock.instant();
  }

  /** An answer: status, and a JSON body unless 204. */
  private record Reply(int status, JsonNode body) {}

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      Reply reply;
      try {
        reply = route(exchange);
      } catch (IllegalArgumentException | IOException badRequest) {
        reply = errors(400, badRequest.getMessage());
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
        reply = errors(503, "Vault stand-in is shutting down");
      } catch (RuntimeException bug) {
        log.error("Vault stand-in failed on {} {}", exchange.getRequestMethod(), exchange.getRequestURI(), bug);
        reply = errors(500, "internal error: " + bug);
      }
      send(exchange, reply);
    }
  }

  private Reply route(HttpExchange exchange) throws IOException, InterruptedException {
    String fullPath = exchange.getRequestURI().getPath();
    if (!fullPath.startsWith(V1)) {
      return errors(404);
    }
    String path = fullPath.substring(V1.length());
    String method = exchange.getRequestMethod();
    boolean write = method.equals("POST") || method.equals("PUT");
    if (path.startsWith(ADMIN)) {
      return admin(exchange, path.substring(ADMIN.length()), method);
    }
    Fault current = fault.get();
    if (current.mode() == Fault.Mode.FAIL) {
      return errors(current.status(), "Vault stand-in: injected fault");
    }
    if (current.mode() == Fault.Mode.SLOW) {
      // A deliberately slow server: this handler thread waits, the others keep serving.
      TimeUnit.MILLISECONDS.sleep(current.delay().toMillis());
    }
    if (path.equals("sys/health")) {
      return health();
    }
    if (write && path.equals("auth/kubernetes/login")) {
      return kubernetesLogin(body(exchange));
    }
    String clientToken = token(exchange);
    if (!knownToken(clientToken)) {
      return errors(403, "permission denied");
    }
    if (write && (path.equals("auth/token/create") || path.equals("auth/token/create-orphan")
        || path.startsWith("auth/token/create/"))) {
      return createToken(path, body(exchange));
    }
    if (write && path.equals("auth/token/revoke-accessor")) {
      String accessor = body(exchange).path("accessor").asText("");
      if (accessor.isEmpty()) {
        return errors(400, "missing accessor");
      }
      return leases.revokeAccessor(accessor) ? new Reply(204, null) : errors(400, "invalid accessor");
    }
    if (path.equals("auth/token/lookup-self") && method.equals("GET")) {
      return lookupSelf();
    }
    if (write && (path.equals("sys/leases/renew") || path.equals("sys/renew"))) {
      JsonNode body = body(exchange);
      return renew(body.path("lease_id").asText(""), body.path("increment").asLong(0));
    }
    if (write && (path.startsWith("sys/leases/renew/") || path.startsWith("sys/renew/"))) {
      return renew(path.substring(path.indexOf("renew/") + "renew/".length()), body(exchange).path("increment").asLong(0));
    }
    if (write && path.equals("sys/leases/revoke")) {
      return revoke(body(exchange).path("lease_id").asText(""));
    }
    if (write && (path.startsWith("sys/leases/revoke/") || path.startsWith("sys/revoke/"))) {
      return revoke(path.substring(path.indexOf("revoke/") + "revoke/".length()));
    }
    if (write && (path.startsWith("sys/leases/revoke-prefix/") || path.startsWith("sys/leases/revoke-force/"))) {
      String prefix = path.substring(path.indexOf('/', "sys/leases/".length()) + 1);
      int revoked = leases.revokePrefix(prefix);
      log.info("Vault stand-in: revoked {} live lease(s) under prefix {}", revoked, prefix);
      return new Reply(204, null);
    }
    if (write && path.equals("sys/leases/lookup")) {
      return lookup(body(exchange).path("lease_id").asText(""));
    }
    String[] segments = path.split("/");
    if (segments.length == 3 && segments[1].equals("creds")) {
      if (!method.equals("GET")) {
        return errors(405, "unsupported operation");
      }
      return issue(segments[0], segments[2], clientToken);
    }
    return errors(404);
  }

  /**
   * {@code auth/token/create}, {@code create-orphan} and {@code create/<role>}: the token role must be one the stand-in
   * was given (a role makes orphans, as Vigil's {@code vigil-investigation} role is configured to); {@code ttl} is
   * seconds or a Go duration ({@code 90s}, {@code 15m}, {@code 2h}).
   */
  private Reply createToken(String path, JsonNode body) {
    boolean orphan = path.equals("auth/token/create-orphan") || body.path("no_parent").asBoolean(false);
    if (path.startsWith("auth/token/create/")) {
      String role = path.substring("auth/token/create/".length());
      if (!tokenRoles.contains(role)) {
        return errors(400, "unknown role " + role);
      }
      orphan = true;
    }
    java.time.Duration ttl = parseTtl(body.path("ttl"));
    String displayName = "token" + (body.path("display_name").asText("").isBlank() ? ""
        : "-" + body.path("display_name").asText());
    LeaseBook.CreatedToken created = leases.createToken(ttl, displayName, orphan);
    ObjectNode reply = envelope("", false, 0, List.of());
    reply.remove("auth");
    ObjectNode auth = reply.putObject("auth");
    auth.put("client_token", created.clientToken());
    auth.put("accessor", created.accessor());
    auth.putArray("policies").add("default");
    auth.putArray("token_policies").add("default");
    auth.putNull("metadata");
    auth.put("lease_duration", created.ttlSeconds());
    auth.put("renewable", false);
    auth.put("entity_id", "");
    auth.put("token_type", "service");
    auth.put("orphan", created.orphan());
    auth.put("num_uses", 0);
    return new Reply(200, reply);
  }

  private static java.time.Duration parseTtl(JsonNode ttl) {
    if (ttl.isMissingNode() || ttl.isNull() || ttl.asText().isBlank()) {
      return java.time.Duration.ZERO;
    }
    if (ttl.isNumber()) {
      return java.time.Duration.ofSeconds(ttl.asLong());
    }
    String text = ttl.asText().trim();
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)([smh]?)").matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("invalid ttl: " + text);
    }
    long amount = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "m" -> java.time.Duration.ofMinutes(amount);
      case "h" -> java.time.Duration.ofHours(amount);
      default -> java.time.Duration.ofSeconds(amount);
    };
  }

  private Reply issue(String mount, String role, String clientToken) {
    Optional<LeaseBook.Issued> issued = leases.issue(mount, role, clientToken);
    if (issued.isEmpty()) {
      return leases.hasMount(mount) ? errors(400, "unknown role: " + role) : errors(404);
    }
    LeaseBook.Issued lease = issued.get();
    ObjectNode reply = envelope(lease.leaseId(), lease.renewable(), lease.leaseDurationSeconds(), List.of());
    ObjectNode data = reply.putObject("data");
    lease.secret().forEach(data::put);
    reply.put("mount_type", lease.mountType());
    log.debug("Vault stand-in: issued {}", lease.leaseId());
    return new Reply(200, reply);
  }

  private Reply renew(String leaseId, long increment) {
    if (leaseId.isEmpty()) {
      return errors(400, "lease_id must be specified");
    }
    try {
      LeaseBook.Renewed renewed = leases.renew(leaseId, increment);
      return new Reply(200, envelope(renewed.leaseId(), renewed.renewable(), renewed.leaseDurationSeconds(),
          renewed.warnings()));
    } catch (LeaseBook.LeaseRejected rejected) {
      return errors(400, rejected.getMessage());
    }
  }

  private Reply revoke(String leaseId) {
    if (leaseId.isEmpty()) {
      return errors(400, "lease_id must be specified");
    }
    leases.revoke(leaseId);
    return new Reply(204, null);
  }

  private Reply lookup(String leaseId) {
    if (leaseId.isEmpty()) {
      return errors(400, "lease_id must be specified");
    }
    Optional<LeaseBook.Lookup> found = leases.lookup(leaseId);
    if (found.isEmpty()) {
      return errors(400, "invalid lease");
    }
    LeaseBook.Lookup lease = found.get();
    ObjectNode reply = envelope("", false, 0, List.of());
    ObjectNode data = reply.putObject("data");
    data.put("id", lease.leaseId());
    data.put("issue_time", lease.issueTime().toString());
    data.put("expire_time", lease.expireTime().toString());
    data.put("last_renewal", lease.lastRenewal() == null ? null : lease.lastRenewal().toString());
    data.put("renewable", lease.renewable());
    data.put("ttl", lease.ttlSeconds());
    return new Reply(200, reply);
  }

  private Reply lookupSelf() {
    ObjectNode reply = envelope("", false, 0, List.of());
    ObjectNode data = reply.putObject("data");
    data.put("accessor", "standin-root-accessor");
    data.put("creation_time", startTime.getEpochSecond());
    data.put("creation_ttl", 0);
    data.put("display_name", "root");
    data.put("entity_id", "");
    data.putNull("expire_time");
    data.put("explicit_max_ttl", 0);
    data.put("id", rootToken);
    data.putNull("meta");
    data.put("num_uses", 0);
    data.put("orphan", true);
    data.put("path", "auth/token/root");
    data.putArray("policies").add("root");
    data.put("renewable", false);
    data.put("ttl", 0);
    data.put("type", "service");
    return new Reply(200, reply);
  }

  /**
   * Kubernetes auth: any non-blank role with a non-blank service-account JWT gets a fresh client token (the stand-in
   * does not verify the JWT against a TokenReview, as a real Vault would).
   */
  private Reply kubernetesLogin(JsonNode body) {
    String role = body.path("role").asText("");
    String jwt = body.path("jwt").asText("");
    if (role.isBlank()) {
      return errors(400, "missing role");
    }
    if (jwt.isBlank()) {
      return errors(400, "missing jwt");
    }
    String token = "s.k8s" + java.util.UUID.randomUUID().toString().replace("-", "");
    loginTokens.add(token);
    ObjectNode reply = json.createObjectNode();
    reply.put("request_id", java.util.UUID.randomUUID().toString());
    reply.put("lease_id", "");
    reply.put("renewable", false);
    reply.put("lease_duration", 0);
    reply.putNull("data");
    reply.putNull("wrap_info");
    reply.putNull("warnings");
    ObjectNode auth = reply.putObject("auth");
    auth.put("client_token", token);
    auth.put("entity_id", "standin-entity-" + role);
    auth.put("token_type", "service");
    auth.put("orphan", true);
    auth.put("num_uses", 0);
    auth.put("accessor", "standin-" + token.substring(5, 13));
    auth.putArray("policies").add("default").add(role);
    auth.putArray("token_policies").add("default").add(role);
    auth.putObject("metadata").put("role", role);
    auth.put("lease_duration", 3600);
    auth.put("renewable", true);
    return new Reply(200, reply);
  }

  /** The root token, or a token a Kubernetes login issued and the stand-in has not expired since. */
  private boolean knownToken(String token) {
    return rootToken.equals(token) || (token != null && (loginTokens.contains(token) || leases.liveToken(token)));
  }

  /** Expires every token Kubernetes logins issued, as a real Vault does when their TTL runs out. */
  public void expireLoginTokens() {
    loginTokens.clear();
  }

  private Reply health() {
    ObjectNode reply = json.createObjectNode();
    reply.put("initialized", true);
    reply.put("sealed", false);
    reply.put("standby", false);
    reply.put("performance_standby", false);
    reply.put("replication_performance_mode", "disabled");
    reply.put("replication_dr_mode", "disabled");
    reply.put("server_time_utc", clock.instant().getEpochSecond());
    reply.put("version", "0.0.0+vigil-standin");
    reply.put("cluster_name", "vigil-vault-standin");
    reply.put("cluster_id", clusterId);
    return new Reply(200, reply);
  }

  private Reply admin(HttpExchange exchange, String path, String method) throws IOException {
    boolean write = method.equals("POST") || method.equals("PUT");
    if (path.equals("credentials/check") && write) {
      // Open like a database login: the credential itself is what is being checked.
      Map<String, String> presented = new LinkedHashMap<>();
      body(exchange).properties().forEach(field -> presented.put(field.getKey(), field.getValue().asText()));
      LeaseBook.CredentialCheck check = leases.check(presented);
      ObjectNode reply = json.createObjectNode();
      reply.put("valid", check.valid());
      reply.put("lease_id", check.leaseId());
      reply.put("state", check.state() == null ? null : check.state().name().toLowerCase());
      return new Reply(200, reply);
    }
    if (!rootToken.equals(token(exchange))) {
      return errors(403, "permission denied");
    }
    if (path.equals("leases") && method.equals("GET")) {
      return new Reply(200, leaseListing(leases.all()));
    }
    if (path.equals("tokens/expire") && write) {
      expireLoginTokens();
      return new Reply(204, null);
    }
    if (path.equals("faults") && write) {
      JsonNode body = body(exchange);
      fault.set(parseFault(body));
      log.warn("Vault stand-in: fault switched to {}", fault.get());
      return new Reply(200, faultJson(fault.get()));
    }
    if (path.equals("faults") && method.equals("GET")) {
      return new Reply(200, faultJson(fault.get()));
    }
    return errors(404);
  }

  private static Fault parseFault(JsonNode body) {
    String mode = body.path("mode").asText("none");
    return switch (mode) {
      case "none" -> Fault.none();
      case "fail" -> Fault.fail(body.path("status").asInt(503));
      case "slow" -> Fault.slow(java.time.Duration.ofMillis(body.path("delayMillis").asLong(1000)));
      default -> throw new IllegalArgumentException("fault mode must be none, fail or slow, got " + mode);
    };
  }

  private ObjectNode faultJson(Fault current) {
    ObjectNode reply = json.createObjectNode();
    reply.put("mode", current.mode().name().toLowerCase());
    reply.put("status", current.status());
    reply.put("delayMillis", current.delay().toMillis());
    return reply;
  }

  private ObjectNode leaseListing(List<LeaseView> views) {
    ObjectNode reply = json.createObjectNode();
    ArrayNode list = reply.putArray("leases");
    Map<LeaseView.State, Integer> counts = new LinkedHashMap<>();
    for (LeaseView.State state : LeaseView.State.values()) {
      counts.put(state, 0);
    }
    for (LeaseView view : views) {
      counts.merge(view.state(), 1, Integer::sum);
      ObjectNode item = list.addObject();
      item.put("lease_id", view.leaseId());
      item.put("mount", view.mount());
      item.put("role", view.role());
      item.put("state", view.state().name().toLowerCase());
      item.put("issue_time", view.issueTime().toString());
      item.put("expire_time", view.expireTime().toString());
      item.put("max_expire_time", view.maxExpireTime().toString());
      item.put("revoke_time", view.revokeTime() == null ? null : view.revokeTime().toString());
      item.put("renewals", view.renewals());
      item.put("uses", view.uses());
      item.put("uses_after_end", view.usesAfterEnd());
    }
    counts.forEach((state, count) -> reply.put(state.name().toLowerCase(), count));
    return reply;
  }

  private ObjectNode envelope(String leaseId, boolean renewable, long leaseDuration, List<String> warnings) {
    ObjectNode reply = json.createObjectNode();
    reply.put("request_id", UUID.randomUUID().toString());
    reply.put("lease_id", leaseId);
    reply.put("renewable", renewable);
    reply.put("lease_duration", leaseDuration);
    reply.putNull("data");
    reply.putNull("wrap_info");
    if (warnings.isEmpty()) {
      reply.putNull("warnings");
    } else {
      ArrayNode array = reply.putArray("warnings");
      warnings.forEach(array::add);
    }
    reply.putNull("auth");
    return reply;
  }

  private Reply errors(int status, String... messages) {
    ObjectNode reply = json.createObjectNode();
    ArrayNode array = reply.putArray("errors");
    for (String message : messages) {
      array.add(message);
    }
    return new Reply(status, reply);
  }

  private JsonNode body(HttpExchange exchange) throws IOException {
    byte[] bytes = exchange.getRequestBody().readAllBytes();
    if (bytes.length == 0) {
      return json.createObjectNode();
    }
    try {
      return json.readTree(bytes);
    } catch (com.fasterxml.jackson.core.JsonProcessingException malformed) {
      throw new IllegalArgumentException("failed to parse JSON input: " + malformed.getOriginalMessage());
    }
  }

  private static String token(HttpExchange exchange) {
    String token = exchange.getRequestHeaders().getFirst("X-Vault-Token");
    if (token == null) {
      String authorization = exchange.getRequestHeaders().getFirst("Authorization");
      if (authorization != null && authorization.startsWith("Bearer ")) {
        token = authorization.substring("Bearer ".length());
      }
    }
    return token;
  }

  private void send(HttpExchange exchange, Reply reply) throws IOException {
    if (reply.body() == null) {
      exchange.sendResponseHeaders(reply.status(), -1);
      return;
    }
    byte[] bytes = json.writeValueAsBytes(reply.body());
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(reply.status(), bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}

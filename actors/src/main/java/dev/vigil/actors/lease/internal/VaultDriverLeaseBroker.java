package dev.vigil.actors.lease.internal;

import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.actors.lease.Lease;
import dev.vigil.actors.lease.LeaseBroker;
import dev.vigil.actors.lease.LeaseExpiredException;
import dev.vigil.actors.lease.VaultSettings;
import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.api.Auth;
import io.github.jopenlibs.vault.response.AuthResponse;
import io.github.jopenlibs.vault.response.LogicalResponse;
import io.github.jopenlibs.vault.response.VaultResponse;

/**
 * {@link LeaseBroker} on vault-java-driver 6.2.1. The driver is configured for v1 paths ({@code engineVersion(1)}, so
 * {@code database/creds/x} is not rewritten to {@code database/data/creds/x}) and without its own retries (the entity
 * retries with backoff). {@code logical().read} does not throw on 4xx, so the status is checked here; a 400 on renew
 * means the lease can no longer be renewed ({@link LeaseExpiredException}). Blocking calls run on {@code executor}.
 */
public final class VaultDriverLeaseBroker implements LeaseBroker {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final VaultSettings settings;
  private final HttpClient http;
  private final Executor executor;
  private volatile Vault vault;

  public VaultDriverLeaseBroker(VaultSettings settings, Executor executor) {
    this.settings = settings;
    this.executor = executor;
    this.http = HttpClient.newBuilder().connectTimeout(settings.openTimeout()).build();
    // with Kubernetes auth the first call logs in (Vault may not be reachable while the node starts)
    this.vault = settings.kubernetesLogin() ? null : client(settings.token());
  }

  private Vault client(String token) {
    try {
      VaultConfig config = new VaultConfig().address(settings.address()).engineVersion(1)
          .openTimeout((int) Math.max(1, settings.openTimeout().toSeconds()))
          .readTimeout((int) Math.max(1, settings.readTimeout().toSeconds()))
          .httpClient(http);
      if (token != null) {
        config = config.token(token);
      }
      return Vault.create(config.build()).withRetries(0, 0);
    } catch (VaultException e) {
      throw new IllegalArgumentException("invalid Vault settings: " + e.getMessage(), e);
    }
  }

  /** Logs in with the pod's service-account token (Kubernetes auth) and keeps the client token it gets. */
  private synchronized Vault login() throws VaultException {
    String jwt;
    try {
      jwt = java.nio.file.Files.readString(java.nio.file.Path.of(settings.kubernetesJwtPath())).trim();
    } catch (java.io.IOException e) {
      throw new VaultException("cannot read the service-account token " + settings.kubernetesJwtPath() + ": "
          + e.getMessage());
    }
    String token = client(null).auth().loginByKubernetes(settings.kubernetesRole(), jwt).getAuthClientToken();
    vault = client(token);
    return vault;
  }

  private Vault vault() throws VaultException {
    Vault current = vault;
    return current != null ? current : login();
  }

  /**
   * Runs a call; with Kubernetes auth a 403 (the login token expired or was revoked) logs in again once and repeats
   * the call.
   */
  private <T extends VaultResponse> T authenticated(VaultFunction<T> call) throws VaultException {
    try {
      T response = call.apply(vault());
      if (settings.kubernetesLogin() && response.getRestResponse().getStatus() == 403) {
        return call.apply(login());
      }
      return response;
    } catch (VaultException e) {
      if (settings.kubernetesLogin() && e.getHttpStatusCode() == 403) {
        return call.apply(login());
      }
      throw e;
    }
  }

  private interface VaultFunction<T> {
    T apply(Vault vault) throws VaultException;
  }

  @Override
  public CompletionStage<Scope> openScope(String displayName, Duration lifetime) {
    Duration ttl = lifetime.plus(settings.scopeTtlMargin());
    return CompletableFuture.supplyAsync(() -> {
      Auth.TokenRequest request = new Auth.TokenRequest().ttl(ttl.toSeconds() + "s").displayName(displayName)
          .renewable(false);
      if (!settings.tokenRole().isEmpty()) {
        request = request.role(settings.tokenRole());
      }
      Auth.TokenRequest asked = request;
      // createToken throws on 4xx/5xx (unlike logical().read)
      AuthResponse response = call(() -> authenticated(v -> v.auth().createToken(asked)));
      String token = response.getAuthClientToken();
      String accessor = response.getTokenAccessor();
      if (token == null || token.isBlank() || accessor == null || accessor.isBlank()) {
        throw new CompletionException(new VaultException("creating a token returned no token or accessor",
            response.getRestResponse().getStatus()));
      }
      long granted = response.getAuthLeaseDuration();
      return new Scope(token, accessor, granted > 0 ? Duration.ofSeconds(granted) : ttl);
    }, executor);
  }

  @Override
  public CompletionStage<Void> closeScope(String accessor) {
    return CompletableFuture.runAsync(() -> {
      LogicalResponse response = call(() -> authenticated(v -> v.logical().write("auth/token/revoke-accessor",
          java.util.Map.of("accessor", accessor))));
      int status = response.getRestResponse().getStatus();
      // 400 "invalid accessor": the token is gone already (revoked, or expired), and its leases went with it
      if (status != 204 && status != 200 && !(status == 400 && body(response).contains("invalid accessor"))) {
        throw new CompletionException(new VaultException("revoking the token of accessor " + accessor
            + " answered " + status + ": " + body(response), status));
      }
    }, executor);
  }

  @Override
  public CompletionStage<Lease> issue(String path, Scope scope) {
    return CompletableFuture.supplyAsync(() -> {
      LogicalResponse response = call(() -> client(scope.token()).logical().read(path));
      int status = response.getRestResponse().getStatus();
      if (status != 200) {
        throw new CompletionException(new VaultException("reading " + path + " answered " + status + ": "
            + body(response), status));
      }
      if (response.getLeaseId() == null || response.getLeaseId().isBlank()) {
        throw new CompletionException(new VaultException("reading " + path + " returned no lease", status));
      }
      long ttl = response.getLeaseDuration() == null ? 0 : response.getLeaseDuration();
      return new Lease(response.getLeaseId(), Duration.ofSeconds(ttl), Boolean.TRUE.equals(response.getRenewable()),
          response.getData());
    }, executor);
  }

  @Override
  public CompletionStage<Duration> renew(String leaseId, Duration increment) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        VaultResponse response = authenticated(v -> v.leases().renew(leaseId, increment.toSeconds()));
        JsonNode body = JSON.readTree(response.getRestResponse().getBody());
        return Duration.ofSeconds(body.path("lease_duration").asLong(0));
      } catch (VaultException e) {
        if (e.getHttpStatusCode() == 400) {
          throw new LeaseExpiredException(leaseId, e.getMessage());
        }
        throw new CompletionException(e);
      } catch (java.io.IOException e) {
        throw new CompletionException(e);
      }
    }, executor);
  }

  @Override
  public CompletionStage<Void> revoke(String leaseId) {
    return CompletableFuture.runAsync(() -> call(() -> authenticated(v -> v.leases().revoke(leaseId))), executor);
  }

  private interface VaultCall<T> {
    T call() throws VaultException;
  }

  private static <T> T call(VaultCall<T> call) {
    try {
      return call.call();
    } catch (VaultException e) {
      throw new CompletionException(e);
    }
  }

  private static String body(VaultResponse response) {
    byte[] body = response.getRestResponse().getBody();
    return body == null ? "" : new String(body, java.nio.charset.StandardCharsets.UTF_8);
  }
}

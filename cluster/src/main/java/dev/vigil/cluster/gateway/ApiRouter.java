package dev.vigil.cluster.gateway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.apache.pekko.pattern.AskTimeoutException;
import org.apache.pekko.stream.Materializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import dev.vigil.persistence.DatabaseUnavailableException;
import dev.vigil.persistence.keys.Principal;

/**
 * The gateway's front door: one route that gives every request an id, reads its body within the size limit, finds
 * its {@link Endpoint}, authenticates and authorizes the caller, runs the handler and renders the answer. Every
 * failure becomes a JSON body {@code {error, message, requestId, details?}} with the right status (400, 401, 403,
 * 404, 405, 413, 415, 503); nothing reaches the client as a stack trace, and unexpected errors are logged with the
 * request id.
 */
public final class ApiRouter {

  private static final Logger log = LoggerFactory.getLogger(ApiRouter.class);
  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final String REQUEST_ID_HEADER = "X-Request-Id";

  private record Compiled(Endpoint endpoint, List<String> segments) {}

  private final List<Compiled> endpoints;
  private final Authenticator authenticator;
  private final long maxBodyBytes;
  private final Materializer materializer;
  private final GatewayMetrics metrics;

  public ApiRouter(ActorSystem<?> system, List<Endpoint> endpoints, Authenticator authenticator, long maxBodyBytes,
      GatewayMetrics metrics) {
    this.endpoints = endpoints.stream().map(e -> new Compiled(e, Endpoint.splitPath(e.template()))).toList();
    this.authenticator = authenticator;
    this.maxBodyBytes = maxBodyBytes;
    this.materializer = Materializer.matFromSystem(system);
    this.metrics = metrics;
  }

  public List<Endpoint> endpoints() {
    return endpoints.stream().map(Compiled::endpoint).toList();
  }

  public Route route() {
    return Directives.extractRequest(request -> Directives.completeWithFuture(handle(request)));
  }

  public CompletionStage<HttpResponse> handle(HttpRequest request) {
    long started = System.nanoTime();
    String requestId = requestId(request);
    String[] routeName = {"unmatched"};
    CompletionStage<HttpResponse> response;
    try {
      response = dispatch(request, requestId, routeName);
    } catch (RuntimeException e) {
      response = CompletableFuture.failedFuture(e);
    }
    return response
        .exceptionally(failure -> errorResponse(failure, requestId, request))
        .thenApply(r -> {
          metrics.record(routeName[0], request.method().value(), r.status().intValue(), System.nanoTime() - started);
          return r.addHeader(RawHeader.create(REQUEST_ID_HEADER, requestId));
        });
  }

  private CompletionStage<HttpResponse> dispatch(HttpRequest request, String requestId, String[] routeName) {
    List<String> path = new ArrayList<>(6);
    request.getUri().pathSegments().forEach(path::add);
    String method = request.method().value();
    TreeSet<String> allowed = new TreeSet<>();
    for (Compiled compiled : endpoints) {
      Map<String, String> params = Endpoint.match(compiled.segments, path);
      if (params == null) {
        continue;
      }
      if (!compiled.endpoint.method().equals(method)) {
        allowed.add(compiled.endpoint.method());
        continue;
      }
      Endpoint endpoint = compiled.endpoint;
      routeName[0] = endpoint.name();
      return authenticate(request, endpoint)
          .thenCompose(principal -> readBody(request).thenCompose(body -> endpoint.handler().apply(
              new Call(requestId, principal, params, query(request), body.json(), body.yaml(), bearerToken(request)))))
          .thenApply(ApiRouter::render);
    }
    if (!allowed.isEmpty()) {
      HttpResponse response = error(405, "method_not_allowed",
          method + " is not supported on " + request.getUri().path() + "; allowed: " + String.join(", ", allowed),
          requestId, List.of());
      return CompletableFuture.completedFuture(response.addHeader(RawHeader.create("Allow", String.join(", ", allowed))));
    }
    request.discardEntityBytes(materializer);
    return CompletableFuture.completedFuture(
        error(404, "not_found", "no endpoint at " + request.getUri().path(), requestId, List.of()));
  }

  private CompletionStage<Optional<Principal>> authenticate(HttpRequest request, Endpoint endpoint) {
    if (endpoint.isPublic()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Optional<String> token = bearerToken(request);
    if (token.isEmpty()) {
      throw new ApiError(401, "unauthenticated", "an API key is required: send 'Authorization: Bearer <key>'");
    }
    return authenticator.authenticate(token.get()).thenApply(principal -> {
      Principal who = principal.orElseThrow(() ->
          new ApiError(401, "unauthenticated", "the API key is unknown or revoked"));
      if (!endpoint.roles().contains(who.role())) {
        throw ApiError.forbidden("role " + who.role().wireName() + " may not call " + endpoint.method() + " "
            + endpoint.template());
      }
      return principal;
    });
  }

  private static Optional<String> bearerToken(HttpRequest request) {
    Optional<HttpHeader> authorization = request.getHeader("Authorization");
    if (authorization.isPresent()) {
      String value = authorization.get().value();
      if (value.regionMatches(true, 0, "Bearer ", 0, 7) && value.length() > 7) {
        return Optional.of(value.substring(7).trim());
      }
      return Optional.empty();
    }
    return request.getHeader("X-Api-Key").map(HttpHeader::value).map(String::trim).filter(s -> !s.isEmpty());
  }

  private record Body(JsonNode json, Optional<String> yaml) {
    static final Body NONE = new Body(MissingNode.getInstance(), Optional.empty());
  }

  private CompletionStage<Body> readBody(HttpRequest request) {
    HttpEntity entity = request.entity();
    if (entity.isKnownEmpty()) {
      return CompletableFuture.completedFuture(Body.NONE);
    }
    return entity.withSizeLimit(maxBodyBytes).toStrict(5_000, materializer).thenApply(strict -> {
      var bytes = strict.getData();
      if (bytes.isEmpty()) {
        return Body.NONE;
      }
      String mediaType = strict.getContentType().mediaType().toString();
      if (mediaType.equals("application/yaml") || mediaType.equals("application/x-yaml") || mediaType.equals("text/yaml")) {
        return new Body(MissingNode.getInstance(), Optional.of(bytes.utf8String()));
      }
      if (!mediaType.startsWith("application/json")) {
        throw new ApiError(415, "unsupported_media_type", "request bodies must be application/json (or application/yaml "
            + "for policies), got " + mediaType);
      }
      try {
        return new Body(Json.MAPPER.readTree(bytes.toArray()), Optional.empty());
      } catch (JsonProcessingException e) {
        throw ApiError.badRequest("the body is not valid JSON: " + e.getOriginalMessage() + " at line "
            + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr());
      } catch (java.io.IOException e) {
        throw ApiError.badRequest("the body could not be read: " + e.getMessage());
      }
    });
  }

  private static Map<String, String> query(HttpRequest request) {
    Map<String, String> query = new LinkedHashMap<>();
    request.getUri().query().toMap().forEach(query::put);
    return query;
  }

  private static HttpResponse render(ApiResponse answer) {
    HttpResponse response = HttpResponse.create().withStatus(answer.status());
    if (answer.body() != null) {
      response = response.withEntity(ContentTypes.APPLICATION_JSON, toJson(answer.body()));
    }
    for (Map.Entry<String, String> header : answer.headers().entrySet()) {
      response = response.addHeader(RawHeader.create(header.getKey(), header.getValue()));
    }
    return response;
  }

  private HttpResponse errorResponse(Throwable failure, String requestId, HttpRequest request) {
    Throwable cause = unwrap(failure);
    request.discardEntityBytes(materializer);
    if (cause instanceof ApiError api) {
      metrics.error(api.code());
      HttpResponse response = error(api.status(), api.code(), api.getMessage(), requestId, api.details());
      return api.status() == 401 ? response.addHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"vigil\"")) : response;
    }
    if (cause instanceof EntityStreamSizeException) {
      metrics.error("payload_too_large");
      return error(413, "payload_too_large", "the request body exceeds " + maxBodyBytes + " bytes", requestId, List.of());
    }
    if (cause instanceof IllegalArgumentException) {
      metrics.error("invalid_request");
      return error(400, "invalid_request", cause.getMessage(), requestId, List.of());
    }
    if (cause instanceof DatabaseUnavailableException) {
      metrics.error("database_unavailable");
      log.warn("[{}] {}", requestId, cause.getMessage());
      return error(503, "database_unavailable", "the database is unavailable; retry shortly", requestId, List.of())
          .addHeader(RawHeader.create("Retry-After", "2"));
    }
    if (cause instanceof AskTimeoutException || cause instanceof TimeoutException) {
      metrics.error("timeout");
      log.warn("[{}] timed out: {}", requestId, cause.getMessage());
      return error(503, "timeout", "the cluster did not answer in time; retry shortly", requestId, List.of())
          .addHeader(RawHeader.create("Retry-After", "1"));
    }
    metrics.error("internal");
    log.error("[{}] unexpected failure on {} {}", requestId, request.method().value(), request.getUri().path(), cause);
    return error(500, "internal_error", "an unexpected error occurred; quote request id " + requestId, requestId, List.of());
  }

  static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof java.util.concurrent.ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  static HttpResponse error(int status, String code, String message, String requestId, List<ApiError.Detail> details) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("error", code);
    body.put("message", message);
    body.put("requestId", requestId);
    if (!details.isEmpty()) {
      body.put("details", details);
    }
    return HttpResponse.create().withStatus(StatusCodes.get(status)).withEntity(ContentTypes.APPLICATION_JSON, toJson(body));
  }

  private static byte[] toJson(Object body) {
    try {
      return Json.MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("response not serializable: " + e.getMessage(), e);
    }
  }

  private static String requestId(HttpRequest request) {
    return request.getHeader(REQUEST_ID_HEADER).map(HttpHeader::value)
        .filter(id -> REQUEST_ID.matcher(id).matches())
        .orElseGet(() -> UUID.randomUUID().toString());
  }
}

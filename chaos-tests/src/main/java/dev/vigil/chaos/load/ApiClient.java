package dev.vigil.chaos.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The Vigil HTTP API of one node, called with the admin key; what the load driver and the invariant checks use. */
public final class ApiClient {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private final String base;
  private final String key;
  private final Duration timeout;

  public ApiClient(String base, String key, Duration timeout) {
    this.base = base;
    this.key = key;
    this.timeout = timeout;
  }

  public String base() {
    return base;
  }

  public HttpResponse<String> send(String method, String path, String body) throws IOException, InterruptedException {
    return send(method, path, body, "application/json");
  }

  /** A request with a body of another media type (a YAML policy upload). */
  public HttpResponse<String> send(String method, String path, String body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
        .header("Authorization", "Bearer " + key);
    if (body == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofString(body));
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A read repeated (at most {@code attempts} times) until its answer settles the question: 200 or 404. A node that
   * is busy or failing over gets another try; the last answer is returned, or the last I/O failure thrown.
   */
  public HttpResponse<String> getUntilDefinite(String path, int attempts) throws IOException, InterruptedException {
    IOException failure = null;
    HttpResponse<String> last = null;
    for (int attempt = 0; attempt < attempts; attempt++) {
      try {
        last = send("GET", path, null);
        if (last.statusCode() == 200 || last.statusCode() == 404) {
          return last;
        }
      } catch (IOException e) {
        failure = e;
      }
    }
    if (last == null) {
      throw failure;
    }
    return last;
  }
}

package dev.vigil.cluster;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import dev.vigil.standins.net.FreePorts;

/**
 * Builds in-process node configurations for tests: the dev profile with free loopback ports, a given database, no
 * JVM exit on shutdown, and no Kamon (it is global to the JVM; {@code MetricsIT} covers it in its own JVM).
 */
public final class TestNodes {

  public static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestNodes() {}

  public static Map<String, Object> baseOverrides(String dbUrl, String dbUser, String dbPassword, Path dataDir) throws IOException {
    Map<String, Object> o = new HashMap<>();
    o.put("vigil.database.url", dbUrl);
    o.put("vigil.database.user", dbUser);
    o.put("vigil.database.password", dbPassword);
    o.put("vigil.database.max-pool-size", 4);
    o.put("vigil.data-dir", dataDir.toString());
    o.put("vigil.gateway.port", 0);
    o.put("vigil.metrics.enabled", false);
    o.put("vigil.drain.readiness-grace", "0s");
    o.put("pekko.remote.artery.canonical.port", freePort());
    o.put("pekko.management.http.port", freePort());
    o.put("pekko.coordinated-shutdown.exit-jvm", "off");
    o.put("pekko.jvm-shutdown-hooks", "off");
    o.put("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    return o;
  }

  public static Config config(Map<String, Object> overrides) {
    return config(overrides, "");
  }

  /** With extra HOCON for what a flat map cannot say (lists of objects). */
  public static Config config(Map<String, Object> overrides, String hocon) {
    return config("dev", overrides, hocon);
  }

  public static Config config(String profile, Map<String, Object> overrides, String hocon) {
    return NodeConfig.load(profile, ConfigFactory.parseString(hocon).withFallback(ConfigFactory.parseMap(overrides)));
  }

  /** See {@link FreePorts}: picking port 0 and closing it raced with outbound connections in CI. */
  public static int freePort() throws IOException {
    return FreePorts.next();
  }

  public static String api(VigilNode node) {
    return "http://127.0.0.1:" + node.httpAddress().getPort();
  }

  /** A management endpoint of the node, e.g. {@code management(node, "ready")}. */
  public static String management(VigilNode node, String path) {
    String base = node.managementUri().toString();
    return (base.endsWith("/") ? base : base + "/") + path;
  }

  public static HttpResponse<String> get(String url, String key) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).GET();
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public static HttpResponse<String> send(String method, String url, String key, String json)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
        .method(method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) {
      b.header("Content-Type", "application/json");
    }
    if (key != null) {
      b.header("Authorization", "Bearer " + key);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  public static void stop(VigilNode node) throws Exception {
    if (node != null) {
      node.shutdown().toCompletableFuture().get(60, TimeUnit.SECONDS);
    }
  }
}

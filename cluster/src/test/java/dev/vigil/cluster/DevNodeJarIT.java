package dev.vigil.cluster;

import static dev.vigil.cluster.TestNodes.get;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The packaged {@code target/vigil.jar} with no arguments, as the README runs it: a dev node on embedded H2 answers
 * {@code /ready} and {@code /v1/version} within 30 s, prints and keeps its bootstrap admin key, serves Kamon's
 * Prometheus metrics (Vigil's HTTP histogram and Pekko actor-group metrics), and exits 0 on SIGTERM after draining.
 */
class DevNodeJarIT {

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DevNodeJarIT.class);

  @Test
  void theJarStartsADevNodeThatServesProbesMetricsAndDrainsOnSigterm() throws Exception {
    Path jar = Path.of("target/vigil.jar").toAbsolutePath();
    assertTrue(Files.exists(jar), "package the module first: " + jar);
    Path data = Files.createTempDirectory("vigil-dev");
    int http = TestNodes.freePort();
    int management = TestNodes.freePort();
    int metrics = TestNodes.freePort();
    Path nodeLog = data.resolve("node.log");
    ProcessBuilder builder = new ProcessBuilder(System.getProperty("java.home") + "/bin/java",
        "-Dkamon.metric.tick-interval=1s", "-jar", jar.toString())
        .redirectErrorStream(true).redirectOutput(nodeLog.toFile());
    builder.environment().put("VIGIL_DATA_DIR", data.toString());
    builder.environment().put("VIGIL_HTTP_PORT", String.valueOf(http));
    builder.environment().put("VIGIL_MANAGEMENT_PORT", String.valueOf(management));
    builder.environment().put("VIGIL_METRICS_PORT", String.valueOf(metrics));
    builder.environment().put("VIGIL_REMOTING_PORT", String.valueOf(TestNodes.freePort()));
    builder.environment().remove("VIGIL_DB_URL");
    builder.environment().remove("VIGIL_PROFILE");
    long started = System.nanoTime();
    Process node = builder.start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .until(() -> get("http://127.0.0.1:" + management + "/ready", null).statusCode() == 200);
      HttpResponse<String> version = get("http://127.0.0.1:" + http + "/v1/version", null);
      long readyMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      assertEquals(200, version.statusCode());
      log.info("dev node ready and answering /v1/version {} ms after launch", readyMillis);

      Path keyFile = data.resolve("bootstrap-admin.key");
      assertTrue(Files.exists(keyFile), "the dev profile generates and keeps a bootstrap admin key");
      String key = Files.readString(keyFile).trim();
      assertTrue(Files.readString(nodeLog).contains(key), "the generated key is printed for the user");
      assertEquals("admin", new ObjectMapper().readTree(get("http://127.0.0.1:" + http + "/v1/whoami", key).body())
          .get("role").asText());
      assertEquals(200, TestNodes.send("PUT", "http://127.0.0.1:" + http + "/v1/agents/jar-agent", key,
          "{\"displayName\":\"Jar\"}").statusCode());
      assertTrue(Files.exists(data.resolve("vigil.mv.db")), "embedded H2 database under the data folder");

      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500)).until(() -> {
        String body = get("http://127.0.0.1:" + metrics + "/metrics", null).body();
        return body.contains("vigil_http_request_duration_seconds_bucket")
            && body.contains("route=\"agents.register\"")
            && body.contains("pekko_group_processing_time_seconds") && body.contains("group=\"agents\"")
            && !body.contains("path=\"vigil/system/sharding/Agent");
      });

      node.toHandle().destroy(); // SIGTERM
      assertTrue(node.waitFor(60, TimeUnit.SECONDS), "node exits after draining");
      assertEquals(0, node.exitValue(), "a drained node exits 0; log:\n" + Files.readString(nodeLog));
      assertTrue(Files.readString(nodeLog).contains("Draining: readiness is now false"));
    } finally {
      node.destroyForcibly();
    }
  }

}

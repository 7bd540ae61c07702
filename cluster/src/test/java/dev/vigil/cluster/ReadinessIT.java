package dev.vigil.cluster;

import static dev.vigil.cluster.TestNodes.get;
import static dev.vigil.cluster.TestNodes.management;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;

import dev.vigil.standins.net.TcpRelay;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.vigil.persistence.testing.PostgresTestDatabase;

/**
 * Readiness follows the database: the node reaches PostgreSQL through a proxy the test cuts and restores, and
 * {@code /ready} turns false within seconds and back once the database answers again; {@code /alive} stays true.
 */
class ReadinessIT {

  @Test
  void readinessTurnsFalseWhileTheDatabaseIsUnreachableAndRecovers() throws Exception {
    String admin = "readiness-it-admin-key-0123456789";
    try (PostgresTestDatabase pg = PostgresTestDatabase.create(); TcpRelay proxy = new TcpRelay("127.0.0.1", pg.host(), pg.port())) {
      Map<String, Object> o = TestNodes.baseOverrides(pg.url("127.0.0.1", proxy.port()), pg.user(), pg.password(),
          Files.createTempDirectory("vigil"));
      o.put("vigil.gateway.bootstrap-admin-key", admin);
      VigilNode node = VigilNode.start(TestNodes.config(o));
      try {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> get(management(node, "ready"), null).statusCode() == 200);
        assertEquals(200, get(management(node, "alive"), null).statusCode());

        proxy.cut();
        long cutAt = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
            .until(() -> get(management(node, "ready"), null).statusCode() != 200);
        long seconds = Duration.ofNanos(System.nanoTime() - cutAt).toSeconds();
        assertTrue(seconds <= 10, "not ready within " + seconds + "s of the database going away");
        assertEquals(200, get(management(node, "alive"), null).statusCode(), "alive: the process is fine, only not ready");

        // an uncached key cannot be checked: the gateway says so with 503, not 500 or 401
        var answer = get(TestNodes.api(node) + "/v1/whoami", "vgl_uncached-key-while-database-is-down");
        assertEquals(503, answer.statusCode(), answer.body());
        assertEquals("database_unavailable", new ObjectMapper().readTree(answer.body()).get("error").asText());

        proxy.restore();
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
            .until(() -> get(management(node, "ready"), null).statusCode() == 200);
        assertEquals(200, get(TestNodes.api(node) + "/v1/whoami", admin).statusCode());
      } finally {
        TestNodes.stop(node);
      }
    }
  }
}

package dev.vigil.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import com.typesafe.config.ConfigFactory;

class NodeSettingsTest {

  @Test
  void theDefaultsLoad() {
    NodeSettings settings = NodeSettings.fromConfig(NodeConfig.load("dev"));
    assertEquals(Duration.ofSeconds(10), settings.askTimeout());
  }

  @Test
  void anAskTimeOutAsLongAsTheAgentsRetryWindowIsRefused() {
    var config = NodeConfig.load("dev", ConfigFactory.parseString("vigil.gateway.ask-timeout = 20s"));

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeSettings.fromConfig(config));

    assertTrue(e.getMessage().contains("vigil.gateway.ask-timeout must be less than 15s"), e.getMessage());
  }
}

package dev.vigil.cluster;

import com.typesafe.config.Config;

import kamon.Kamon;

/** Starts Kamon (and its Pekko instrumentation agent) with the Prometheus endpoint; called before Pekko loads. */
final class Metrics {
  private Metrics() {}

  static void init(Config config) {
    Kamon.init(config);
  }
}

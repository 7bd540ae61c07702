package dev.vigil.cluster.gateway;

import kamon.Kamon;
import kamon.metric.MeasurementUnit;
import kamon.metric.Metric;

/**
 * Vigil's HTTP metrics: {@code vigil.http.request.duration} (Prometheus {@code vigil_http_request_duration_seconds}),
 * tagged by route name, method and status; {@code vigil.http.errors} ({@code vigil_http_errors_total}) by error kind.
 * Route names come from the endpoint table, never from raw paths, so cardinality stays bounded.
 */
public final class GatewayMetrics {

  private final Metric.Histogram latency = Kamon.histogram("vigil.http.request.duration",
      "HTTP request latency by route", MeasurementUnit.time().nanoseconds());
  private final Metric.Counter errors = Kamon.counter("vigil.http.errors", "HTTP error answers by kind");

  void record(String route, String method, int status, long nanos) {
    latency.withTag("route", route).withTag("method", method).withTag("status", String.valueOf(status)).record(nanos);
  }

  void error(String kind) {
    errors.withTag("kind", kind).increment();
  }
}

package dev.vigil.standins.kubernetes;

import java.time.Duration;
import java.util.Objects;

/**
 * How to start a {@link KubernetesStandIn}: its port (0 picks a free one; it always binds 127.0.0.1, plain HTTP) and
 * how its Job controller plays the Job controller and the kubelet. Immutable; the {@code with*} methods return
 * changed copies.
 *
 * @param port       TCP port on 127.0.0.1, 0 for any free port
 * @param startDelay how long a new Job stays pending before its (imaginary) pod runs: {@code status.active = 1}
 * @param runTime    how long the pod runs before the Job completes, unless {@code activeDeadlineSeconds} ends it first
 * @param tick       how often the controller looks at every Job (the resolution of the delays above)
 */
public record KubernetesStandInSettings(int port, Duration startDelay, Duration runTime, Duration tick) {

  public KubernetesStandInSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    Objects.requireNonNull(startDelay, "startDelay");
    Objects.requireNonNull(runTime, "runTime");
    Objects.requireNonNull(tick, "tick");
    if (startDelay.isNegative()) {
      throw new IllegalArgumentException("startDelay must not be negative, got " + startDelay);
    }
    if (runTime.isNegative() || runTime.isZero()) {
      throw new IllegalArgumentException("runTime must be positive, got " + runTime);
    }
    if (tick.isNegative() || tick.isZero()) {
      throw new IllegalArgumentException("tick must be positive, got " + tick);
    }
  }

  /** Any free port; Jobs start after 500 ms, run 5 s; the controller looks every 100 ms. */
  public static KubernetesStandInSettings defaults() {
    return new KubernetesStandInSettings(0, Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofMillis(100));
  }

  public KubernetesStandInSettings withPort(int newPort) {
    return new KubernetesStandInSettings(newPort, startDelay, runTime, tick);
  }

  public KubernetesStandInSettings withStartDelay(Duration newStartDelay) {
    return new KubernetesStandInSettings(port, newStartDelay, runTime, tick);
  }

  public KubernetesStandInSettings withRunTime(Duration newRunTime) {
    return new KubernetesStandInSettings(port, startDelay, newRunTime, tick);
  }

  public KubernetesStandInSettings withTick(Duration newTick) {
    return new KubernetesStandInSettings(port, startDelay, runTime, newTick);
  }
}

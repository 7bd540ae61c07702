package dev.vigil.bench;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import dev.vigil.standins.kubernetes.JobListener;
import dev.vigil.standins.kubernetes.KubernetesStandIn;
import dev.vigil.standins.kubernetes.KubernetesStandInSettings;

/**
 * Runs the Kubernetes API stand-in (fabric8's CRUD mock plus a Job controller) as its own process for the
 * investigations benchmark, so the node under test creates real Job objects over HTTP with its fabric8 client instead
 * of forking local processes. Prints the master URL, then serves until killed. NOT FOR PRODUCTION.
 *
 * <pre>java -cp chaos-tests/target/vigil-chaos.jar dev.vigil.bench.KubernetesStandInMain PORT [RUN_MILLIS]</pre>
 */
public final class KubernetesStandInMain {

  private KubernetesStandInMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 1) {
      System.err.println("usage: KubernetesStandInMain PORT [RUN_MILLIS]");
      System.exit(2);
    }
    KubernetesStandInSettings settings = KubernetesStandInSettings.defaults()
        .withPort(Integer.parseInt(args[0]))
        .withStartDelay(Duration.ofMillis(100))
        .withRunTime(Duration.ofMillis(args.length > 1 ? Long.parseLong(args[1]) : 1000));
    KubernetesStandIn standIn = KubernetesStandIn.start(settings, JobListener.NONE);
    Runtime.getRuntime().addShutdownHook(new Thread(standIn::close));
    System.out.println("kubernetes stand-in at " + standIn.masterUrl());
    new CountDownLatch(1).await();
  }
}

package dev.vigil.cluster;

import java.util.Arrays;
import java.util.Locale;

import com.typesafe.config.Config;

/**
 * Entry point of {@code vigil.jar}. With no arguments it runs a node of the profile named by {@code VIGIL_PROFILE}
 * ({@code dev} by default); {@code migrate} applies the database schema and exits; {@code version} prints the build;
 * {@code policy lint|test|diff} and {@code receipts verify} are the offline tools (no node, no database).
 *
 * <p>This class must not touch any Pekko class before Kamon is initialised: Kamon attaches its instrumentation agent
 * at {@code Kamon.init()}, and classes loaded earlier stay uninstrumented. The node itself lives in {@link NodeLauncher}.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    // On 2 CPUs the common pool gets parallelism 1, and CompletableFuture then runs every *Async stage without an
    // executor on a brand-new thread (one per request under load). Size it before anything touches it.
    if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
      System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism",
          String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
    String command = args.length == 0 ? "run" : args[0].toLowerCase(Locale.ROOT);
    String profile = NodeConfig.profileFromEnvironment();
    switch (command) {
      case "run" -> run(profile);
      case "migrate" -> System.exit(NodeLauncher.migrate(NodeConfig.load(profile)));
      case "policy" -> System.exit(dev.vigil.policy.cli.PolicyCli.run(rest(args), System.out, System.err));
      case "receipts" -> System.exit(dev.vigil.receipt.cli.ReceiptCli.run(rest(args), System.out, System.err));
      case "version" -> {
        System.out.println("vigil " + BuildInfo.version());
        System.exit(0);
      }
      default -> {
        System.err.println("usage: java -jar vigil.jar [run | migrate | version | policy lint|test|diff ... | "
            + "receipts verify <export>]   (unknown: "
            + String.join(" ", Arrays.asList(args)) + ")");
        System.exit(2);
      }
    }
  }

  private static String[] rest(String[] args) {
    return Arrays.copyOfRange(args, 1, args.length);
  }

  private static void run(String profile) {
    Config config = NodeConfig.load(profile);
    if (config.getBoolean("vigil.metrics.enabled")) {
      Metrics.init(config);
    }
    NodeLauncher.run(config);
  }
}

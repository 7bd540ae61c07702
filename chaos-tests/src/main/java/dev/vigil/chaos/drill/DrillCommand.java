package dev.vigil.chaos.drill;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import dev.vigil.chaos.ChaosCluster;
import dev.vigil.chaos.DrillTarget;
import dev.vigil.chaos.RemoteNode;

/**
 * The drill command. Against a running cluster (its management and API endpoints; process faults need the nodes'
 * process ids on this machine):
 *
 * <pre>
 * java -jar chaos-tests/target/vigil-chaos.jar --drill drain \
 *      --management http://127.0.0.1:8558,http://127.0.0.1:8559,http://127.0.0.1:8560 \
 *      --api http://127.0.0.1:8080,http://127.0.0.1:8081,http://127.0.0.1:8082 --key $KEY [--pids 101,102,103]
 * </pre>
 *
 * Or on a cluster the harness starts and stops itself ({@code --start 3} or {@code 5}, {@code --jar} the node jar):
 * {@code java -jar chaos-tests/target/vigil-chaos.jar --start 3 --drill kill,drain,partition}. Prints each report as
 * markdown and JSON, writes them under {@code --reports} (default {@code chaos-tests/target/drills}), exits 1 when a
 * drill failed and 2 on a usage error.
 */
public final class DrillCommand {

  private DrillCommand() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> options;
    try {
      options = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println(usage());
      System.exit(2);
      return;
    }
    List<Drill> drills = new ArrayList<>();
    for (String name : options.getOrDefault("drill", "kill").split(",")) {
      drills.add(Drill.parse(name.trim()));
    }
    Path reports = Path.of(options.getOrDefault("reports", "chaos-tests/target/drills"));
    DrillRunner.Settings settings = DrillRunner.Settings.defaults(reports);
    if (options.containsKey("rate")) {
      settings = settings.withRate(Integer.parseInt(options.get("rate")));
    }
    boolean allPassed = true;
    if (options.containsKey("start")) {
      int nodes = Integer.parseInt(options.get("start"));
      Path jar = Path.of(options.getOrDefault("jar", "cluster/target/vigil.jar")).toAbsolutePath();
      for (Drill drill : drills) {
        ChaosCluster.Settings clusterSettings = ChaosCluster.Settings.defaults(nodes, jar,
            reports.resolve(drill.wireName() + "-cluster").toAbsolutePath());
        if (options.containsKey("node-jvm")) {
          // extra node JVM options, e.g. a -D config override under test
          clusterSettings = clusterSettings.withExtraJvmOptions(Arrays.asList(options.get("node-jvm").split(" ")));
        }
        try (ChaosCluster cluster = ChaosCluster.start(clusterSettings)) {
          allPassed &= print(DrillRunner.run(drill, cluster, settings));
        }
      }
    } else {
      DrillTarget target = remote(options);
      for (Drill drill : drills) {
        allPassed &= print(DrillRunner.run(drill, target, settings));
      }
    }
    System.exit(allPassed ? 0 : 1);
  }

  private static boolean print(DrillReport report) {
    System.out.println(report.toMarkdown());
    System.out.println("```json");
    System.out.println(report.toJson());
    System.out.println("```");
    return report.passed();
  }

  static DrillTarget remote(Map<String, String> options) {
    String[] management = require(options, "management").split(",");
    String[] api = require(options, "api").split(",");
    String key = require(options, "key");
    String[] pids = options.containsKey("pids") ? options.get("pids").split(",") : new String[0];
    if (management.length != api.length || (pids.length > 0 && pids.length != api.length)) {
      throw new IllegalArgumentException("--management, --api (and --pids) must list the same nodes in the same order");
    }
    List<RemoteNode> nodes = new ArrayList<>();
    for (int i = 0; i < api.length; i++) {
      nodes.add(new RemoteNode(i, api[i].trim(), management[i].trim(),
          pids.length == 0 ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(pids[i].trim()))));
    }
    return new DrillTarget() {
      @Override
      public List<RemoteNode> nodes() {
        return nodes;
      }

      @Override
      public String adminKey() {
        return key;
      }

      @Override
      public String describe() {
        return "running cluster of " + nodes.size() + " nodes (management " + Arrays.toString(management) + ")";
      }
    };
  }

  static Map<String, String> parse(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --option value, got '" + args[i] + "'");
      }
      options.put(args[i].substring(2), args[++i]);
    }
    if (!options.containsKey("start") && !options.containsKey("management")) {
      throw new IllegalArgumentException("give either --start <nodes> or --management/--api/--key of a running cluster");
    }
    return options;
  }

  private static String require(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return value;
  }

  static String usage() {
    return """
        usage: vigil-chaos --drill kill|drain|freeze|partition|database-outage|vault-outage|kubernetes-down[,...]
                 [--reports DIR] [--rate N]
                 (--start 3|5 [--jar cluster/target/vigil.jar] [--node-jvm "-Dkey=value ..."])
               | (--management URL,... --api URL,... --key ADMIN_KEY [--pids PID,...])""";
  }
}

package dev.vigil.chaos;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node the harness runs: {@code java -jar vigil.jar} as its own process (inside the node's network namespace when
 * the drill network has them), with its own ports and data folder, its output in {@code node-<i>.log} of the drill
 * folder. It can be started again after it died, with the same ports and identity, to rejoin.
 */
public final class NodeProcess implements DrillNode {

  private static final Logger log = LoggerFactory.getLogger(NodeProcess.class);

  private final int index;
  private final String host;
  private final int httpPort;
  private final int managementPort;
  private final int remotingPort;
  private final List<String> command;
  private final Map<String, String> environment;
  private final Path logFile;
  private volatile Process process;

  NodeProcess(int index, String host, int httpPort, int managementPort, int remotingPort, List<String> command,
      Map<String, String> environment, Path logFile) {
    this.index = index;
    this.host = host;
    this.httpPort = httpPort;
    this.managementPort = managementPort;
    this.remotingPort = remotingPort;
    this.command = List.copyOf(command);
    this.environment = Map.copyOf(environment);
    this.logFile = logFile;
  }

  /** Starts (or restarts) the process; its output is appended to the node's log. */
  public synchronized void start() throws IOException {
    if (process != null && process.isAlive()) {
      throw new IllegalStateException("node " + index + " is already running (pid " + process.pid() + ")");
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
    builder.environment().keySet().removeIf(k -> k.startsWith("VIGIL_"));
    builder.environment().putAll(environment);
    process = builder.start();
    log.info("Started node {} (pid {}) at {} / {}", index, process.pid(), api(), management());
  }

  @Override
  public int index() {
    return index;
  }

  @Override
  public String api() {
    return "http://" + host + ":" + httpPort;
  }

  @Override
  public String management() {
    return "http://" + host + ":" + managementPort;
  }

  /** The node's cluster address, as seed-node lists and the management API name it. */
  public String clusterAddress() {
    return "pekko://vigil@" + host + ":" + remotingPort;
  }

  public Path logFile() {
    return logFile;
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public boolean isRunning() {
    return process != null && process.isAlive();
  }

  @Override
  public void kill() {
    log.info("kill -9 node {} (pid {})", index, process.pid());
    process.destroyForcibly();
  }

  @Override
  public void terminate() {
    log.info("SIGTERM node {} (pid {})", index, process.pid());
    process.destroy();
  }

  @Override
  public void freeze() throws IOException, InterruptedException {
    log.info("SIGSTOP node {} (pid {})", index, process.pid());
    DrillNode.signal(process.pid(), "STOP");
  }

  @Override
  public void thaw() throws IOException, InterruptedException {
    log.info("SIGCONT node {} (pid {})", index, process.pid());
    DrillNode.signal(process.pid(), "CONT");
  }

  @Override
  public OptionalInt awaitExit(Duration timeout) throws InterruptedException {
    Process p = process;
    if (p == null || !p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(p.exitValue());
  }

  /** Stops the process for good at the end of a drill: SIGCONT (in case it is frozen), then SIGKILL. */
  void destroy() {
    Process p = process;
    if (p != null && p.isAlive()) {
      try {
        DrillNode.signal(p.pid(), "CONT");
      } catch (IOException e) {
        log.debug("SIGCONT before kill failed: {}", e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      p.destroyForcibly();
      try {
        p.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  static List<String> javaCommand(List<String> prefix, List<String> jvmOptions, Path jar) {
    List<String> command = new ArrayList<>(prefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmOptions);
    command.add("-jar");
    command.add(jar.toString());
    return command;
  }
}

package dev.vigil.cluster.dev;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.vigil.k8s.JobTemplate;
import dev.vigil.k8s.jobs.JobObservation;
import dev.vigil.k8s.jobs.JobObservation.JobPhase;
import dev.vigil.k8s.jobs.JobRunner;
import dev.vigil.k8s.jobs.JobStatusReader;
import dev.vigil.k8s.jobs.ObservationDeduplicator;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * The dev profile's {@link JobRunner}: runs an investigation's "Job" as a local process, so the whole flow works on a
 * laptop without Kubernetes. The process runs the agent container's {@code command} + {@code args} with the
 * container's environment ({@code INVESTIGATION_ID}, {@code VIGIL_GATEWAY_URL}, {@code VIGIL_BOOTSTRAP_TOKEN} and the
 * request's own variables) on top of this node's, its output goes to {@code <logDirectory>/<job>.log}. The process
 * starting is reported as {@code RUNNING}, its exit as {@code SUCCEEDED} (0) or {@code FAILED} ("exit code n"), the
 * Job's {@code activeDeadlineSeconds} is enforced as {@code DeadlineExceeded}, and deleting the Job kills the process
 * (its descendants first). Not for production: no isolation, no service account, no resource limits.
 */
public final class LocalJobRunner implements JobRunner {

  private static final Logger log = LoggerFactory.getLogger(LocalJobRunner.class);

  private record Run(String investigationId, String jobName, Process process, long deadlineNanos) {}

  private final Path logDirectory;
  private final Map<String, Run> runs = new ConcurrentHashMap<>();
  private final Map<String, JobObservation> last = new ConcurrentHashMap<>();
  private final List<Consumer<JobObservation>> listeners = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.ScheduledExecutorService deadlines;
  private volatile boolean closed;

  public LocalJobRunner(Path logDirectory) {
    this.logDirectory = logDirectory;
    this.deadlines = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "vigil-local-jobs");
      t.setDaemon(true);
      return t;
    });
  }

  @Override
  public CompletionStage<Launch> launch(Job job) {
    String jobName = job.getMetadata().getName();
    String investigationId = JobStatusReader.investigationId(job).orElse("");
    Run existing = runs.get(jobName);
    if (existing != null) {
      if (existing.investigationId().equals(investigationId)) {
        return CompletableFuture.completedFuture(Launch.ADOPTED);
      }
      return CompletableFuture.failedFuture(new IllegalStateException("Job " + jobName
          + " exists but belongs to another investigation"));
    }
    if (last.containsKey(investigationId)) {
      return CompletableFuture.completedFuture(Launch.ADOPTED); // ran and ended already: lookup tells how
    }
    Container container = job.getSpec().getTemplate().getSpec().getContainers().get(0);
    List<String> commandLine = new ArrayList<>();
    if (container.getCommand() != null) {
      commandLine.addAll(container.getCommand());
    }
    if (container.getArgs() != null) {
      commandLine.addAll(container.getArgs());
    }
    if (commandLine.isEmpty()) {
      return CompletableFuture.failedFuture(new IllegalArgumentException(
          "the local job runner runs the request's command; this request has none"));
    }
    try {
      Files.createDirectories(logDirectory);
      ProcessBuilder builder = new ProcessBuilder(commandLine).redirectErrorStream(true)
          .redirectOutput(logDirectory.resolve(jobName + ".log").toFile());
      if (container.getEnv() != null) {
        for (EnvVar variable : container.getEnv()) {
          if (variable.getValue() != null) {
            builder.environment().put(variable.getName(), variable.getValue());
          }
        }
      }
      Long deadlineSeconds = job.getSpec().getActiveDeadlineSeconds();
      Process process = builder.start();
      long deadlineNanos = deadlineSeconds == null ? Long.MAX_VALUE
          : System.nanoTime() + TimeUnit.SECONDS.toNanos(deadlineSeconds);
      Run run = new Run(investigationId, jobName, process, deadlineNanos);
      runs.put(jobName, run);
      log.info("Local job {} started as process {}: {}", jobName, process.pid(), commandLine);
      report(new JobObservation(investigationId, jobName, JobPhase.RUNNING, ""));
      process.onExit().thenAccept(done -> exited(run));
      if (deadlineSeconds != null) {
        deadlines.schedule(() -> deadlinePassed(run), deadlineSeconds, TimeUnit.SECONDS);
      }
      return CompletableFuture.completedFuture(Launch.CREATED);
    } catch (IOException e) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("cannot start " + commandLine + ": "
          + e.getMessage(), e));
    }
  }

  private void exited(Run run) {
    if (runs.remove(run.jobName(), run)) {
      int code = run.process().exitValue();
      log.info("Local job {} exited with code {}", run.jobName(), code);
      report(new JobObservation(run.investigationId(), run.jobName(),
          code == 0 ? JobPhase.SUCCEEDED : JobPhase.FAILED, code == 0 ? "" : "exit code " + code));
    }
  }

  private void deadlinePassed(Run run) {
    if (runs.remove(run.jobName(), run)) {
      kill(run.process());
      report(new JobObservation(run.investigationId(), run.jobName(), JobPhase.FAILED, "DeadlineExceeded"));
    }
  }

  @Override
  public CompletionStage<Void> delete(String jobName) {
    Run run = runs.remove(jobName);
    if (run != null) {
      log.info("Local job {} deleted: killing process {}", jobName, run.process().pid());
      kill(run.process());
      report(new JobObservation(run.investigationId(), jobName, JobPhase.GONE, "Job deleted"));
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Optional<JobObservation>> lookup(String investigationId) {
    Run run = runs.get(JobTemplate.jobName(investigationId));
    if (run != null) {
      return CompletableFuture.completedFuture(Optional.of(new JobObservation(investigationId, run.jobName(),
          JobPhase.RUNNING, "")));
    }
    JobObservation seen = last.get(investigationId);
    return CompletableFuture.completedFuture(seen == null || seen.phase() == JobPhase.GONE ? Optional.empty()
        : Optional.of(seen));
  }

  @Override
  public void watch(Consumer<JobObservation> listener) {
    listeners.add(new ObservationDeduplicator(listener));
  }

  private void report(JobObservation observation) {
    last.put(observation.investigationId(), observation);
    if (!closed) {
      listeners.forEach(listener -> listener.accept(observation));
    }
  }

  /** Descendants first, then the process; forcibly after a short grace. */
  private static void kill(Process process) {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    process.onExit().orTimeout(3, TimeUnit.SECONDS).exceptionally(timeout -> {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      return process;
    });
  }

  /** Stops every local job (the node is shutting down: no process outlives it). */
  @Override
  public void close() {
    closed = true;
    runs.values().forEach(run -> kill(run.process()));
    runs.clear();
    deadlines.shutdownNow();
  }
}

package dev.vigil.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import dev.vigil.k8s.JobTemplate;
import dev.vigil.standins.kubernetes.JobListener;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.batch.v1.Job;

/**
 * Plays the agent's pod for the load driver: when the Kubernetes stand-in's controller starts a Job, the bootstrap
 * token Vigil put in the agent container's environment ({@link JobTemplate#ENV_BOOTSTRAP_TOKEN}) is written to
 * {@code <folder>/<investigation id>.token} (through a temporary file and a move, so a reader never sees half a
 * token). That is what the pod would get; the load driver then makes the agent's calls with it.
 */
final class JobTokens implements JobListener {

  private final Path folder;

  JobTokens(Path folder) {
    this.folder = Objects.requireNonNull(folder, "folder");
  }

  @Override
  public void started(Job job) {
    Map<String, String> labels = job.getMetadata().getLabels();
    String investigationId = labels == null ? null : labels.get(JobTemplate.LABEL_INVESTIGATION_ID);
    Optional<String> token = bootstrapToken(job);
    if (investigationId == null || token.isEmpty()) {
      return; // not a Vigil investigation Job
    }
    Path file = folder.resolve(investigationId + ".token");
    Path partial = folder.resolve(investigationId + ".token.tmp");
    try {
      Files.writeString(partial, token.get());
      Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("bootstrap token of " + investigationId + " not written", e);
    }
  }

  static Optional<String> bootstrapToken(Job job) {
    if (job.getSpec() == null || job.getSpec().getTemplate() == null || job.getSpec().getTemplate().getSpec() == null) {
      return Optional.empty();
    }
    for (Container container : job.getSpec().getTemplate().getSpec().getContainers()) {
      if (!JobTemplate.AGENT_CONTAINER.equals(container.getName()) || container.getEnv() == null) {
        continue;
      }
      for (EnvVar env : container.getEnv()) {
        if (JobTemplate.ENV_BOOTSTRAP_TOKEN.equals(env.getName()) && env.getValue() != null && !env.getValue().isBlank()) {
          return Optional.of(env.getValue());
        }
      }
    }
    return Optional.empty();
  }
}

package dev.vigil.k8s;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Renders the module's Kustomize overlays with the real {@code kubectl kustomize}. Without
 * kubectl the checks fail with a message saying so: a manifest nobody rendered is unchecked.
 * Renders are cached per JVM (each test class runs in its own).
 */
final class Kustomize {

  private static final Map<String, Manifests> RENDERED = new ConcurrentHashMap<>();

  private Kustomize() {}

  static Path moduleDir() {
    // surefire sets basedir; an IDE runs tests from the module directory
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
  }

  static Path overlaysDir() {
    return moduleDir().resolve("deploy/overlays");
  }

  /** Every overlay directory under deploy/overlays, by name. */
  static List<String> overlays() {
    try (Stream<Path> dirs = Files.list(overlaysDir())) {
      List<String> names = dirs.filter(dir -> Files.isRegularFile(dir.resolve("kustomization.yaml")))
          .map(dir -> dir.getFileName().toString())
          .sorted()
          .toList();
      if (names.isEmpty()) {
        fail("no overlays with a kustomization.yaml under " + overlaysDir());
      }
      return names;
    } catch (IOException e) {
      throw new AssertionError("cannot list " + overlaysDir(), e);
    }
  }

  static Manifests render(String overlay) {
    return RENDERED.computeIfAbsent(overlay, name -> Manifests.parse(name, renderYaml(name)));
  }

  static String renderYaml(String overlay) {
    Path kubectl = locateKubectl(System.getenv());
    Path dir = overlaysDir().resolve(overlay);
    try {
      Path stderr = Files.createTempFile("kustomize-" + overlay, ".err");
      Process process = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
          .redirectError(stderr.toFile())
          .start();
      byte[] out = process.getInputStream().readAllBytes();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("kubectl kustomize " + dir + " did not finish within 60 s");
      }
      String errors = Files.readString(stderr);
      Files.deleteIfExists(stderr);
      if (process.exitValue() != 0) {
        fail("kubectl kustomize " + dir + " failed (exit " + process.exitValue() + "):\n" + errors);
      }
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new AssertionError("cannot run " + kubectl, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while rendering " + dir, e);
    }
  }

  /** {@code $KUBECTL} if set, else the first executable kubectl on {@code $PATH}; fails clearly otherwise. */
  static Path locateKubectl(Map<String, String> env) {
    String explicit = env.get("KUBECTL");
    if (explicit != null && !explicit.isBlank()) {
      Path path = Path.of(explicit);
      if (Files.isExecutable(path)) {
        return path;
      }
      fail("KUBECTL=" + explicit + " is not an executable file; the Kustomize overlays cannot be rendered");
    }
    Optional<Path> found = Stream.of(env.getOrDefault("PATH", "").split(File.pathSeparator))
        .filter(entry -> !entry.isBlank())
        .map(entry -> Path.of(entry, "kubectl"))
        .filter(Files::isExecutable)
        .findFirst();
    return found.orElseGet(() -> fail(
        "kubectl not found on PATH: the checks of k8s/deploy need kubectl with Kustomize v5 "
            + "(install kubectl, or set KUBECTL to its path)"));
  }
}

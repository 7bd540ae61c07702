package dev.vigil.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The deployment and the node agree on names: every {@code VIGIL_*} variable the production overlay sets (ConfigMap
 * keys and container env) is one the node's configuration reads, so a renamed setting cannot silently fall back to a
 * default in a cluster. Renders the overlay with the real {@code kubectl kustomize}.
 */
class DeploymentEnvironmentTest {

  private static final Pattern READ = Pattern.compile("\\$\\{\\?(VIGIL_[A-Z0-9_]+)}");
  private static final Pattern CONFIG_MAP_KEY = Pattern.compile("^\\s+(VIGIL_[A-Z0-9_]+):", Pattern.MULTILINE);
  private static final Pattern ENV_NAME = Pattern.compile("- name: (VIGIL_[A-Z0-9_]+)");

  @Test
  void everyVariableTheProductionOverlaySetsIsReadByTheNode() throws Exception {
    String rendered = render(Path.of("../k8s/deploy/overlays/production"));
    Set<String> set = new TreeSet<>();
    collect(CONFIG_MAP_KEY, rendered, set);
    collect(ENV_NAME, rendered, set);
    assertTrue(set.contains("VIGIL_DB_URL") && set.contains("VIGIL_REMOTING_HOST"), "overlay rendered: " + set);

    Set<String> read = new TreeSet<>(Set.of("VIGIL_PROFILE")); // read by Main, not by HOCON
    for (String resource : new String[] {"application.conf", "kubernetes.conf", "dev.conf", "reference.conf",
        "vigil-cluster.conf", "vigil-management.conf", "vigil-kamon.conf"}) {
      for (URL url : Collections.list(getClass().getClassLoader().getResources(resource))) {
        try (InputStream in = url.openStream()) {
          collect(READ, new String(in.readAllBytes(), StandardCharsets.UTF_8), read);
        }
      }
    }
    Set<String> unread = new TreeSet<>(set);
    unread.removeAll(read);
    assertEquals(Set.of(), unread, "set by k8s/deploy/overlays/production but read by no configuration of the node");
  }

  private static void collect(Pattern pattern, String text, Set<String> into) {
    Matcher m = pattern.matcher(text);
    while (m.find()) {
      into.add(m.group(1));
    }
  }

  private static String render(Path overlay) throws IOException, InterruptedException {
    assertTrue(Files.isDirectory(overlay), "overlay missing: " + overlay.toAbsolutePath());
    Process kubectl;
    try {
      kubectl = new ProcessBuilder("kubectl", "kustomize", overlay.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new AssertionError("kubectl (with Kustomize v5) is needed to render the manifests and was not found", e);
    }
    String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(kubectl.waitFor(60, TimeUnit.SECONDS), "kubectl kustomize did not finish");
    assertEquals(0, kubectl.exitValue(), out);
    return out;
  }
}

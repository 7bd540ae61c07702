package dev.vigil.chaos.drill;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * What one drill did and found: the fault, the cluster it ran on, the moments it marked, timings it measured
 * (failure detection, partition resolution, drain), availability per phase, the invariant and target checks, and
 * notes (what could not be checked yet and why). Rendered as markdown for people and JSON for tools.
 */
public record DrillReport(String drill, String fault, String target, String startedAt, double durationSeconds,
    Map<String, Double> marksMillis, Map<String, Double> timingsMillis, List<Availability> availability,
    List<Check> checks, List<String> notes, String requestLog) {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** True when every check that ran passed. */
  public boolean passed() {
    return checks.stream().noneMatch(c -> c.status() == Check.Status.FAILED);
  }

  public String toJson() {
    try {
      var tree = JSON.valueToTree(this);
      ((com.fasterxml.jackson.databind.node.ObjectNode) tree).put("passed", passed());
      return JSON.writeValueAsString(tree);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String toMarkdown() {
    StringBuilder md = new StringBuilder();
    md.append("### Drill `").append(drill).append("`: ").append(passed() ? "PASSED" : "FAILED").append("\n\n");
    md.append("- fault: ").append(fault).append('\n');
    md.append("- cluster: ").append(target).append('\n');
    md.append("- started ").append(startedAt).append(", ran ").append(fmt(durationSeconds)).append(" s\n");
    if (!timingsMillis.isEmpty()) {
      md.append("- timings:");
      timingsMillis.forEach((k, v) -> md.append(" ").append(k).append(" = ").append(fmt(v / 1000)).append(" s;"));
      md.append('\n');
    }
    md.append("- phases (ms since load start):");
    marksMillis.forEach((k, v) -> md.append(" ").append(k).append(" @ ").append(Math.round(v)).append(';'));
    md.append("\n\n| phase | sent | answered | failed | violations | answered % | p50 ms | p99 ms | max ms |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Availability a : availability) {
      md.append("| ").append(a.window()).append(" | ").append(a.sent()).append(" | ").append(a.answered())
          .append(" | ").append(a.failed()).append(" | ").append(a.violations()).append(" | ")
          .append(fmt(a.answeredShare() * 100)).append(" | ").append(fmt(a.p50Millis())).append(" | ")
          .append(fmt(a.p99Millis())).append(" | ").append(fmt(a.maxMillis())).append(" |\n");
    }
    md.append("\n| check | result | detail |\n|---|---|---|\n");
    for (Check c : checks) {
      md.append("| ").append(c.name()).append(" | ").append(c.status()).append(" | ")
          .append(c.detail().replace("|", "\\|").replace("\n", " ")).append(" |\n");
    }
    if (!notes.isEmpty()) {
      md.append('\n');
      notes.forEach(n -> md.append("- note: ").append(n).append('\n'));
    }
    md.append("\nrequest log: `").append(requestLog).append("`\n");
    return md.toString();
  }

  /** Writes {@code <drill>.md} and {@code <drill>.json} into {@code folder}; returns the markdown file. */
  public Path writeTo(Path folder) throws IOException {
    Files.createDirectories(folder);
    Path md = folder.resolve(drill + ".md");
    Files.writeString(md, toMarkdown());
    Files.writeString(folder.resolve(drill + ".json"), toJson());
    return md;
  }

  static String fmt(double value) {
    return String.format(Locale.ROOT, "%.1f", value);
  }
}

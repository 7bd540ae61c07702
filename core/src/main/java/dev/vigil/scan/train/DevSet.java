package dev.vigil.scan.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the scanner dev set ({@code shared/data/scanner-dev/*.jsonl}, beside the repository). The
 * folder is found from {@code -Dvigil.scanner.data}, then {@code VIGIL_SCANNER_DATA}, then by walking
 * up from the working directory looking for {@code shared/data/scanner-dev} or
 * {@code ../shared/data/scanner-dev}. Lines are deduplicated on lower-cased, trimmed text.
 */
public final class DevSet {

  public static final String PROPERTY = "vigil.scanner.data";
  public static final String ENV = "VIGIL_SCANNER_DATA";
  public static final List<String> AUTHENSOR_FILES =
      List.of("authensor_prompt-injection-benchmark.jsonl", "authensor_ai-seclists.jsonl");
  public static final List<String> INDEPENDENT_FILES =
      List.of("deepset_prompt-injections.jsonl", "injecguard_notinject_wildguard.jsonl");

  private static final ObjectMapper JSON = new ObjectMapper();

  private DevSet() {}

  /** The data folder, or a clear error saying where it was looked for. */
  public static Path locate() {
    return find().orElseThrow(() -> new IllegalStateException(
        "scanner dev set not found: set -D" + PROPERTY + "=DIR or " + ENV + "=DIR, or place it at ../shared/data/scanner-dev"
            + " relative to the repository root (searched upwards from " + Path.of("").toAbsolutePath() + ")"));
  }

  public static Optional<Path> find() {
    String configured = System.getProperty(PROPERTY, System.getenv(ENV));
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      return Files.isDirectory(path) ? Optional.of(path) : Optional.empty();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      for (Path candidate : List.of(dir.resolve("shared/data/scanner-dev"), dir.resolve("../shared/data/scanner-dev"))) {
        if (Files.isDirectory(candidate)) {
          return Optional.of(candidate.normalize());
        }
      }
    }
    return Optional.empty();
  }

  /** Loads {@code files} from {@code dir}, pooled and deduplicated (first occurrence wins). */
  public static List<Example> load(Path dir, Collection<String> files) {
    List<Example> examples = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String file : files) {
      Path path = dir.resolve(file);
      if (!Files.isRegularFile(path)) {
        throw new IllegalStateException("dev set file missing: " + path);
      }
      try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
        String line;
        while ((line = reader.readLine()) != null) {
          if (line.isBlank()) {
            continue;
          }
          JsonNode node = JSON.readTree(line);
          String text = node.path("text").asText();
          if (text.isBlank() || !seen.add(key(text))) {
            continue;
          }
          examples.add(new Example(text, node.path("label").asText(), file, node.path("category").asText("")));
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + path, e);
      }
    }
    return examples;
  }

  /** Property / environment variable naming an extra benign corpus (JSON lines) added to every training set. */
  public static final String EXTRA_BENIGN_PROPERTY = "vigil.scanner.extraBenign";
  public static final String EXTRA_BENIGN_ENV = "VIGIL_SCANNER_EXTRA_BENIGN";

  /** The extra benign corpus built by {@code core/bench/scanner-benign-corpus.sh}, when configured and present. */
  public static Optional<Path> extraBenign() {
    String configured = System.getProperty(EXTRA_BENIGN_PROPERTY, System.getenv(EXTRA_BENIGN_ENV));
    if (configured == null || configured.isBlank()) {
      return Optional.empty();
    }
    Path path = Path.of(configured);
    if (!Files.isRegularFile(path)) {
      throw new IllegalStateException("extra benign corpus not found: " + path + " (build it with core/bench/scanner-benign-corpus.sh)");
    }
    return Optional.of(path);
  }

  /** Lines of the extra benign corpus, which are training-only: never in a test set. */
  public static boolean isExtraBenign(Example e) {
    return e.file().equals(EXTRA_FILE_MARK) || e.file().startsWith(EXTRA_FILE_MARK);
  }

  static final String EXTRA_FILE_MARK = "extra:";

  /** The extra benign lines (label benign), marked so the trainer can weigh and calibrate them apart. */
  public static List<Example> loadExtraBenign(Path path) {
    return loadFile(path).stream().map(e -> new Example(e.text(), "benign", EXTRA_FILE_MARK + e.file(), e.category())).toList();
  }

  /** Loads one JSON-lines file of any location (e.g. the extra benign corpus), deduplicated within itself. */
  public static List<Example> loadFile(Path path) {
    return load(path.toAbsolutePath().getParent(), List.of(path.getFileName().toString()));
  }

  /** Drops from {@code test} every example whose text also occurs in {@code train}. */
  public static List<Example> withoutOverlap(List<Example> test, List<Example> train) {
    Set<String> trainKeys = new HashSet<>();
    train.forEach(e -> trainKeys.add(key(e.text())));
    return test.stream().filter(e -> !trainKeys.contains(key(e.text()))).toList();
  }

  public static String key(String text) {
    return text.trim().toLowerCase(Locale.ROOT);
  }

  /** A stable pseudo-random bucket in [0, 100) for a text, for reproducible splits. */
  public static int bucket(String text) {
    int h = key(text).hashCode();
    h ^= h >>> 16;
    h *= 0x85EBCA6B;
    h ^= h >>> 13;
    return Math.floorMod(h, 100);
  }
}

package dev.vigil.scan.train;

import dev.vigil.scan.model.InjectionModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Command-line trainer of the shipped injection model.
 *
 * <pre>
 * TrainInjectionModel DATA_DIR FILES OUTPUT
 *   DATA_DIR  the scanner dev set ("auto" finds ../shared/data/scanner-dev)
 *   FILES     comma-separated .jsonl names, or "all"
 *   OUTPUT    e.g. core/src/main/resources/dev/vigil/scan/injection-model.bin
 * </pre>
 * With {@code -Dvigil.scanner.extraBenign=FILE} (or {@code VIGIL_SCANNER_EXTRA_BENIGN}) the benign
 * lines of that JSON-lines corpus join the training set ({@link SoftmaxTrainer} weighs them apart).
 */
public final class TrainInjectionModel {

  private TrainInjectionModel() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 3) {
      System.err.println("usage: TrainInjectionModel DATA_DIR|auto FILES|all OUTPUT");
      System.exit(2);
    }
    Path dir = args[0].equals("auto") ? DevSet.locate() : Path.of(args[0]);
    List<String> files = args[1].equals("all") ? allFiles(dir) : Arrays.asList(args[1].split(","));
    Path output = Path.of(args[2]);
    List<Example> examples = new java.util.ArrayList<>(DevSet.load(dir, files));
    DevSet.extraBenign().ifPresent(path -> examples.addAll(DevSet.withoutOverlap(DevSet.loadExtraBenign(path), examples)));
    Map<String, Long> counts = examples.stream().collect(Collectors.groupingBy(Example::label, TreeMap::new, Collectors.counting()));
    System.out.println("training on " + files + ": " + examples.size() + " distinct lines " + counts);
    long started = System.nanoTime();
    InjectionModel model = new SoftmaxTrainer(SoftmaxTrainer.Settings.defaults())
        .train(examples, "trained on " + String.join(",", files) + " " + counts);
    model.write(output);
    System.out.printf("wrote %s (%d bytes) in %.1f s; thresholds %s%n",
        output, Files.size(output), (System.nanoTime() - started) / 1e9, model.thresholds());
  }

  static List<String> allFiles(Path dir) throws IOException {
    try (Stream<Path> list = Files.list(dir)) {
      return list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsonl")).sorted().toList();
    }
  }
}

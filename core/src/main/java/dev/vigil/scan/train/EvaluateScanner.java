package dev.vigil.scan.train;

import dev.vigil.scan.ContentScanner;
import dev.vigil.scan.FindingType;
import dev.vigil.scan.ScanOptions;
import dev.vigil.scan.ScanResult;
import dev.vigil.scan.Severity;
import dev.vigil.scan.model.InjectionModel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Measures the scanner across sources: the injection model is trained on one group of files and
 * tested on the other (Authensor to deepset + NotInject/WildGuard, and the reverse), so the numbers
 * say how it does on text from sources it never saw. Secrets and PII detectors are not trained, so
 * they are measured on every file. Prints markdown and, with a doc path, replaces the section
 * between {@code <!-- eval:start -->} and {@code <!-- eval:end -->} in it.
 *
 * <pre>EvaluateScanner DATA_DIR|auto [DOC_PATH]</pre>
 */
public final class EvaluateScanner {

  /** A cross-source split: train files, test files. */
  public record Split(String name, List<String> train, List<String> test) {}

  /** Counts for one (file, label) cell. */
  public static final class Cell {
    int total;
    int attack;
    int secret;
    int secretAtLeastMedium;
    int pii;
    int exfiltration;

    void add(ScanResult result) {
      total++;
      attack += result.has(FindingType.PROMPT_INJECTION) || result.has(FindingType.JAILBREAK) ? 1 : 0;
      secret += result.has(FindingType.SECRET) ? 1 : 0;
      secretAtLeastMedium += result.has(FindingType.SECRET, Severity.MEDIUM) ? 1 : 0;
      pii += result.has(FindingType.PII) ? 1 : 0;
      exfiltration += result.has(FindingType.EXFILTRATION) ? 1 : 0;
    }

    void addAll(Cell other) {
      total += other.total;
      attack += other.attack;
      secret += other.secret;
      secretAtLeastMedium += other.secretAtLeastMedium;
      pii += other.pii;
      exfiltration += other.exfiltration;
    }

    public int total() {
      return total;
    }

    public int attack() {
      return attack;
    }

    public int secret() {
      return secret;
    }

    public int pii() {
      return pii;
    }
  }

  /** Per file, per label counts of one scanner over one test set. */
  public record Report(Map<String, Map<String, Cell>> cells) {

    public Cell label(String label) {
      Cell sum = new Cell();
      cells.values().forEach(byLabel -> {
        Cell c = byLabel.get(label);
        if (c != null) {
          sum.addAll(c);
        }
      });
      return sum;
    }

    public double attackRecall() {
      Cell inj = label("injection");
      Cell jb = label("jailbreak");
      return ratio(inj.attack + jb.attack, inj.total + jb.total);
    }

    public double benignFpr() {
      Cell benign = label("benign");
      return ratio(benign.attack, benign.total);
    }
  }

  public static final List<Split> SPLITS = List.of(
      new Split("A: train Authensor, test deepset + NotInject/WildGuard", DevSet.AUTHENSOR_FILES, DevSet.INDEPENDENT_FILES),
      new Split("B: train deepset + NotInject/WildGuard, test Authensor", DevSet.INDEPENDENT_FILES, DevSet.AUTHENSOR_FILES));

  /** In-distribution reference: every file pooled, 80% of lines (by text hash) to train, 20% to test. */
  public static final Split POOLED = new Split("C: all files pooled, random 80/20 split by text hash (in-distribution, optimistic)",
      List.of(), List.of());

  private EvaluateScanner() {}

  static List<String> allFiles() {
    List<String> all = new ArrayList<>(DevSet.AUTHENSOR_FILES);
    all.addAll(DevSet.INDEPENDENT_FILES);
    return all;
  }

  /** The split's training lines, plus the extra benign corpus when one is configured ({@link DevSet#extraBenign()}). */
  public static List<Example> trainSet(Path dir, Split split) {
    List<Example> train = new ArrayList<>(split == POOLED
        ? DevSet.load(dir, allFiles()).stream().filter(e -> DevSet.bucket(e.text() + "#split") < 80).toList()
        : DevSet.load(dir, split.train()));
    DevSet.extraBenign().ifPresent(path -> train.addAll(DevSet.withoutOverlap(DevSet.loadExtraBenign(path), train)));
    return train;
  }

  public static List<Example> testSet(Path dir, Split split, List<Example> train) {
    if (split == POOLED) {
      return DevSet.load(dir, allFiles()).stream().filter(e -> DevSet.bucket(e.text() + "#split") >= 80).toList();
    }
    return DevSet.withoutOverlap(DevSet.load(dir, split.test()), train);
  }

  public static void main(String[] args) throws IOException {
    Path dir = args.length == 0 || args[0].equals("auto") ? DevSet.locate() : Path.of(args[0]);
    String markdown = evaluate(dir, SoftmaxTrainer.Settings.fromSystemProperties());
    System.out.println(markdown);
    if (args.length > 1) {
      writeSection(Path.of(args[1]), markdown);
      System.out.println("updated " + args[1]);
    }
  }

  /** Runs both cross-source splits and the untrained detectors; returns the markdown report. */
  public static String evaluate(Path dir, SoftmaxTrainer.Settings settings) {
    StringBuilder md = new StringBuilder();
    md.append("Data: `").append(dir.getFileName()).append("` (deduplicated on lower-cased text; test lines that also occur in the")
        .append(" training files are dropped). Scanner options: all categories, source `agent`.\n\n");
    md.append("### Injection and jailbreak, cross-source\n\n");
    md.append("Detected = any `prompt_injection` or `jailbreak` finding. Precision is within each split's test set.\n\n");
    md.append("| split | scanner | injection recall | jailbreak recall | attack recall | benign FPR | precision |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    StringBuilder perFile = new StringBuilder();
    StringBuilder operatingPoints = new StringBuilder(
        "| split | test benign FPR | attack recall | threshold (logit) |\n|---|---|---|---|\n");
    perFile.append("| split | scanner | file | label | n | detected | rate |\n|---|---|---|---|---|---|---|\n");
    List<Split> splits = new ArrayList<>(SPLITS);
    splits.add(POOLED);
    for (Split split : splits) {
      List<Example> train = trainSet(dir, split);
      List<Example> test = testSet(dir, split, train);
      InjectionModel model = new SoftmaxTrainer(settings).train(train, split.name());
      Map<String, ContentScanner> scanners = new TreeMap<>();
      scanners.put("model + phrases", ContentScanner.withModel(model));
      scanners.put("model only", ContentScanner.withModel(model.withPhraseScale(0.0)));
      scanners.put("phrases only (no model)", ContentScanner.fastOnly());
      operatingPoints.append(operatingPoints(split, model, test));
      for (Map.Entry<String, ContentScanner> entry : scanners.entrySet()) {
        Report report = run(entry.getValue(), test);
        Cell inj = report.label("injection");
        Cell jb = report.label("jailbreak");
        Cell benign = report.label("benign");
        int tp = inj.attack + jb.attack;
        md.append("| ").append(split.name().substring(0, 1)).append(" | ").append(entry.getKey()).append(" | ")
            .append(pct(inj.attack, inj.total)).append(" | ").append(pct(jb.attack, jb.total)).append(" | ")
            .append(pct(tp, inj.total + jb.total)).append(" | ").append(pct(benign.attack, benign.total)).append(" | ")
            .append(pct(tp, tp + benign.attack)).append(" |\n");
        if (entry.getKey().equals("model + phrases")) {
          report.cells().forEach((file, byLabel) -> byLabel.forEach((label, cell) -> {
            if (!label.equals("secret") && !label.equals("pii")) {
              perFile.append("| ").append(split.name().substring(0, 1)).append(" | ").append(entry.getKey()).append(" | ")
                  .append(file).append(" | ").append(label).append(" | ").append(cell.total).append(" | ")
                  .append(cell.attack).append(" | ").append(pct(cell.attack, cell.total)).append(" |\n");
            }
          }));
        }
      }
    }
    md.append("\nSplits: ");
    splits.forEach(s -> md.append(s.name()).append(". "));
    md.append("\n\nPer source file (model + phrases):\n\n").append(perFile);
    md.append("\nOperating points of model + phrases if the threshold were set on the *test* benign lines (diagnostic only,")
        .append(" not how the shipped thresholds are set):\n\n").append(operatingPoints);

    md.append("\n### Secrets, PII and exfiltration (rule detectors, not trained: every file)\n\n");
    md.append("| file | secret recall (any / >= medium) | PII recall | benign lines with a SECRET finding | ")
        .append("benign with PII | benign with EXFILTRATION | attacks with EXFILTRATION |\n|---|---|---|---|---|---|---|\n");
    List<String> all = new ArrayList<>(DevSet.AUTHENSOR_FILES);
    all.addAll(DevSet.INDEPENDENT_FILES);
    Report rules = run(ContentScanner.fastOnly(), DevSet.load(dir, all));
    Cell secretSum = new Cell();
    Cell piiSum = new Cell();
    Cell benignSum = new Cell();
    Cell attackSum = new Cell();
    for (String file : all) {
      Map<String, Cell> byLabel = rules.cells().getOrDefault(file, Map.of());
      Cell secret = byLabel.getOrDefault("secret", new Cell());
      Cell pii = byLabel.getOrDefault("pii", new Cell());
      Cell benign = byLabel.getOrDefault("benign", new Cell());
      Cell attacks = new Cell();
      attacks.addAll(byLabel.getOrDefault("injection", new Cell()));
      attacks.addAll(byLabel.getOrDefault("jailbreak", new Cell()));
      secretSum.addAll(secret);
      piiSum.addAll(pii);
      benignSum.addAll(benign);
      attackSum.addAll(attacks);
      md.append(row(file, secret, pii, benign, attacks));
    }
    md.append(row("**all**", secretSum, piiSum, benignSum, attackSum));
    md.append(placeholderBreakdown(DevSet.load(dir, all)));
    md.append(extraBenignRuleCheck());
    return md.toString();
  }

  /**
   * Reporting only (no detector looks at these words): secret lines whose own text says the value is
   * fake ({@code EXAMPLE_NOT_REAL}, {@code FAKE}, {@code DO_NOT_USE}) carry no credential, so recall
   * is also given without them.
   */
  static final java.util.regex.Pattern MARKED_FAKE = java.util.regex.Pattern.compile("(?i)not[_\\- ]?real|fake|do[_\\- ]not[_\\- ]use");

  static String placeholderBreakdown(List<Example> all) {
    ContentScanner scanner = ContentScanner.fastOnly();
    int marked = 0;
    int markedFound = 0;
    int unmarked = 0;
    int unmarkedFound = 0;
    int unmarkedMedium = 0;
    for (Example e : all) {
      if (!e.label().equals("secret")) {
        continue;
      }
      ScanResult r = scanner.scan(e.text(), ScanOptions.defaults());
      boolean found = r.has(FindingType.SECRET);
      if (MARKED_FAKE.matcher(e.text()).find()) {
        marked++;
        markedFound += found ? 1 : 0;
      } else {
        unmarked++;
        unmarkedFound += found ? 1 : 0;
        unmarkedMedium += r.has(FindingType.SECRET, Severity.MEDIUM) ? 1 : 0;
      }
    }
    return "\nSecret lines whose text marks the value as fake (`NOT_REAL`, `FAKE`, `DO_NOT_USE`; reporting only, no detector uses"
        + " these words): " + marked + ", of which " + markedFound + " still get a SECRET finding (mostly LOW `credential-prefix`)."
        + " Recall on the other " + unmarked + " secret lines: " + pct(unmarkedFound, unmarked) + " (any severity), "
        + pct(unmarkedMedium, unmarked) + " (>= medium).\n";
  }

  /** SECRET/PII findings on the extra benign corpus (Debian documentation), when one is configured. */
  static String extraBenignRuleCheck() {
    return DevSet.extraBenign().map(path -> {
      List<Example> extra = DevSet.loadExtraBenign(path);
      Report report = run(ContentScanner.fastOnly(), extra);
      Cell benign = report.label("benign");
      return "\nRule detectors on the extra benign corpus (`" + path.getFileName() + "`, " + extra.size()
          + " chunks of Debian man pages, package descriptions and READMEs): SECRET findings on " + pct(benign.secret, benign.total)
          + ", PII on " + pct(benign.pii, benign.total) + " (mostly authors' e-mail addresses), EXFILTRATION on "
          + pct(benign.exfiltration, benign.total) + ".\n";
    }).orElse("");
  }

  /** Recall at several FPRs, thresholds taken from the test benign scores: shows the ranking quality apart from calibration. */
  static String operatingPoints(Split split, InjectionModel model, List<Example> test) {
    dev.vigil.scan.detect.InjectionPhrases phrases = new dev.vigil.scan.detect.InjectionPhrases();
    List<Double> benign = new ArrayList<>();
    List<Double> attacks = new ArrayList<>();
    for (Example e : test) {
      double logit = model.classify(e.text(), phrases.signals(e.text())).attackLogit();
      if (e.label().equals("benign")) {
        benign.add(logit);
      } else if (e.isAttack()) {
        attacks.add(logit);
      }
    }
    StringBuilder md = new StringBuilder();
    double[] benignScores = benign.stream().mapToDouble(Double::doubleValue).toArray();
    for (double fpr : new double[] {0.01, 0.02, 0.05, 0.10}) {
      double threshold = SoftmaxTrainer.thresholdFor(benignScores, fpr);
      long hits = attacks.stream().filter(a -> a >= threshold).count();
      long fp = benign.stream().filter(b -> b >= threshold).count();
      md.append("| ").append(split.name(), 0, 1).append(" | ").append(pct((int) fp, benign.size())).append(" | ")
          .append(pct((int) hits, attacks.size())).append(" | ").append(String.format("%.2f", threshold)).append(" |\n");
    }
    return md.toString();
  }

  private static String row(String file, Cell secret, Cell pii, Cell benign, Cell attacks) {
    return "| " + file + " | " + pct(secret.secret, secret.total) + " / " + pct(secret.secretAtLeastMedium, secret.total) + " | "
        + pct(pii.pii, pii.total) + " | " + pct(benign.secret, benign.total) + " | " + pct(benign.pii, benign.total) + " | "
        + pct(benign.exfiltration, benign.total) + " | " + pct(attacks.exfiltration, attacks.total) + " |\n";
  }

  public static Report run(ContentScanner scanner, List<Example> test) {
    Map<String, Map<String, Cell>> cells = new TreeMap<>();
    ScanOptions options = ScanOptions.defaults();
    for (Example e : test) {
      ScanResult result = scanner.scan(e.text(), options);
      cells.computeIfAbsent(e.file(), f -> new TreeMap<>()).computeIfAbsent(e.label(), l -> new Cell()).add(result);
    }
    return new Report(cells);
  }

  static double ratio(int a, int b) {
    return b == 0 ? Double.NaN : (double) a / b;
  }

  static String pct(int a, int b) {
    return b == 0 ? "n/a" : String.format("%.1f%% (%d/%d)", 100.0 * a / b, a, b);
  }

  static void writeSection(Path doc, String markdown) throws IOException {
    String start = "<!-- eval:start -->";
    String end = "<!-- eval:end -->";
    String content = Files.exists(doc) ? Files.readString(doc, StandardCharsets.UTF_8) : "";
    int s = content.indexOf(start);
    int e = content.indexOf(end);
    String section = start + "\n" + markdown + "\n" + end;
    String updated = s >= 0 && e > s ? content.substring(0, s) + section + content.substring(e + end.length())
        : content + "\n" + section + "\n";
    Files.writeString(doc, updated, StandardCharsets.UTF_8);
  }
}

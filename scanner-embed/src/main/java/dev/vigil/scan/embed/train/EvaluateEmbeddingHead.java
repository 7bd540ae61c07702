package dev.vigil.scan.embed.train;

import dev.vigil.scan.detect.InjectionPhrases;
import dev.vigil.scan.embed.EmbeddingClassifier;
import dev.vigil.scan.embed.SentenceEncoder;
import dev.vigil.scan.model.InjectionModel;
import dev.vigil.scan.train.DevSet;
import dev.vigil.scan.train.EvaluateScanner;
import dev.vigil.scan.train.Example;
import dev.vigil.scan.train.SoftmaxTrainer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Cross-source evaluation of the sentence-embedding classifier next to the n-gram model, on
 * exactly {@link EvaluateScanner}'s splits (same deduplication, same test sets, the extra benign
 * corpus in training only when configured) and its threshold policy (calibrated on held-out benign
 * lines of the training side). Prints markdown and, with a doc path, replaces the section between
 * {@code <!-- embed-eval-MODEL:start -->} and {@code <!-- embed-eval-MODEL:end -->} (MODEL e.g. {@code all-minilm-l6-v2-q}). Embeddings are cached in
 * {@code -Dvigil.scanner.embeddingCache} (default {@code scanner-embed/target/embeddings-VARIANT.bin}).
 *
 * <pre>EvaluateEmbeddingHead DATA_DIR|auto [DOC_PATH]</pre>
 * {@code -Dvigil.scanner.minilm=full} for the float32 MiniLM (profile minilm-full), {@code =e5} for e5-small-v2-q (profile e5-small).
 */
public final class EvaluateEmbeddingHead {

  private EvaluateEmbeddingHead() {}

  /** A scorer trained on one split: its attack logit per text and its agent threshold. */
  record Scored(ToDoubleFunction<String> logit, double threshold) {}

  public static void main(String[] args) throws IOException {
    Path dir = args.length == 0 || args[0].equals("auto") ? DevSet.locate() : Path.of(args[0]);
    SentenceEncoder.Variant variant = variant();
    long loadStart = System.nanoTime();
    SentenceEncoder encoder = SentenceEncoder.load(variant);
    System.err.printf("loaded %s in %.1f s%n", variant, (System.nanoTime() - loadStart) / 1e9);
    StringBuilder md = new StringBuilder();
    try (EmbeddingCache cache = new EmbeddingCache(encoder, cachePath(variant))) {
      md.append(evaluate(dir, cache, variant));
      System.err.printf("embedding cache: %d texts, %d computed in this run%n", cache.size(), cache.computed());
    }
    System.out.println(md);
    if (args.length > 1) {
      writeSection(Path.of(args[1]), "embed-eval-" + variant.modelResource().replace(".onnx", ""), md.toString());
      System.out.println("updated " + args[1]);
    }
  }

  static SentenceEncoder.Variant variant() {
    return switch (System.getProperty("vigil.scanner.minilm", "q")) {
      case "full" -> SentenceEncoder.Variant.FULL;
      case "e5" -> SentenceEncoder.Variant.E5_SMALL_QUANTIZED;
      default -> SentenceEncoder.Variant.QUANTIZED;
    };
  }

  static Path cachePath(SentenceEncoder.Variant variant) {
    String configured = System.getProperty("vigil.scanner.embeddingCache");
    return configured != null ? Path.of(configured)
        : Path.of("scanner-embed/target/embeddings-" + variant.modelResource().replace(".onnx", "") + ".bin");
  }

  /** The head configurations compared; {@code -Dvigil.scanner.embedSweep=true} adds the diagnostics of the prose table. */
  static Map<String, HeadTrainer.Settings> heads() {
    HeadTrainer.Settings d = HeadTrainer.Settings.defaults();
    Map<String, HeadTrainer.Settings> heads = new LinkedHashMap<>();
    heads.put("embedding, linear head + phrases", d);
    heads.put("embedding, linear head only", d.withPhraseScale(0));
    heads.put("embedding, 64-unit MLP head + phrases", d.withHidden(64));
    if (Boolean.getBoolean("vigil.scanner.embedSweep")) {
      heads.put("embedding, linear, L2 1e-2 + phrases", d.withL2(1e-2));
      heads.put("embedding, linear, L2 1e-4 + phrases", d.withL2(1e-4));
      heads.put("embedding, linear, extra corpus 1/4 of benign weight + phrases", d.withExtraBenignShare(0.25));
      heads.put("embedding, linear, extra corpus 3/4 of benign weight + phrases", d.withExtraBenignShare(0.75));
      heads.put("embedding, linear head + phrases, most suspicious sentence", d.withSentenceMax(true));
    }
    return heads;
  }

  static String evaluate(Path dir, EmbeddingCache cache, SentenceEncoder.Variant variant) {
    InjectionPhrases phrases = new InjectionPhrases();
    StringBuilder md = new StringBuilder();
    md.append("Embedding model: `").append(variant.modelResource()).append("`. Same splits, deduplication and threshold policy as")
        .append(" above (agent threshold at 2% FPR on held-out benign lines of the training side only). In brackets: recall if the")
        .append(" threshold were set at 2% FPR on the *test* benign lines (ranking quality apart from calibration; diagnostic only).\n\n");
    md.append("| split | classifier | injection recall | jailbreak recall | attack recall | benign FPR | [recall at 2% test FPR] |\n");
    md.append("|---|---|---|---|---|---|---|\n");
    StringBuilder perFile = new StringBuilder("| split | file | label | n | n-gram + phrases | embedding linear + phrases | summed |\n"
        + "|---|---|---|---|---|---|---|\n");
    List<EvaluateScanner.Split> splits = new ArrayList<>(EvaluateScanner.SPLITS);
    splits.add(EvaluateScanner.POOLED);
    for (EvaluateScanner.Split split : splits) {
      long started = System.nanoTime();
      List<Example> train = EvaluateScanner.trainSet(dir, split);
      List<Example> test = EvaluateScanner.testSet(dir, split, train);
      String s = split.name().substring(0, 1);
      Map<String, Scored> scorers = new LinkedHashMap<>();
      InjectionModel ngram = new SoftmaxTrainer(SoftmaxTrainer.Settings.defaults()).train(train, split.name());
      scorers.put("n-gram model + phrases (today)", new Scored(t -> ngram.classify(t, phrases.signals(t)).attackLogit(),
          ngram.thresholds().agent()));
      EmbeddingClassifier noPhrases = null;
      for (Map.Entry<String, HeadTrainer.Settings> head : heads().entrySet()) {
        EmbeddingClassifier c = new HeadTrainer(head.getValue()).train(train, cache, split.name());
        if (head.getValue().phraseScale() == 0 && head.getValue().hidden() == 0) {
          noPhrases = c;
        }
        scorers.put(head.getKey(), new Scored(t -> c.classify(t, phrases.signals(t)).attackLogit(), c.thresholds().agent()));
      }
      if (noPhrases != null) {
        EmbeddingClassifier embed = noPhrases;
        ToDoubleFunction<String> sum = t -> {
          InjectionPhrases.Signals signals = phrases.signals(t);
          return ngram.classify(t, signals).attackLogit() + embed.classify(t, signals).attackLogit();
        };
        scorers.put("n-gram + phrases + linear embedding (logits summed)", new Scored(sum, calibrated(train, sum)));
      }
      for (Map.Entry<String, Scored> scorer : scorers.entrySet()) {
        md.append(row(s, scorer.getKey(), scorer.getValue(), test));
      }
      perFile.append(perFile(s, scorers, test));
      dumpScores(s, variant, scorers, test);
      System.err.printf("split %s: %.1f s, cache %d%n", s, (System.nanoTime() - started) / 1e9, cache.size());
    }
    md.append("\nSplits as above: A train Authensor, test deepset + NotInject/WildGuard; B the reverse; C all files pooled, 80/20 by text hash.\n");
    md.append("\nPer test file and label, share flagged at the calibrated threshold (cross-source splits):\n\n").append(perFile);
    return md.toString();
  }

  private static final List<String> PER_FILE_SCORERS = List.of("n-gram model + phrases (today)", "embedding, linear head + phrases",
      "n-gram + phrases + linear embedding (logits summed)");

  static String perFile(String split, Map<String, Scored> scorers, List<Example> test) {
    if (split.equals("C")) {
      return "";
    }
    Map<String, List<Example>> cells = new java.util.TreeMap<>();
    test.stream().filter(e -> e.isAttack() || e.label().equals("benign"))
        .forEach(e -> cells.computeIfAbsent(e.file() + " | " + e.label(), k -> new ArrayList<>()).add(e));
    StringBuilder md = new StringBuilder();
    cells.forEach((cell, examples) -> {
      md.append("| ").append(split).append(" | ").append(cell).append(" | ").append(examples.size());
      for (String name : PER_FILE_SCORERS) {
        Scored scorer = scorers.get(name);
        long hits = examples.stream().filter(e -> scorer.logit().applyAsDouble(e.text()) >= scorer.threshold()).count();
        md.append(" | ").append(pct((int) hits, examples.size()));
      }
      md.append(" |\n");
    });
    return md.toString();
  }

  /** Every test line's scores, for reading misses: {@code scanner-embed/target/scores-MODEL-SPLIT.tsv}. */
  static void dumpScores(String split, SentenceEncoder.Variant variant, Map<String, Scored> scorers, List<Example> test) {
    Path out = Path.of("scanner-embed/target/scores-" + variant.modelResource().replace(".onnx", "") + "-" + split + ".tsv");
    StringBuilder tsv = new StringBuilder("file\tlabel");
    scorers.keySet().forEach(name -> tsv.append('\t').append(name));
    tsv.append("\ttext\n");
    for (Example e : test) {
      tsv.append(e.file()).append('\t').append(e.label());
      scorers.values().forEach(sc -> tsv.append('\t').append(String.format("%.3f", sc.logit().applyAsDouble(e.text()) - sc.threshold())));
      tsv.append('\t').append(e.text().replace('\t', ' ').replace('\n', ' ')).append('\n');
    }
    try {
      Files.createDirectories(out.getParent());
      Files.writeString(out, tsv, StandardCharsets.UTF_8);
    } catch (IOException ex) {
      throw new java.io.UncheckedIOException(ex);
    }
  }

  /** Agent threshold of a combined score, by the trainers' policy on the training side's held-out benign lines. */
  static double calibrated(List<Example> train, ToDoubleFunction<String> score) {
    int percent = SoftmaxTrainer.Settings.defaults().calibrationPercent();
    List<Example> dev = new ArrayList<>();
    List<Example> extra = new ArrayList<>();
    for (Example e : train) {
      if (e.label().equals("benign") && DevSet.bucket(e.text()) < percent) {
        (DevSet.isExtraBenign(e) ? extra : dev).add(e);
      }
    }
    double t = HeadTrainer.thresholds(dev, e -> score.applyAsDouble(e.text())).agent();
    return extra.isEmpty() ? t : Math.max(t, HeadTrainer.thresholds(extra, e -> score.applyAsDouble(e.text())).agent());
  }

  static String row(String split, String name, Scored scorer, List<Example> test) {
    int inj = 0;
    int injHit = 0;
    int jb = 0;
    int jbHit = 0;
    List<Double> benignScores = new ArrayList<>();
    List<Double> attackScores = new ArrayList<>();
    int benignHit = 0;
    for (Example e : test) {
      double logit = scorer.logit().applyAsDouble(e.text());
      boolean hit = logit >= scorer.threshold();
      switch (e.label()) {
        case "injection" -> {
          inj++;
          injHit += hit ? 1 : 0;
          attackScores.add(logit);
        }
        case "jailbreak" -> {
          jb++;
          jbHit += hit ? 1 : 0;
          attackScores.add(logit);
        }
        case "benign" -> {
          benignScores.add(logit);
          benignHit += hit ? 1 : 0;
        }
        default -> { }
      }
    }
    double atTestFpr = SoftmaxTrainer.thresholdFor(benignScores.stream().mapToDouble(Double::doubleValue).toArray(), 0.02);
    long ranked = attackScores.stream().filter(a -> a >= atTestFpr).count();
    return "| " + split + " | " + name + " | " + pct(injHit, inj) + " | " + pct(jbHit, jb) + " | " + pct(injHit + jbHit, inj + jb)
        + " | " + pct(benignHit, benignScores.size()) + " | [" + pct((int) ranked, attackScores.size()) + "] |\n";
  }

  static String pct(int a, int b) {
    return b == 0 ? "n/a" : String.format("%.1f%% (%d/%d)", 100.0 * a / b, a, b);
  }

  static void writeSection(Path doc, String name, String markdown) throws IOException {
    String start = "<!-- " + name + ":start -->";
    String end = "<!-- " + name + ":end -->";
    String content = Files.readString(doc, StandardCharsets.UTF_8);
    int s = content.indexOf(start);
    int e = content.indexOf(end);
    if (s < 0 || e < s) {
      throw new IllegalStateException(doc + " has no " + start + " ... " + end + " section");
    }
    Files.writeString(doc, content.substring(0, s) + start + "\n" + markdown + "\n" + end + content.substring(e + end.length()),
        StandardCharsets.UTF_8);
  }
}

package dev.vigil.scan.bench;

import dev.vigil.scan.ContentScanner;
import dev.vigil.scan.Finding;
import dev.vigil.scan.ScanOptions;
import dev.vigil.scan.ScanResult;
import dev.vigil.scan.train.DevSet;
import dev.vigil.scan.train.Example;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Throughput of the scanner on 1 KB texts (dev-set lines of every label concatenated to 1024
 * chars, so secrets, PII, URLs and attack phrasing all occur). One op scans one text, so
 * MB/s = ops/s x 1024 / 1e6. {@code fastDetectors} is secrets + PII + exfiltration + trigger
 * phrases (one shared Aho-Corasick pass); {@code fullScan} adds the injection classifier.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ScannerBenchmark {

  static final int TEXT_CHARS = 1024;
  private static final int TEXTS = 256;

  private ContentScanner scanner;
  private ScanOptions options;
  private String[] texts;
  private int next;

  @Setup
  public void setUp() {
    scanner = ContentScanner.withDefaults();
    options = ScanOptions.defaults();
    List<Example> examples = new ArrayList<>(DevSet.load(DevSet.locate(), List.of(
        "authensor_prompt-injection-benchmark.jsonl", "authensor_ai-seclists.jsonl",
        "deepset_prompt-injections.jsonl", "injecguard_notinject_wildguard.jsonl")));
    Collections.shuffle(examples, new Random(7));
    texts = new String[TEXTS];
    int cursor = 0;
    for (int t = 0; t < TEXTS; t++) {
      StringBuilder sb = new StringBuilder(TEXT_CHARS + 256);
      while (sb.length() < TEXT_CHARS) {
        sb.append(examples.get(cursor++ % examples.size()).text()).append('\n');
      }
      texts[t] = sb.substring(0, TEXT_CHARS);
    }
  }

  /** Text {@code i} of the corpus (for the CPU-time harness). */
  String text(int i) {
    return texts[i & (TEXTS - 1)];
  }

  @Benchmark
  public int fastDetectors() {
    String text = texts[next++ & (TEXTS - 1)];
    // One Aho-Corasick pass also finds the injection trigger phrases; fastFindings runs it.
    List<Finding> findings = scanner.fastFindings(text, options);
    return findings.size();
  }

  @Benchmark
  public int fullScan() {
    String text = texts[next++ & (TEXTS - 1)];
    ScanResult result = scanner.scan(text, options);
    return result.findings().size();
  }
}

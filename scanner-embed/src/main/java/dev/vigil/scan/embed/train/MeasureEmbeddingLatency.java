package dev.vigil.scan.embed.train;

import dev.vigil.scan.embed.SentenceEncoder;
import dev.vigil.scan.train.DevSet;
import dev.vigil.scan.train.Example;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Single-thread latency of the embedding stage on 1,024-char texts built from dev-set lines of
 * every label (as {@code ScannerBenchmark} builds them), in this thread's CPU time and wall time,
 * after a warm-up. It times the encoder, which is the whole cost of the stage: a 1,024-char text is
 * one window, and the head is a 384 x 3 product. ONNX Runtime runs with one thread, so CPU time is
 * the cost per core.
 *
 * <pre>MeasureEmbeddingLatency DATA_DIR|auto [TEXTS]   (-Dvigil.scanner.minilm=full|e5 for the other models)</pre>
 */
public final class MeasureEmbeddingLatency {

  private MeasureEmbeddingLatency() {}

  public static void main(String[] args) {
    Path dir = args.length == 0 || args[0].equals("auto") ? DevSet.locate() : Path.of(args[0]);
    int count = args.length > 1 ? Integer.parseInt(args[1]) : 64;
    SentenceEncoder.Variant variant = EvaluateEmbeddingHead.variant();
    long loadStart = System.nanoTime();
    SentenceEncoder encoder = SentenceEncoder.load(variant);
    double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
    List<String> texts = texts(DevSet.load(dir, List.of(
        "authensor_prompt-injection-benchmark.jsonl", "authensor_ai-seclists.jsonl", "deepset_prompt-injections.jsonl",
        "injecguard_notinject_wildguard.jsonl")), count);
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (int round = 0; round < 2; round++) {
      for (String t : texts) {
        encoder.embed(t);
      }
    }
    double[] cpuMillis = new double[texts.size()];
    long wallStart = System.nanoTime();
    for (int i = 0; i < texts.size(); i++) {
      long cpu = threads.getCurrentThreadCpuTime();
      encoder.embed(texts.get(i));
      cpuMillis[i] = (threads.getCurrentThreadCpuTime() - cpu) / 1e6;
    }
    double wallMillis = (System.nanoTime() - wallStart) / 1e6 / texts.size();
    Arrays.sort(cpuMillis);
    System.out.printf("%s: load %.1f s; per 1 KB text (%d texts, one thread): CPU median %.1f ms, p90 %.1f ms; wall mean %.1f ms%n",
        variant.modelResource(), loadSeconds, texts.size(), cpuMillis[cpuMillis.length / 2],
        cpuMillis[(int) (cpuMillis.length * 0.9)], wallMillis);
  }

  /** {@code count} texts of exactly 1,024 chars, each concatenated from consecutive dev lines. */
  static List<String> texts(List<Example> lines, int count) {
    List<String> texts = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    int stride = Math.max(1, lines.size() / (count * 6));
    for (int i = 0; texts.size() < count; i = (i + stride) % lines.size()) {
      current.append(lines.get(i).text()).append('\n');
      if (current.length() >= 1024) {
        texts.add(current.substring(0, 1024));
        current.setLength(0);
      }
    }
    return texts;
  }
}

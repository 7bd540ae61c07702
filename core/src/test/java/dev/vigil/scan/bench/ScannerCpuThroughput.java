package dev.vigil.scan.bench;

import dev.vigil.scan.ContentScanner;
import dev.vigil.scan.ScanOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Per-core throughput measured in thread CPU time rather than wall time, on the same 1 KB texts as
 * {@link ScannerBenchmark}. On a shared machine, wall-clock JMH numbers fall with the load other
 * processes put on the cores; CPU time does not (cache and frequency effects aside), so this is the
 * figure to compare with a per-core target. Prints one line per variant.
 *
 * <pre>ScannerCpuThroughput [cpu-seconds-per-variant]</pre>
 */
public final class ScannerCpuThroughput {

  private ScannerCpuThroughput() {}

  public static void main(String[] args) {
    double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5.0;
    ScannerBenchmark texts = new ScannerBenchmark();
    texts.setUp();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    ContentScanner scanner = ContentScanner.withDefaults();
    ScanOptions options = ScanOptions.defaults();
    String[] variants = {"fastDetectors", "fullScan"};
    for (String variant : variants) {
      boolean fast = variant.equals("fastDetectors");
      run(threads, texts, fast, scanner, options, 3.0); // warm-up: 3 CPU-seconds, so the JIT is done even on a busy machine
      long cpuStart = threads.getCurrentThreadCpuTime();
      long wallStart = System.nanoTime();
      long ops = run(threads, texts, fast, scanner, options, seconds);
      double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
      double wall = (System.nanoTime() - wallStart) / 1e9;
      double bytes = ops * (double) ScannerBenchmark.TEXT_CHARS;
      System.out.printf("%-14s %9d ops  cpu %.2f s  wall %.2f s  %8.1f MB/s per CPU-second  %8.1f MB/s wall  %6.1f us/op (cpu)%n",
          variant, ops, cpu, wall, bytes / cpu / 1e6, bytes / wall / 1e6, cpu * 1e6 / ops);
    }
  }

  /** Runs for {@code cpuSeconds} of this thread's CPU time. */
  private static long run(
      ThreadMXBean threads, ScannerBenchmark texts, boolean fast, ContentScanner scanner, ScanOptions options, double cpuSeconds) {
    long deadline = threads.getCurrentThreadCpuTime() + (long) (cpuSeconds * 1e9);
    long ops = 0;
    long sink = 0;
    while (threads.getCurrentThreadCpuTime() < deadline) {
      for (int i = 0; i < 64; i++) {
        String text = texts.text(i);
        sink += fast ? scanner.fastFindings(text, options).size() : scanner.scan(text, options).findings().size();
        ops++;
      }
    }
    if (sink == Long.MIN_VALUE) {
      throw new IllegalStateException("unreachable; keeps the results alive");
    }
    return ops;
  }
}

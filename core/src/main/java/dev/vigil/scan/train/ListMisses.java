package dev.vigil.scan.train;

import dev.vigil.scan.ContentScanner;
import dev.vigil.scan.Finding;
import dev.vigil.scan.FindingType;
import dev.vigil.scan.ScanOptions;
import dev.vigil.scan.ScanResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Diagnostic for the rule detectors: prints every dev-set line of the given labels that the fast
 * detectors miss (secret lines without a SECRET finding, pii lines without a PII finding), and every
 * benign line on which they report a SECRET or PII finding (false positives), with the findings.
 *
 * <pre>ListMisses DATA_DIR|auto [secret,pii,benign] [EXTRA_BENIGN.jsonl ...]</pre>
 */
public final class ListMisses {

  private ListMisses() {}

  public static void main(String[] args) {
    Path dir = args.length == 0 || args[0].equals("auto") ? DevSet.locate() : Path.of(args[0]);
    Set<String> labels = Set.of((args.length > 1 ? args[1] : "secret,pii,benign").split(","));
    ContentScanner scanner = ContentScanner.fastOnly();
    List<Example> all = new java.util.ArrayList<>(DevSet.load(dir, EvaluateScanner.allFiles()));
    for (int k = 2; k < args.length; k++) {
      all.addAll(DevSet.loadFile(Path.of(args[k])));
    }
    int[] counts = new int[2];
    for (Example e : all) {
      ScanResult r = scanner.scan(e.text(), ScanOptions.defaults());
      boolean report = switch (e.label()) {
        case "secret" -> labels.contains("secret") && !r.has(FindingType.SECRET);
        case "pii" -> labels.contains("pii") && !r.has(FindingType.PII);
        case "benign" -> labels.contains("benign") && (r.has(FindingType.SECRET) || r.has(FindingType.PII));
        default -> labels.contains("attack-pii") && e.isAttack() && (r.has(FindingType.SECRET) || r.has(FindingType.PII));
      };
      if (!report) {
        continue;
      }
      counts[0]++;
      StringBuilder line = new StringBuilder();
      line.append(e.label()).append('\t').append(e.file()).append('\t').append(e.category()).append('\t')
          .append(e.text().replace('\n', ' ').replace('\t', ' '));
      for (Finding f : r.findings()) {
        if (f.type() == FindingType.SECRET || f.type() == FindingType.PII) {
          line.append("\t[").append(f.detector()).append(' ').append(f.severity()).append(": ")
              .append(e.text(), f.start(), f.end()).append(']');
        }
      }
      System.out.println(line);
    }
    System.out.println("reported lines: " + counts[0]);
  }
}

package dev.vigil.scan;

import dev.vigil.scan.detect.FastDetectors;
import dev.vigil.scan.detect.InjectionPhrases;
import dev.vigil.scan.model.InjectionModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Scans text an agent sends or a tool returns. Fast detectors run first (Aho-Corasick anchored
 * regexes for secrets, PII and exfiltration channels; trigger phrases), then the learned injection
 * classifier, whose logit is combined with the trigger-phrase weights. Built once, immutable and
 * thread-safe: share one instance between all scanner workers.
 *
 * <p>Redaction masks SECRET, PII and EXFILTRATION spans as {@code [REDACTED:<detector>]}; injection
 * findings are reported, not masked, since the policy decides what to do with the whole text.
 */
public final class ContentScanner {

  private static final Comparator<Finding> BY_START =
      Comparator.comparingInt(Finding::start).thenComparing(Comparator.comparingInt(Finding::end).reversed());

  /** Trigger-phrase weight (logit units) that alone makes a finding when no model is loaded. */
  private static final double PHRASE_ONLY_THRESHOLD = 2.5;

  private final InjectionPhrases phrases = new InjectionPhrases();
  private final FastDetectors fast = new FastDetectors(phrases);
  private final Optional<InjectionModel> model;

  private ContentScanner(Optional<InjectionModel> model) {
    this.model = model;
  }

  /** The production scanner: every detector plus the injection model shipped in the jar. */
  public static ContentScanner withDefaults() {
    return new ContentScanner(Optional.of(InjectionModel.loadDefault()));
  }

  public static ContentScanner withModel(InjectionModel model) {
    return new ContentScanner(Optional.of(Objects.requireNonNull(model)));
  }

  /** Only the fast detectors; injection is judged by trigger phrases alone. */
  public static ContentScanner fastOnly() {
    return new ContentScanner(Optional.empty());
  }

  public Optional<InjectionModel> model() {
    return model;
  }

  public ScanResult scan(String text) {
    return scan(text, ScanOptions.defaults());
  }

  public ScanResult scan(String text, ScanOptions options) {
    Objects.requireNonNull(text, "text");
    List<Finding> raw = new ArrayList<>();
    InjectionPhrases.Signals signals = fast.detect(text, options.categories(), raw);
    List<Finding> findings = resolveOverlaps(raw);
    if (options.wantsInjection()) {
      injectionFinding(text, options, signals).ifPresent(findings::add);
    }
    findings.sort(BY_START);
    Optional<String> redacted = options.redact() ? Optional.of(redact(text, maskable(findings))) : Optional.empty();
    return new ScanResult(findings, redacted);
  }

  /** Secrets, PII and exfiltration findings (overlaps resolved), without the injection classifier; the hot path. */
  public List<Finding> fastFindings(String text, ScanOptions options) {
    List<Finding> raw = new ArrayList<>();
    fast.detect(text, options.categories(), raw);
    return resolveOverlaps(raw);
  }

  /** The injection/jailbreak finding for {@code text}, if the classifier (or phrases alone) flags it. */
  public Optional<Finding> injectionFinding(String text, ScanOptions options) {
    return injectionFinding(text, options, phrases.signals(text));
  }

  private Optional<Finding> injectionFinding(String text, ScanOptions options, InjectionPhrases.Signals signals) {
    boolean toolResult = options.source() == ContentSource.TOOL_RESULT;
    if (model.isEmpty()) {
      return phraseOnlyFinding(signals, toolResult, options);
    }
    InjectionModel m = model.get();
    InjectionModel.Verdict verdict = m.classify(text, signals);
    double threshold = toolResult ? m.thresholds().toolResult() : m.thresholds().agent();
    if (verdict.attackLogit() < threshold) {
      return Optional.empty();
    }
    FindingType type = verdict.jailbreakMoreLikely() ? FindingType.JAILBREAK : FindingType.PROMPT_INJECTION;
    if (!options.wants(type)) {
      return Optional.empty();
    }
    Severity severity = verdict.attackLogit() >= m.thresholds().critical() ? Severity.CRITICAL : Severity.HIGH;
    if (toolResult) {
      severity = severity.raised();
    }
    int start = signals.any() ? signals.strongestStart() : verdict.windowStart();
    int end = signals.any() ? signals.strongestEnd() : verdict.windowEnd();
    String reason = (type == FindingType.JAILBREAK ? "jailbreak attempt" : "prompt injection")
        + (toolResult ? " inside a tool result" : "")
        + (signals.any() ? " (trigger: \"" + signals.strongest() + "\")" : " (classifier)");
    return Optional.of(new Finding(type, "injection-classifier", severity, start, end, reason, verdict.attackProbability()));
  }

  private static Optional<Finding> phraseOnlyFinding(InjectionPhrases.Signals signals, boolean toolResult, ScanOptions options) {
    double threshold = toolResult ? PHRASE_ONLY_THRESHOLD * 0.5 : PHRASE_ONLY_THRESHOLD;
    if (!signals.any() || signals.total() < threshold) {
      return Optional.empty();
    }
    FindingType type = signals.jailbreakWeight() > signals.injectionWeight() ? FindingType.JAILBREAK : FindingType.PROMPT_INJECTION;
    if (!options.wants(type)) {
      return Optional.empty();
    }
    Severity severity = toolResult ? Severity.HIGH : Severity.MEDIUM;
    double score = 1.0 / (1.0 + Math.exp(-(signals.total() - PHRASE_ONLY_THRESHOLD)));
    return Optional.of(new Finding(type, "injection-phrases", severity, signals.strongestStart(), signals.strongestEnd(),
        "trigger phrase \"" + signals.strongest() + "\"", score));
  }

  /**
   * Keeps, among findings of one type whose spans overlap, the most severe (then the longest): a
   * GitHub token must not also be reported as a generic high-entropy string.
   */
  static List<Finding> resolveOverlaps(List<Finding> raw) {
    List<Finding> sorted = new ArrayList<>(raw);
    sorted.sort(Comparator.comparing(Finding::severity).reversed()
        .thenComparing(Comparator.comparingInt(Finding::length).reversed())
        .thenComparingInt(Finding::start));
    List<Finding> kept = new ArrayList<>();
    for (Finding candidate : sorted) {
      boolean shadowed = false;
      for (Finding k : kept) {
        if (k.type() == candidate.type() && k.overlaps(candidate)) {
          shadowed = true;
          break;
        }
      }
      if (!shadowed) {
        kept.add(candidate);
      }
    }
    kept.sort(BY_START);
    return kept;
  }

  private static List<Finding> maskable(List<Finding> findings) {
    return findings.stream()
        .filter(f -> f.type() == FindingType.SECRET || f.type() == FindingType.PII || f.type() == FindingType.EXFILTRATION)
        .toList();
  }

  /**
   * Returns {@code text} with each finding's span replaced by {@code [REDACTED:<detector>]}.
   * Overlapping spans are merged and take the label of the finding that starts first.
   */
  public static String redact(String text, List<Finding> findings) {
    List<Finding> ordered = new ArrayList<>(findings);
    ordered.sort(BY_START);
    StringBuilder out = new StringBuilder(text.length());
    int cursor = 0;
    int i = 0;
    while (i < ordered.size()) {
      Finding first = ordered.get(i);
      int start = Math.max(first.start(), cursor);
      int end = Math.min(first.end(), text.length());
      i++;
      while (i < ordered.size() && ordered.get(i).start() < end) {
        end = Math.max(end, Math.min(ordered.get(i).end(), text.length()));
        i++;
      }
      if (start >= end) {
        continue;
      }
      out.append(text, cursor, start).append("[REDACTED:").append(first.detector()).append(']');
      cursor = end;
    }
    out.append(text, cursor, text.length());
    return out.toString();
  }
}

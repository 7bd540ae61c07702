package dev.vigil.scan;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The findings of one scan, ordered by start offset, plus the redacted text when the options asked
 * for it. Policies read {@link #maxSeverity()} and {@link #types()} in their conditions.
 */
public record ScanResult(List<Finding> findings, Optional<String> redactedText) {

  public ScanResult {
    findings = List.copyOf(findings);
    redactedText = redactedText == null ? Optional.empty() : redactedText;
  }

  public static ScanResult clean() {
    return new ScanResult(List.of(), Optional.empty());
  }

  public Severity maxSeverity() {
    Severity max = Severity.NONE;
    for (Finding finding : findings) {
      max = Severity.max(max, finding.severity());
    }
    return max;
  }

  public Set<FindingType> types() {
    EnumSet<FindingType> types = EnumSet.noneOf(FindingType.class);
    for (Finding finding : findings) {
      types.add(finding.type());
    }
    return types;
  }

  public boolean has(FindingType type) {
    return findings.stream().anyMatch(f -> f.type() == type);
  }

  public boolean has(FindingType type, Severity atLeast) {
    return findings.stream().anyMatch(f -> f.type() == type && f.severity().atLeast(atLeast));
  }

  public List<Finding> ofType(FindingType type) {
    return findings.stream().filter(f -> f.type() == type).toList();
  }

  public boolean isClean() {
    return findings.isEmpty();
  }
}

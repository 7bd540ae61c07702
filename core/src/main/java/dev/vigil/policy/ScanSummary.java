package dev.vigil.policy;

import dev.vigil.scan.FindingType;
import dev.vigil.scan.ScanResult;
import dev.vigil.scan.Severity;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

/**
 * What the content scanner found in the action's payload, reduced to what policies test: the
 * highest severity and the finding types' wire names ({@code secret}, {@code pii}, {@code prompt_injection}...).
 */
public record ScanSummary(Severity maxSeverity, Set<String> findingTypes) {

  public static final ScanSummary NONE = new ScanSummary(Severity.NONE, Set.of());

  public ScanSummary {
    Objects.requireNonNull(maxSeverity, "maxSeverity");
    findingTypes = findingTypes == null ? Set.of() : Set.copyOf(findingTypes);
  }

  /** The summary of a content scan, as policies see it. */
  public static ScanSummary of(ScanResult result) {
    Set<String> types = new LinkedHashSet<>();
    for (FindingType type : result.types()) {
      types.add(type.wireName());
    }
    return new ScanSummary(result.maxSeverity(), types);
  }
}

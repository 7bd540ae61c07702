package dev.vigil.scan;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What one scan looks for: the finding categories to run, where the text came from, and whether
 * the result should carry the text with findings masked.
 */
public record ScanOptions(Set<FindingType> categories, ContentSource source, boolean redact) {

  public ScanOptions {
    Objects.requireNonNull(source, "source");
    categories = categories == null || categories.isEmpty()
        ? Set.copyOf(EnumSet.allOf(FindingType.class))
        : Set.copyOf(categories);
  }

  /** Every category, text sent by an agent, no redaction. */
  public static ScanOptions defaults() {
    return new ScanOptions(EnumSet.allOf(FindingType.class), ContentSource.AGENT, false);
  }

  public static ScanOptions forSource(ContentSource source) {
    return new ScanOptions(EnumSet.allOf(FindingType.class), source, false);
  }

  public ScanOptions withRedaction() {
    return new ScanOptions(categories, source, true);
  }

  public ScanOptions onlyCategories(Set<FindingType> only) {
    return new ScanOptions(only, source, redact);
  }

  public boolean wants(FindingType type) {
    return categories.contains(type);
  }

  /** Injection and jailbreak come from one classifier, so asking for either runs it. */
  public boolean wantsInjection() {
    return wants(FindingType.PROMPT_INJECTION) || wants(FindingType.JAILBREAK);
  }
}

package dev.vigil.scan.detect;

import dev.vigil.scan.Finding;
import dev.vigil.scan.FindingType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * All rule-based detectors behind one Aho-Corasick pass: injection trigger phrases and the anchored rules of
 * {@link SecretDetector}, {@link PiiDetector} and {@link ExfiltrationDetector} share a single
 * automaton, then one pass finds digit clusters (numeric PII) and one judges token runs ({@link TokenDetector}: encoded
 * blobs, base64 hiding secrets or personal data, random-looking keys, letter ids, wallet addresses). This is
 * the scanner's hot path; the separate detector classes exist for focused use and tests.
 */
public final class FastDetectors {

  private final AnchoredRuleSet anchored;
  private final PiiDetector numericPii = new PiiDetector();
  private static final Set<FindingType> DECODED_TYPES = Set.copyOf(EnumSet.of(FindingType.SECRET, FindingType.PII));
  /** Base64 that decodes to text is scanned again by the anchored and numeric rules (one level, no phrases). */
  private final TokenDetector.Rescanner rescanner;

  public FastDetectors(InjectionPhrases phrases) {
    List<AnchoredRule> rules = new ArrayList<>(SecretDetector.rules());
    rules.addAll(PiiDetector.textRules());
    rules.addAll(ExfiltrationDetector.rules());
    anchored = new AnchoredRuleSet(rules, phrases.patterns());
    rescanner = (decoded, found) -> {
      anchored.detect(decoded, DECODED_TYPES, found);
      numericPii.detectNumeric(decoded, found);
    };
  }

  public int ruleCount() {
    return anchored.rules().size();
  }

  /**
   * Appends raw (overlapping) findings of the wanted types to {@code out} and returns the injection
   * trigger-phrase signals, found in the same Aho-Corasick pass.
   */
  public InjectionPhrases.Signals detect(String text, Set<FindingType> wanted, List<Finding> out) {
    InjectionPhrases.Accumulator phraseHits = new InjectionPhrases.Accumulator();
    char[] chars = text.toCharArray(); // one copy for the three passes over the text
    anchored.detect(text, chars, wanted, out, phraseHits);
    if (wanted.contains(FindingType.PII)) {
      numericPii.detectNumeric(text, chars, out);
    }
    if (wanted.contains(FindingType.EXFILTRATION) || wanted.contains(FindingType.SECRET) || wanted.contains(FindingType.PII)) {
      TokenDetector.detect(text, chars, wanted, out, rescanner);
    }
    return phraseHits.result();
  }
}

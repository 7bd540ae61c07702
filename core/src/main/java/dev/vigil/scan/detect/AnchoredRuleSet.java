package dev.vigil.scan.detect;

import dev.vigil.scan.Finding;
import dev.vigil.scan.Severity;
import dev.vigil.scan.detect.AhoCorasick.Boundary;
import java.util.ArrayList;
import dev.vigil.scan.FindingType;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.List;
import java.util.regex.Matcher;

/**
 * Runs a list of {@link AnchoredRule}s with one Aho-Corasick pass over the text: each anchor hit
 * runs its rule's regex in a small window. A rule already scanned up to some offset is not rescanned
 * for later anchors inside that window. Immutable and thread-safe.
 */
public final class AnchoredRuleSet implements Detector {

  private final List<AnchoredRule> rules;
  private final AhoCorasick anchors;
  private final int[] ruleOfAnchor;

  private final int ruleAnchorCount;

  public AnchoredRuleSet(List<AnchoredRule> rules) {
    this(rules, List.of());
  }

  /**
   * Rules plus extra literal patterns (word-bounded) matched in the same pass; extra hits go to the
   * sink given to {@link #detect(String, Set, List, AhoCorasick.MatchSink)}, numbered from 0.
   */
  public AnchoredRuleSet(List<AnchoredRule> rules, List<String> extraPatterns) {
    this.rules = List.copyOf(rules);
    List<String> patterns = new ArrayList<>();
    List<Boundary> boundaries = new ArrayList<>();
    List<Integer> owners = new ArrayList<>();
    for (int r = 0; r < this.rules.size(); r++) {
      AnchoredRule rule = this.rules.get(r);
      for (String anchor : rule.anchors()) {
        patterns.add(anchor);
        boundaries.add(rule.boundary());
        owners.add(r);
      }
    }
    ruleAnchorCount = patterns.size();
    for (String extra : extraPatterns) {
      patterns.add(extra);
      boundaries.add(Boundary.BOTH);
    }
    anchors = AhoCorasick.build(patterns, boundaries);
    ruleOfAnchor = owners.stream().mapToInt(Integer::intValue).toArray();
  }

  public List<AnchoredRule> rules() {
    return rules;
  }

  @Override
  public void detect(String text, List<Finding> out) {
    detect(text, ALL_TYPES, out);
  }

  private static final Set<FindingType> ALL_TYPES = Set.copyOf(EnumSet.allOf(FindingType.class));

  /** Runs only the rules whose type is in {@code wanted}, still with a single pass over the text. */
  public void detect(String text, Set<FindingType> wanted, List<Finding> out) {
    detect(text, wanted, out, (id, start, end) -> { });
  }

  /** As {@link #detect(String, Set, List)}, also reporting hits of the extra patterns to {@code extraSink}. */
  public void detect(String text, Set<FindingType> wanted, List<Finding> out, AhoCorasick.MatchSink extraSink) {
    detect(text, text.toCharArray(), wanted, out, extraSink);
  }

  /** As {@link #detect(String, Set, List, AhoCorasick.MatchSink)} with the text's chars already copied ({@code chars}). */
  public void detect(String text, char[] chars, Set<FindingType> wanted, List<Finding> out, AhoCorasick.MatchSink extraSink) {
    int[] scannedUntil = new int[rules.size()]; // 0: no anchor start is below it, so nothing is skipped yet
    Matchers matchers = MATCHERS.get().forText(this, text);
    anchors.search(chars, (anchor, start, end) -> {
      if (anchor >= ruleAnchorCount) {
        extraSink.onMatch(anchor - ruleAnchorCount, start, end);
        return;
      }
      int r = ruleOfAnchor[anchor];
      AnchoredRule rule = rules.get(r);
      if (start < scannedUntil[r] || !wanted.contains(rule.type()) || !rule.precheck().worthMatching(text, start, end)) {
        return;
      }
      Matcher m = matchers.matcherFor(r, text);
      m.useTransparentBounds(true);
      m.useAnchoringBounds(false);
      if (rule.start() != AnchoredRule.Start.FIND) {
        int from = rule.start() == AnchoredRule.Start.AT_ANCHOR ? start : wordStart(text, start);
        m.region(from, Math.min(text.length(), end + rule.window()));
        if (m.lookingAt()) {
          report(rule, text, m, out);
        }
        return;
      }
      int from = Math.max(0, start - rule.lookBehind());
      int to = Math.min(text.length(), end + rule.window());
      scannedUntil[r] = to;
      m.region(from, to);
      while (m.find()) {
        report(rule, text, m, out);
      }
    });
  }

  /** Start of the identifier holding {@code index}: letters, digits, {@code _.-+%} and numeric HTML entities ({@code &#46;}). */
  private static int wordStart(String text, int index) {
    int i = index;
    while (i > 0 && index - i < 64) {
      char c = text.charAt(i - 1);
      if (c == ';') {
        int amp = i - 2;
        while (amp >= 0 && i - amp <= 8 && (Character.isLetterOrDigit(text.charAt(amp)) || text.charAt(amp) == '#')) {
          amp--;
        }
        if (amp >= 0 && text.charAt(amp) == '&' && amp + 1 < i - 1 && text.charAt(amp + 1) == '#') {
          i = amp;
          continue;
        }
        break;
      }
      if (!(Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == '-' || c == '+' || c == '%')) {
        break;
      }
      i--;
    }
    return i;
  }

  private static void report(AnchoredRule rule, String text, Matcher m, List<Finding> out) {
    int s = m.start(rule.group());
    int e = m.end(rule.group());
    if (s < 0 || e <= s) {
      return;
    }
    Severity severity = rule.judge().judge(text.substring(s, e), rule.severity());
    if (severity != null && severity != Severity.NONE) {
      out.add(new Finding(rule.type(), rule.detector(), severity, s, e, rule.reason(), scoreOf(severity)));
    }
  }

  /**
   * Per-thread cache of one {@link Matcher} per rule: creating a Matcher per anchor hit was a tenth
   * of the scan time. Matchers are not thread-safe, hence one set per thread and rule set.
   */
  private static final ThreadLocal<Matchers> MATCHERS = ThreadLocal.withInitial(Matchers::new);

  private static final class Matchers {
    private AnchoredRuleSet owner;
    private String text;
    private Matcher[] matchers = new Matcher[0];
    private boolean[] bound = new boolean[0];

    Matchers forText(AnchoredRuleSet set, String newText) {
      if (owner != set) {
        owner = set;
        matchers = new Matcher[set.rules.size()];
        bound = new boolean[set.rules.size()];
      }
      if (text != newText) {
        text = newText;
        Arrays.fill(bound, false);
      }
      return this;
    }

    Matcher matcherFor(int rule, String forText) {
      Matcher m = matchers[rule];
      if (m == null) {
        m = owner.rules.get(rule).pattern().matcher(forText);
        matchers[rule] = m;
      } else if (!bound[rule]) {
        m.reset(forText);
      }
      bound[rule] = true;
      return m;
    }
  }

  /** Rule-based findings carry a fixed confidence per severity: rules are precise, not probabilistic. */
  static double scoreOf(Severity severity) {
    return switch (severity) {
      case CRITICAL -> 0.99;
      case HIGH -> 0.9;
      case MEDIUM -> 0.7;
      case LOW -> 0.5;
      case NONE -> 0.0;
    };
  }
}

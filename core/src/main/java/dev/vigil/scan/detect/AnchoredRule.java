package dev.vigil.scan.detect;

import dev.vigil.scan.FindingType;
import dev.vigil.scan.Severity;
import dev.vigil.scan.detect.AhoCorasick.Boundary;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A compiled regex that only runs where one of its literal anchors occurs (found by Aho-Corasick),
 * in a window of {@code lookBehind} chars before and {@code window} chars after the anchor. This is
 * how gitleaks uses keywords: most text contains no anchor, so most regexes never run.
 *
 * @param group the regex group whose span is reported (0 for the whole match)
 * @param judge decides the final severity from the matched value, or rejects it with {@code null}
 */
public record AnchoredRule(
    FindingType type,
    String detector,
    Severity severity,
    String reason,
    List<String> anchors,
    Boundary boundary,
    Pattern pattern,
    int group,
    int lookBehind,
    int window,
    Judge judge,
    Precheck precheck,
    Start start) {

  /** Where the regex is tried: anywhere in the window, or once, from a fixed point. */
  public enum Start {
    /** {@code find()} anywhere in {@code [anchor - lookBehind, anchor + window)}. */
    FIND,
    /** One {@code lookingAt()} from the anchor's first char: the match must begin with the anchor. */
    AT_ANCHOR,
    /** One {@code lookingAt()} from the start of the identifier holding the anchor ({@code AWS_SECRET_ACCESS_KEY}). */
    AT_WORD_START
  }

  /** A cheap test at the anchor before the regex runs; hot anchors ("key", "token") mostly fail it. */
  @FunctionalInterface
  public interface Precheck {
    boolean worthMatching(String text, int anchorStart, int anchorEnd);

    Precheck ALWAYS = (text, start, end) -> true;
  }

  /** Turns a raw match into a severity, or {@code null} when the value is not a real finding. */
  @FunctionalInterface
  public interface Judge {
    Severity judge(String value, Severity base);

    Judge ACCEPT = (value, base) -> base;
  }

  public AnchoredRule {
    Objects.requireNonNull(type);
    Objects.requireNonNull(detector);
    Objects.requireNonNull(pattern);
    anchors = List.copyOf(anchors);
    if (anchors.isEmpty()) {
      throw new IllegalArgumentException(detector + ": a rule needs at least one anchor");
    }
    judge = judge == null ? Judge.ACCEPT : judge;
    precheck = precheck == null ? Precheck.ALWAYS : precheck;
    start = start == null ? Start.FIND : start;
  }

  /** A rule reporting the whole match, looking 0 chars back and 200 ahead, anchors needing a start boundary. */
  public static AnchoredRule of(
      FindingType type, String detector, Severity severity, String reason, String regex, String... anchors) {
    return new AnchoredRule(type, detector, severity, reason, List.of(anchors), Boundary.NONE,
        Pattern.compile(regex), 0, 0, 200, Judge.ACCEPT, Precheck.ALWAYS, Start.FIND);
  }

  public AnchoredRule group(int newGroup) {
    return new AnchoredRule(type, detector, severity, reason, anchors, boundary, pattern, newGroup, lookBehind, window, judge, precheck, start);
  }

  public AnchoredRule lookBehind(int chars) {
    return new AnchoredRule(type, detector, severity, reason, anchors, boundary, pattern, group, chars, window, judge, precheck, start);
  }

  public AnchoredRule window(int chars) {
    return new AnchoredRule(type, detector, severity, reason, anchors, boundary, pattern, group, lookBehind, chars, judge, precheck, start);
  }

  public AnchoredRule boundary(Boundary newBoundary) {
    return new AnchoredRule(type, detector, severity, reason, anchors, newBoundary, pattern, group, lookBehind, window, judge, precheck, start);
  }

  public AnchoredRule precheck(Precheck newPrecheck) {
    return new AnchoredRule(type, detector, severity, reason, anchors, boundary, pattern, group, lookBehind, window, judge, newPrecheck, start);
  }

  /** Only run when the anchor occurs in the text with exactly the case written in {@link #anchors()}. */
  public AnchoredRule exactCase() {
    return precheck((text, start, end) -> {
      for (String anchor : anchors) {
        if (anchor.length() == end - start && text.regionMatches(false, start, anchor, 0, anchor.length())) {
          return true;
        }
      }
      return false;
    });
  }

  public AnchoredRule startingAt(Start newStart) {
    return new AnchoredRule(type, detector, severity, reason, anchors, boundary, pattern, group, lookBehind, window, judge, precheck,
        newStart);
  }

  public AnchoredRule judge(Judge newJudge) {
    return new AnchoredRule(type, detector, severity, reason, anchors, boundary, pattern, group, lookBehind, window, newJudge, precheck, start);
  }
}

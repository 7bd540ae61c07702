package dev.vigil.scan.detect;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Case-insensitive multi-pattern matcher (Aho-Corasick) compiled to a dense DFA over a small
 * character-class alphabet. Runs of whitespace in the text match a single space in a pattern, so
 * {@code "ignore  all\nprevious"} matches {@code "ignore all previous"}. Patterns may ask for word
 * boundaries at both ends. Built once, immutable and thread-safe; {@link #search} allocates nothing.
 */
public final class AhoCorasick {

  /** Where a pattern must meet a word boundary (a char that is not a letter or digit, or the text edge). */
  public enum Boundary {
    NONE,
    START,
    BOTH
  }

  /** Receives every match as {@code [start, end)} char offsets in the searched text. */
  @FunctionalInterface
  public interface MatchSink {
    void onMatch(int patternId, int start, int end);
  }

  /** Chars above this fold to the "other" class; covers Latin-1 and Latin Extended-A/B. */
  private static final int TABLE_SIZE = 0x250;
  private static final int OTHER = 0;
  private static final int SPACE = 1;

  private final byte[] charClass;
  private final int alphabet;
  private final int[] next;
  private final int[] outputStart;
  private final int[] outputs;
  private final int[] patternLength;
  private final Boundary[] boundaries;
  private final boolean[] hasSpace;
  private final int patternCount;

  private AhoCorasick(List<String> patterns, List<Boundary> bounded) {
    patternCount = patterns.size();
    charClass = new byte[TABLE_SIZE];
    int classes = 2;
    List<String> normalized = new ArrayList<>(patterns.size());
    for (String raw : patterns) {
      String pattern = normalize(raw);
      if (pattern.isEmpty()) {
        throw new IllegalArgumentException("empty pattern");
      }
      for (int i = 0; i < pattern.length(); i++) {
        char c = pattern.charAt(i);
        if (c >= TABLE_SIZE) {
          throw new IllegalArgumentException("pattern char beyond supported range: " + raw);
        }
        if (c != ' ' && charClass[c] == OTHER) {
          if (classes > 127) {
            throw new IllegalArgumentException("too many distinct pattern characters");
          }
          charClass[c] = (byte) classes++;
        }
      }
      normalized.add(pattern);
    }
    for (int c = 0; c < TABLE_SIZE; c++) {
      char lower = Character.toLowerCase((char) c);
      if (Character.isWhitespace(c)) {
        charClass[c] = SPACE;
      } else if (lower != c && lower < TABLE_SIZE) {
        charClass[c] = charClass[lower];
      }
    }
    alphabet = classes;

    // Trie over classes, grown as flat arrays.
    int capacity = 1 + normalized.stream().mapToInt(String::length).sum();
    int[] trie = new int[capacity * alphabet];
    Arrays.fill(trie, -1);
    List<List<Integer>> out = new ArrayList<>();
    out.add(new ArrayList<>());
    int states = 1;
    boolean[] viaSpace = new boolean[capacity];
    patternLength = new int[patternCount];
    boundaries = new Boundary[patternCount];
    hasSpace = new boolean[patternCount];
    for (int p = 0; p < patternCount; p++) {
      String pattern = normalized.get(p);
      int state = 0;
      for (int i = 0; i < pattern.length(); i++) {
        int cls = classOf(pattern.charAt(i));
        int slot = state * alphabet + cls;
        if (trie[slot] < 0) {
          viaSpace[states] = cls == SPACE;
          trie[slot] = states++;
          out.add(new ArrayList<>());
        }
        state = trie[slot];
      }
      out.get(state).add(p);
      patternLength[p] = pattern.length();
      boundaries[p] = bounded.get(p);
      hasSpace[p] = pattern.indexOf(' ') >= 0;
    }

    // BFS to fill failure transitions so every state has a full row (a DFA).
    next = Arrays.copyOf(trie, states * alphabet);
    int[] fail = new int[states];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    for (int cls = 0; cls < alphabet; cls++) {
      int child = next[cls];
      if (child > 0) {
        fail[child] = 0;
        queue.add(child);
      } else {
        next[cls] = 0;
      }
    }
    while (!queue.isEmpty()) {
      int state = queue.poll();
      out.get(state).addAll(out.get(fail[state]));
      for (int cls = 0; cls < alphabet; cls++) {
        int slot = state * alphabet + cls;
        int child = next[slot];
        if (child > 0) {
          fail[child] = next[fail[state] * alphabet + cls];
          queue.add(child);
        } else {
          next[slot] = next[fail[state] * alphabet + cls];
        }
      }
    }
    // Whitespace runs count as one space: a state entered by a space stays put on further spaces
    // (no pattern ends with or holds two spaces), so the hot loop needs no "previous was a space" test.
    for (int state = 0; state < states; state++) {
      if (viaSpace[state]) {
        next[state * alphabet + SPACE] = state;
      }
    }
    // Store each target as its row offset, negated (minus one) when the target state has outputs,
    // so the hot loop needs no multiply and no second lookup to know whether anything matched.
    for (int slot = 0; slot < next.length; slot++) {
      int target = next[slot];
      next[slot] = out.get(target).isEmpty() ? target * alphabet : -(target * alphabet) - 1;
    }
    outputStart = new int[states + 1];
    for (int s = 0; s < states; s++) {
      outputStart[s + 1] = outputStart[s] + out.get(s).size();
    }
    outputs = new int[outputStart[states]];
    for (int s = 0; s < states; s++) {
      List<Integer> ids = out.get(s);
      for (int i = 0; i < ids.size(); i++) {
        outputs[outputStart[s] + i] = ids.get(i);
      }
    }
  }

  /** Builds a matcher; {@code boundaries.get(i)} says where pattern i must meet a word boundary. */
  public static AhoCorasick build(List<String> patterns, List<Boundary> boundaries) {
    if (patterns.size() != boundaries.size()) {
      throw new IllegalArgumentException("patterns and boundaries differ in size");
    }
    return new AhoCorasick(patterns, boundaries);
  }

  public static AhoCorasick build(List<String> patterns) {
    List<Boundary> none = new ArrayList<>(patterns.size());
    patterns.forEach(p -> none.add(Boundary.NONE));
    return new AhoCorasick(patterns, none);
  }

  public int patternCount() {
    return patternCount;
  }

  public int stateCount() {
    return outputStart.length - 1;
  }

  /** Reports every occurrence of every pattern, overlapping ones included, in end order. */
  public void search(String text, MatchSink sink) {
    search(text.toCharArray(), sink);
  }

  /**
   * As {@link #search(String, MatchSink)} over the chars of a text (callers that run several passes
   * copy the text once: array reads are cheaper than {@code String.charAt}, above all for UTF-16 strings).
   */
  public void search(char[] text, MatchSink sink) {
    int row = 0;
    int length = text.length;
    for (int i = 0; i < length; i++) {
      char c = text[i];
      int cls = c < TABLE_SIZE ? charClass[c] : (Character.isWhitespace(c) ? SPACE : OTHER);
      int target = next[row + cls];
      if (target >= 0) {
        row = target;
        continue;
      }
      row = -target - 1;
      report(text, row / alphabet, i + 1, sink);
    }
  }

  private void report(char[] text, int state, int end, MatchSink sink) {
    int from = outputStart[state];
    int to = outputStart[state + 1];
    for (int k = from; k < to; k++) {
      int pattern = outputs[k];
      // Only a pattern with a space can have matched a collapsed whitespace run.
      int start = hasSpace[pattern] ? startOf(text, end, patternLength[pattern]) : end - patternLength[pattern];
      Boundary boundary = boundaries[pattern];
      if (boundary == Boundary.NONE
          || (isBoundary(text, start - 1) && (boundary == Boundary.START || isBoundary(text, end)))) {
        sink.onMatch(pattern, start, end);
      }
    }
  }

  /** True when at least one pattern occurs; stops at the first match. */
  public boolean containsAny(String text) {
    boolean[] found = {false};
    search(text, (id, start, end) -> found[0] = true);
    return found[0];
  }

  private int classOf(char c) {
    return c == ' ' ? SPACE : charClass[c];
  }

  /** Walks back over {@code consumed} matched symbols, counting a whitespace run as one. */
  private static int startOf(char[] text, int end, int consumed) {
    int i = end;
    int remaining = consumed;
    while (remaining > 0 && i > 0) {
      i--;
      if (Character.isWhitespace(text[i])) {
        while (i > 0 && Character.isWhitespace(text[i - 1])) {
          i--;
        }
      }
      remaining--;
    }
    return i;
  }

  private static boolean isBoundary(char[] text, int index) {
    if (index < 0 || index >= text.length) {
      return true;
    }
    return !Character.isLetterOrDigit(text[index]);
  }

  private static String normalize(String pattern) {
    StringBuilder sb = new StringBuilder(pattern.length());
    boolean space = false;
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (Character.isWhitespace(c)) {
        space = true;
        continue;
      }
      if (space && sb.length() > 0) {
        sb.append(' ');
      }
      space = false;
      sb.append(Character.toLowerCase(c));
    }
    return sb.toString();
  }
}

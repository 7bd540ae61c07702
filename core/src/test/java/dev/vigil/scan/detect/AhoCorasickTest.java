package dev.vigil.scan.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.scan.detect.AhoCorasick.Boundary;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AhoCorasickTest {

  private static List<String> matches(AhoCorasick ac, String text) {
    List<String> out = new ArrayList<>();
    ac.search(text, (id, start, end) -> out.add(id + ":" + start + "-" + end + ":" + text.substring(start, end)));
    return out;
  }

  @Test
  void findsOverlappingPatternsWithExactSpans() {
    AhoCorasick ac = AhoCorasick.build(List.of("he", "she", "his", "hers"));
    assertEquals(List.of("1:1-4:she", "0:2-4:he", "3:2-6:hers"), matches(ac, "ushers"));
  }

  @Test
  void isCaseInsensitiveAndCollapsesWhitespaceRuns() {
    AhoCorasick ac = AhoCorasick.build(List.of("ignore all previous"));
    assertEquals(List.of("0:3-24:IGNORE  all\n\tprevious"), matches(ac, "ok IGNORE  all\n\tprevious instructions"));
    assertTrue(matches(ac, "ignore all the previous").isEmpty());
  }

  @Test
  void honoursWordBoundaries() {
    AhoCorasick ac = AhoCorasick.build(List.of("dan", "sk"), List.of(Boundary.BOTH, Boundary.START));
    assertTrue(matches(ac, "a dance").isEmpty(), "dan inside dance");
    assertEquals(List.of("0:8-11:DAN"), matches(ac, "you are DAN."));
    assertEquals(List.of("1:0-2:SK"), matches(ac, "SK0123"));
    assertTrue(matches(ac, "ask").isEmpty(), "sk needs a word start");
  }

  @Test
  void matchesPunctuationAndLatinLetters() {
    AhoCorasick ac = AhoCorasick.build(List.of("-----begin", "ignorez les instructions", "<|im_start|>"));
    assertEquals(3, matches(ac, "-----BEGIN x; Ignorez les INSTRUCTIONS; <|im_start|>system").size());
    assertTrue(ac.containsAny("xx <|IM_START|>"));
    assertFalse(ac.containsAny("nothing here"));
  }

  @Test
  void rejectsEmptyPatterns() {
    assertThrows(IllegalArgumentException.class, () -> AhoCorasick.build(List.of("  ")));
  }
}

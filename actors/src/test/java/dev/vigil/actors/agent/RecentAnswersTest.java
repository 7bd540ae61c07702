package dev.vigil.actors.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class RecentAnswersTest {

  @Test
  void answersARepeatWithinTheWindow() {
    RecentAnswers<String> recent = new RecentAnswers<>(8, Duration.ofSeconds(30));
    recent.put("r1", "allow", 1_000);

    assertEquals("allow", recent.get("r1", 1_000 + 30_000));
    assertNull(recent.get("r2", 1_000));
  }

  @Test
  void forgetsAnswersOlderThanTheWindow() {
    RecentAnswers<String> recent = new RecentAnswers<>(8, Duration.ofSeconds(30));
    recent.put("r1", "allow", 1_000);
    recent.put("r2", "deny", 20_000);

    assertNull(recent.get("r1", 31_001), "31 s after it was answered");
    assertEquals("deny", recent.get("r2", 31_001));
    assertEquals(1, recent.size(), "the expired answer no longer takes memory");
  }

  @Test
  void keepsAtMostItsCapacityDroppingTheOldest() {
    RecentAnswers<String> recent = new RecentAnswers<>(3, Duration.ofSeconds(30));
    for (int i = 1; i <= 5; i++) {
      recent.put("r" + i, "answer " + i, 1_000 + i);
    }

    assertEquals(3, recent.size());
    assertNull(recent.get("r2", 1_010));
    assertEquals("answer 3", recent.get("r3", 1_010));
    assertEquals("answer 5", recent.get("r5", 1_010));
  }

  @Test
  void aRepeatedPutRefreshesTheEntry() {
    RecentAnswers<String> recent = new RecentAnswers<>(2, Duration.ofSeconds(30));
    recent.put("a", "1", 1_000);
    recent.put("b", "2", 1_001);
    recent.put("a", "1", 1_002);
    recent.put("c", "3", 1_003);

    assertEquals("1", recent.get("a", 1_004), "a was put again after b, so b is the oldest");
    assertNull(recent.get("b", 1_004));
  }

  @Test
  void rejectsNonsenseBounds() {
    assertThrows(IllegalArgumentException.class, () -> new RecentAnswers<String>(0, Duration.ofSeconds(1)));
    assertThrows(IllegalArgumentException.class, () -> new RecentAnswers<String>(1, Duration.ZERO));
  }
}

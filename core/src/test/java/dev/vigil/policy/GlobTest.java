package dev.vigil.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.policy.internal.Glob;
import org.junit.jupiter.api.Test;

class GlobTest {

  private static boolean action(String pattern, String text) {
    return Glob.compile(pattern, '.').matches(text);
  }

  @Test
  void singleStarStaysWithinOneSegment() {
    assertTrue(action("file.*", "file.read"));
    assertFalse(action("file.*", "file.read.all"));
    assertFalse(action("file.*", "file"));
    assertTrue(action("*.get", "user.get"));
    assertFalse(action("*.get", "a.user.get"));
    assertTrue(action("*", "file"));
    assertFalse(action("*", "file.read"));
  }

  @Test
  void doubleStarCrossesSegments() {
    assertTrue(action("**", "anything.at.all"));
    assertTrue(action("**", ""));
    assertTrue(action("file.**", "file.read"));
    assertTrue(action("file.**", "file.read.all"));
    assertFalse(action("file.**", "files.read"));
    assertTrue(action("**.delete", "db.table.delete"));
    assertFalse(action("**.delete", "db.table.deleted"));
    assertTrue(action("a.**.z", "a.b.c.z"));
  }

  @Test
  void literalsAndPartialSegments() {
    assertTrue(action("db.query", "db.query"));
    assertFalse(action("db.query", "db.query2"));
    assertTrue(action("db.q*", "db.query"));
    assertTrue(action("db.*y", "db.query"));
    assertFalse(action("db.*x", "db.query"));
    assertTrue(action("db.quer?", "db.query"));
    assertFalse(action("db?query", "db.query"));
    assertFalse(action("file.*", null));
  }

  @Test
  void resourceGlobsUseSlashAsSeparator() {
    Glob prod = Glob.compile("prod/*", '/');
    assertTrue(prod.matches("prod/users.csv"));
    assertFalse(prod.matches("prod/a/users.csv"));
    assertTrue(Glob.compile("prod/**", '/').matches("prod/a/b/c.txt"));
    assertTrue(Glob.compile("s3://bucket/*.csv", '/').matches("s3://bucket/x.y.csv"));
  }

  @Test
  void rejectsPathologicalPatterns() {
    assertNotNull(Glob.problemWith(""));
    assertNotNull(Glob.problemWith("a.***"));
    assertNotNull(Glob.problemWith("*a*b*c*d*e*f*g*h*i"));
    assertNull(Glob.problemWith("file.**"));
    assertEquals("file.*", Glob.compile("file.*", '.').pattern());
  }
}

package dev.vigil.receipt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.DecimalNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

class CanonicalJsonTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  // RFC 8785 Appendix B: IEEE-754 bit patterns and their canonical text.
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = ' ', value = {
      "0000000000000000 0",
      "8000000000000000 0",
      "0000000000000001 5e-324",
      "8000000000000001 -5e-324",
      "7fefffffffffffff 1.7976931348623157e+308",
      "ffefffffffffffff -1.7976931348623157e+308",
      "4340000000000000 9007199254740992",
      "c340000000000000 -9007199254740992",
      "4430000000000000 295147905179352830000",
      "44b52d02c7e14af5 9.999999999999997e+22",
      "44b52d02c7e14af6 1e+23",
      "44b52d02c7e14af7 1.0000000000000001e+23",
      "444b1ae4d6e2ef4e 999999999999999700000",
      "444b1ae4d6e2ef4f 999999999999999900000",
      "444b1ae4d6e2ef50 1e+21",
      "3eb0c6f7a0b5ed8c 9.999999999999997e-7",
      "3eb0c6f7a0b5ed8d 0.000001",
      "41b3de4355555553 333333333.3333332",
      "41b3de4355555554 333333333.33333325",
      "41b3de4355555555 333333333.3333333",
      "41b3de4355555556 333333333.3333334",
      "41b3de4355555557 333333333.33333343",
      "becbf647612f3696 -0.0000033333333333333333",
      "43143ff3c1cb0959 1424953923781206.2"})
  void rfc8785AppendixBNumbers(String bits, String expected) {
    assertEquals(expected, CanonicalJson.number(Double.longBitsToDouble(Long.parseUnsignedLong(bits, 16))));
  }

  @ParameterizedTest
  @CsvSource(delimiter = ' ', value = {
      "1e30 1e+30", "4.50 4.5", "0.002 0.002", "1e-7 1e-7", "-0.0 0", "9007199254740992 9007199254740992",
      "0.1 0.1", "100 100", "1e21 1e+21", "1e20 100000000000000000000", "0.000001 0.000001", "-1.5e-7 -1.5e-7",
      "123e-20 1.23e-18"})
  void numbersAsEcmaScriptWritesThem(String input, String expected) {
    assertEquals(expected, CanonicalJson.number(Double.parseDouble(input)));
  }

  @ParameterizedTest
  @ValueSource(doubles = {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY})
  void rejectsNonFiniteNumbers(double value) {
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.number(value));
    assertThrows(IllegalArgumentException.class,
        () -> CanonicalJson.serialize(JsonNodeFactory.instance.arrayNode().add(value)));
  }

  /** 2,203 doubles (random bit patterns, decimals, 2^53 +- 30, powers of ten and two) written by node 20's String(d). */
  @Test
  void matchesNodeJsNumberToStringOnEveryVector() throws IOException {
    List<String> failures = new ArrayList<>();
    int checked = 0;
    for (String line : resourceText("/receipt/es6-number-vectors.txt").split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.split(" ");
      double value = Double.longBitsToDouble(Long.parseUnsignedLong(parts[0], 16));
      String actual = CanonicalJson.number(value);
      if (!actual.equals(parts[1])) {
        failures.add(parts[0] + ": expected " + parts[1] + " got " + actual);
      }
      checked++;
    }
    assertEquals(2203, checked);
    assertEquals(List.of(), failures);
  }

  @Test
  void randomDoublesRoundTripInNoMoreDigitsThanJavaUses() {
    SplittableRandom random = new SplittableRandom(8785);
    for (int i = 0; i < 20_000; i++) {
      double value = Double.longBitsToDouble(random.nextLong());
      if (!Double.isFinite(value)) {
        continue;
      }
      String text = CanonicalJson.number(value);
      assertEquals(value == 0 ? 0d : value, Double.parseDouble(text), text);
      assertTrue(significantDigits(text) <= significantDigits(Double.toString(value)), text + " vs " + value);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"values", "structures", "weird", "unicode", "french", "arrays"})
  void matchesTheJcsTestDocuments(String name) throws IOException {
    JsonNode input = MAPPER.readTree(resourceText("/receipt/jcs/" + name + ".input.json"));
    String expected = resourceText("/receipt/jcs/" + name + ".expected.json");
    assertEquals(expected, CanonicalJson.serialize(input));
    assertEquals(expected, new String(CanonicalJson.utf8(input), StandardCharsets.UTF_8));
  }

  @Test
  void sortsByUtf16CodeUnitsNotCodePoints() {
    ObjectNode node = JsonNodeFactory.instance.objectNode();
    node.put("\uFB33", 1);       // U+FB33: one code unit 0xFB33
    node.put("\uD83D\uDE02", 2); // U+1F602: code units 0xD83D 0xDE02, so it sorts before U+FB33
    node.put("\u20AC", 3);
    assertEquals("{\"\u20AC\":3,\"\uD83D\uDE02\":2,\"\uFB33\":1}", CanonicalJson.serialize(node));
  }

  @Test
  void escapesOnlyWhatJcsRequires() {
    String input = "\u0000\u0001\u001f\b\f\n\r\t\"\\/\u007f\u2028\u2029\u00e9\uD83D\uDE02";
    String expected = "\"\\u0000\\u0001\\u001f\\b\\f\\n\\r\\t\\\"\\\\/\u007f\u2028\u2029\u00e9\uD83D\uDE02\"";
    assertEquals(expected, CanonicalJson.serialize(input));
  }

  @ParameterizedTest
  @ValueSource(strings = {"\uD800", "a\uDC00b", "\uDE02\uD83D"})
  void rejectsLoneSurrogates(String text) {
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.serialize(text));
  }

  @Test
  void integersBeyondTwoToThe53AreWrittenAsTheDoubleTheyDenote() {
    assertEquals("9007199254740992", CanonicalJson.serialize(LongNode.valueOf(9007199254740993L)));
    assertEquals("1e+30", CanonicalJson.serialize(BigIntegerNode.valueOf(BigInteger.TEN.pow(30))));
    assertEquals("4.5", CanonicalJson.serialize(DecimalNode.valueOf(new BigDecimal("4.50"))));
    assertEquals("56", CanonicalJson.serialize(DoubleNode.valueOf(56.0)));
    assertEquals("-9007199254740991", CanonicalJson.serialize(-9007199254740991L));
  }

  @Test
  void plainJavaValuesCanonicalizeLikeTheEquivalentTree() throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("z", List.of(1, 2.5, "x", true));
    map.put("a", null);
    map.put("m", Map.of("b", 1e-7, "a", BigInteger.valueOf(7)));
    String fromMap = CanonicalJson.serialize(map);
    assertEquals("{\"a\":null,\"m\":{\"a\":7,\"b\":1e-7},\"z\":[1,2.5,\"x\",true]}", fromMap);
    assertEquals(fromMap, CanonicalJson.serialize(MAPPER.readTree(MAPPER.writeValueAsString(map))));
  }

  @Test
  void rejectsValuesOutsideTheJsonDataModel() {
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.serialize(new Object()));
    assertThrows(IllegalArgumentException.class, () -> CanonicalJson.serialize(Map.of(1, "one")));
    assertThrows(IllegalArgumentException.class,
        () -> CanonicalJson.serialize(JsonNodeFactory.instance.binaryNode(new byte[] {1})));
  }

  @Test
  void outputHasNoWhitespaceAndIgnoresInputOrder() throws IOException {
    JsonNode a = MAPPER.readTree("{ \"b\" : [ 1 , { \"y\": 2, \"x\": 1 } ], \"a\" : \"s p\" }");
    JsonNode b = MAPPER.readTree("{\"a\":\"s p\",\"b\":[1,{\"x\":1,\"y\":2}]}");
    assertEquals(CanonicalJson.serialize(a), CanonicalJson.serialize(b));
    assertFalse(CanonicalJson.serialize(a).replace("s p", "").contains(" "));
  }

  private static int significantDigits(String text) {
    String mantissa = text.replace("-", "").split("[eE]")[0].replace(".", "");
    return mantissa.replaceAll("^0+", "").replaceAll("0+$", "").length();
  }

  private static String resourceText(String path) throws IOException {
    try (InputStream in = CanonicalJsonTest.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("missing test resource " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
    }
  }
}

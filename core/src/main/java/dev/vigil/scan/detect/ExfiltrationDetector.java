package dev.vigil.scan.detect;

import static dev.vigil.scan.FindingType.EXFILTRATION;
import static dev.vigil.scan.Severity.HIGH;
import static dev.vigil.scan.Severity.LOW;
import static dev.vigil.scan.Severity.MEDIUM;

import dev.vigil.scan.Finding;
import dev.vigil.scan.Severity;
import dev.vigil.scan.detect.AhoCorasick.Boundary;
import java.util.List;
import java.util.Locale;

/**
 * Channels that carry data out of an agent: markdown/HTML images whose URL has a query string or
 * template placeholders (rendered by a client, they leak without a click), URLs whose query or host
 * labels carry long encoded values, URLs to paste/webhook/out-of-band collaborator services,
 * {@code data:} URIs, and long base64/hex blobs.
 */
public final class ExfiltrationDetector implements Detector {

  private static final List<String> EXFIL_HOSTS = List.of(
      "webhook.site", "requestbin", "pipedream.net", "ngrok.io", "ngrok-free.app", "ngrok.app", "burpcollaborator.net",
      "oastify.com", "interact.sh", "interactsh", "oast.fun", "oast.pro", "oast.live", "oast.site", "oast.online", "oast.me",
      "hookbin.com", "beeceptor.com", "pastebin.com", "paste.ee", "hastebin", "transfer.sh", "ghostbin", "requestcatcher.com",
      "canarytokens", "discord.com/api/webhooks", "discordapp.com/api/webhooks", "dnslog.cn", "ceye.io", "mockbin.org",
      "postb.in", "0x0.st", "termbin.com", "file.io", "temp.sh");

  private static final int MIN_BLOB = 64;

  private final AnchoredRuleSet rules = new AnchoredRuleSet(rules());

  /** The anchored exfiltration rules, shared with {@link FastDetectors}. */
  static List<AnchoredRule> rules() {
    return List.of(
      AnchoredRule.of(EXFILTRATION, "markdown-image", LOW, "markdown image fetching an external URL (leaks data when rendered)",
          "!\\[[^\\]\\n]{0,300}\\]\\(\\s*<?((?:https?:)?//[^\\s)>]+)", "![")
          .group(1).window(2400).judge(ExfiltrationDetector::judgeImageUrl).startingAt(AnchoredRule.Start.AT_ANCHOR),
      AnchoredRule.of(EXFILTRATION, "html-image", LOW, "HTML image fetching an external URL (leaks data when rendered)",
          "(?i)<img\\b[^>]{0,300}?\\bsrc\\s*=\\s*[\"']?((?:https?:)?//[^\"'\\s>]+)", "<img")
          .group(1).window(2400).judge(ExfiltrationDetector::judgeImageUrl),
      AnchoredRule.of(EXFILTRATION, "exfil-host", HIGH, "URL of a paste, webhook or out-of-band collaborator service",
          "(?i)(?<![a-z0-9.\\-/])(?:https?://)?[a-z0-9.\\-]{0,80}(?:" + String.join("|", EXFIL_HOSTS.stream().map(h -> h.replace(".", "\\.")).toList())
              + ")[^\\s)\"'<>\\]]*",
          EXFIL_HOSTS.toArray(String[]::new)).lookBehind(90).window(300),
      AnchoredRule.of(EXFILTRATION, "url-data", MEDIUM, "URL carrying encoded data or placeholders in its query or host",
          "(?i)\\bhttps?://[^\\s)\"'<>\\]`]{8,4000}", "http://", "https://")
          .window(4000).judge(ExfiltrationDetector::judgeUrl).startingAt(AnchoredRule.Start.AT_ANCHOR),
      AnchoredRule.of(EXFILTRATION, "data-uri", MEDIUM, "data: URI with base64 payload",
          "(?i)\\bdata:[a-z]+/[a-z0-9.+\\-]+;base64,[A-Za-z0-9+/=]{16,}", "data:")
          .boundary(Boundary.START).window(100_000).startingAt(AnchoredRule.Start.AT_ANCHOR));
  }

  @Override
  public void detect(String text, List<Finding> out) {
    rules.detect(text, out);
    detectBlobs(text, out);
  }

  /** One pass over base64/hex-alphabet runs; long ones with high entropy are encoded payloads. */
  static void detectBlobs(String text, List<Finding> out) {
    int length = text.length();
    int i = 0;
    while (i < length) {
      if (!isBase64Char(text.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      while (i < length && isBase64Char(text.charAt(i))) {
        i++;
      }
      int end = i;
      if (end - start >= MIN_BLOB) {
        judgeBlob(text, start, end, out);
      }
    }
  }

  static void judgeBlob(String text, int start, int end, List<Finding> out) {
    boolean hexOnly = true;
    boolean digit = false;
    boolean upper = false;
    boolean lower = false;
    for (int k = start; k < end; k++) {
      char c = text.charAt(k);
      hexOnly &= Character.digit(c, 16) >= 0;
      digit |= c >= '0' && c <= '9';
      upper |= c >= 'A' && c <= 'Z';
      lower |= c >= 'a' && c <= 'z';
    }
    double entropy = Entropy.shannon(text, start, end);
    if (hexOnly && digit && entropy >= 3.0) {
      out.add(new Finding(EXFILTRATION, "hex-blob", LOW, start, end, "long hex-encoded blob", 0.5));
    } else if (!hexOnly && digit && upper && lower && entropy >= 4.5) {
      out.add(new Finding(EXFILTRATION, "base64-blob", LOW, start, end, "long base64-encoded blob", 0.5));
    }
  }

  private static final boolean[] BASE64_CHAR = new boolean[128];

  static {
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=_-";
    for (int i = 0; i < alphabet.length(); i++) {
      BASE64_CHAR[alphabet.charAt(i)] = true;
    }
  }

  private static boolean isBase64Char(char c) {
    return c < 128 && BASE64_CHAR[c];
  }

  static Severity judgeImageUrl(String url, Severity base) {
    if (hasPlaceholder(url) || queryCarriesData(url, 1)) {
      return HIGH;
    }
    return url.contains("?") ? MEDIUM : base;
  }

  static Severity judgeUrl(String url, Severity base) {
    if (hasPlaceholder(url) || queryCarriesData(url, 24) || hostCarriesData(url)) {
      return base;
    }
    return null;
  }

  private static boolean hasPlaceholder(String url) {
    String lower = url.toLowerCase(Locale.ROOT);
    return lower.contains("{{") || lower.contains("${") || lower.contains("%7b%7b") || lower.contains("$(")
        || lower.contains("[data]") || lower.contains("<data>") || lower.contains("{data}") || lower.contains("[secret")
        || lower.contains("{secret") || lower.contains("<secret") || lower.contains("[conversation") || lower.contains("{conversation")
        || lower.contains("{chat") || lower.contains("[chat") || lower.contains("{user") || lower.contains("[user");
  }

  /** True when some query value is at least {@code minLength} chars of encoded-looking data. */
  private static boolean queryCarriesData(String url, int minLength) {
    int q = url.indexOf('?');
    if (q < 0) {
      return false;
    }
    for (String pair : url.substring(q + 1).split("[&;]")) {
      int eq = pair.indexOf('=');
      String value = eq < 0 ? pair : pair.substring(eq + 1);
      if (value.length() >= minLength && (minLength == 1 || Entropy.shannon(value) >= 3.5)) {
        return true;
      }
    }
    return false;
  }

  /** DNS exfiltration: a host label of 32+ hex/base32/base64url chars. */
  private static boolean hostCarriesData(String url) {
    int schemeEnd = url.indexOf("://");
    String rest = schemeEnd < 0 ? url : url.substring(schemeEnd + 3);
    int slash = rest.indexOf('/');
    String host = slash < 0 ? rest : rest.substring(0, slash);
    for (String label : host.split("\\.")) {
      if (label.length() >= 32 && Entropy.shannon(label) >= 3.5) {
        return true;
      }
    }
    return false;
  }
}

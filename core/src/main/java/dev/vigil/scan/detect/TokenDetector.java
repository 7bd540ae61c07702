package dev.vigil.scan.detect;

import static dev.vigil.scan.FindingType.EXFILTRATION;
import static dev.vigil.scan.FindingType.PII;
import static dev.vigil.scan.FindingType.SECRET;
import static dev.vigil.scan.Severity.HIGH;
import static dev.vigil.scan.Severity.LOW;
import static dev.vigil.scan.Severity.MEDIUM;

import dev.vigil.scan.Finding;
import dev.vigil.scan.FindingType;
import dev.vigil.scan.Severity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One pass over the "token" runs of a text (chars of the base64 and base64url alphabets), judging
 * each run by its length and shape:
 * <ul>
 *   <li>base64 that decodes to readable text is decoded and scanned again for secrets and personal
 *       data (an e-mail address or a database URL hidden as {@code am9obi5kb2VA...}); findings cover
 *       the encoded token;</li>
 *   <li>24-63 char tokens that look random (entropy near the maximum for their length, upper and
 *       lower case and digits, no English-like lower-case runs) are reported as possible keys even
 *       without a keyword, as detect-secrets' high-entropy plugins do;</li>
 *   <li>upper-case letter-and-digit ids (Italian codice fiscale, Mexican CURP) and cryptocurrency
 *       addresses (Bitcoin base58check and bech32, Ethereum);</li>
 *   <li>64+ char runs are encoded blobs ({@link ExfiltrationDetector}).</li>
 * </ul>
 */
public final class TokenDetector {

  /** Re-scans decoded text with the other detectors (no further decoding). */
  @FunctionalInterface
  public interface Rescanner {
    void scan(String decoded, List<Finding> out);
  }

  private static final int MIN_DECODE = 16;
  private static final int MAX_DECODE = 8192;
  private static final int MIN_RANDOM = 24;
  private static final int MAX_RANDOM = 63;
  private static final int MIN_BLOB = 64;

  private static final Pattern IT_FISCAL_CODE =
      Pattern.compile("[A-Z]{6}[\\dLMNP-V]{2}[A-EHLMPR-T][\\dLMNP-V]{2}[A-Z][\\dLMNP-V]{3}[A-Z]");
  private static final Pattern MX_CURP = Pattern.compile("[A-Z][AEIOUX][A-Z]{2}\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])[HMX]"
      + "(?:AS|BC|BS|CC|CS|CH|CL|CM|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS|TL|VZ|YN|ZS|NE)[B-DF-HJ-NP-TV-Z]{3}[A-Z\\d]\\d");
  private static final Pattern BECH32_ADDRESS = Pattern.compile("(?i)bc1[ac-hj-np-z02-9]{11,71}");
  private static final Pattern ETH_ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");

  private TokenDetector() {}

  /** Runs the token pass for the wanted finding types; {@code rescanner} sees decoded base64 text. */
  public static void detect(String text, Set<FindingType> wanted, List<Finding> out, Rescanner rescanner) {
    detect(text, text.toCharArray(), wanted, out, rescanner);
  }

  /** As {@link #detect(String, Set, List, Rescanner)} with the text's chars already copied ({@code chars}). */
  public static void detect(String text, char[] chars, Set<FindingType> wanted, List<Finding> out, Rescanner rescanner) {
    boolean secrets = wanted.contains(SECRET);
    boolean pii = wanted.contains(PII);
    boolean exfiltration = wanted.contains(EXFILTRATION);
    int length = chars.length;
    int i = 0;
    while (i < length) {
      char c = chars[i];
      if (c >= 128 || CLASS[c] == NOT_TOKEN) {
        i++;
        continue;
      }
      int start = i;
      // Hot loop: only find the run's end; the char mix is counted for long runs only.
      while (i < length) {
        c = chars[i];
        if (c >= 128 || CLASS[c] == NOT_TOKEN
            || (c == '=' && i + 1 < length && chars[i + 1] != '=' && isTokenChar(chars[i + 1]))) {
          break; // "NAME=value": '=' belongs to a token only as trailing base64 padding
        }
        i++;
      }
      int end = i;
      if (end == start) {
        i++; // a lone '=' between two tokens
        continue;
      }
      if (end - start >= 14) {
        judgeToken(text, start, end, secrets, pii, exfiltration, wanted, out, rescanner);
      }
    }
  }

  /** Everything done for one run of 14+ token chars (kept out of the scanning loop so that loop stays small for the JIT). */
  private static void judgeToken(String text, int start, int end, boolean secrets, boolean pii, boolean exfiltration,
      Set<FindingType> wanted, List<Finding> out, Rescanner rescanner) {
    int upper = 0;
    int lower = 0;
    int digits = 0;
    for (int k = start; k < end; k++) {
      byte cls = CLASS[text.charAt(k)];
      upper += cls == UPPER ? 1 : 0;
      lower += cls == LOWER ? 1 : 0;
      digits += cls == DIGIT ? 1 : 0;
    }
    int n = end - start;
    boolean identified = (pii || secrets) && letterIdsAndWallets(text, start, end, upper, lower, digits, pii ? out : new ArrayList<>());
    if (n >= MIN_BLOB && exfiltration) {
      ExfiltrationDetector.judgeBlob(text, start, end, out);
    }
    boolean decodedText = false;
    if ((secrets || pii) && n >= MIN_DECODE && n <= MAX_DECODE && upper > 0 && lower > 0) {
      decodedText = decodeAndRescan(text, start, end, wanted, out, rescanner);
    }
    if (secrets && !decodedText && !identified && n >= MIN_RANDOM && n <= MAX_RANDOM && upper >= 2 && lower >= 2 && digits >= 1) {
      randomToken(text, start, end, out);
    }
  }

  /** Reports letter-shaped ids and wallet addresses; returns whether the token was one (then it is not a random key). */
  private static boolean letterIdsAndWallets(String text, int start, int end, int upper, int lower, int digits, List<Finding> out) {
    int n = end - start;
    String token = null;
    if (lower == 0 && digits >= 2 && (n == 16 || n == 18) && upper + digits == n) {
      token = text.substring(start, end);
      if (n == 16 && IT_FISCAL_CODE.matcher(token).matches()) {
        boolean valid = Checksums.italianFiscalCode(token);
        out.add(pii("it-fiscal-code", valid ? HIGH : MEDIUM, "Italian codice fiscale" + (valid ? " (check letter valid)" : ""), start, end));
        return true;
      } else if (n == 18 && MX_CURP.matcher(token).matches()) {
        out.add(pii("mx-curp", MEDIUM, "Mexican CURP", start, end));
        return true;
      }
    }
    char first = text.charAt(start);
    if ((first == '1' || first == '3') && n >= 26 && n <= 35 && upper > 0 && lower > 0) {
      token = token == null ? text.substring(start, end) : token;
      if (Checksums.bitcoinBase58(token)) {
        out.add(pii("crypto-wallet", MEDIUM, "Bitcoin address (base58check valid)", start, end));
        return true;
      }
    } else if ((first == 'b' || first == 'B') && n >= 14 && n <= 74 && text.regionMatches(true, start, "bc1", 0, 3)) {
      token = token == null ? text.substring(start, end) : token;
      if (BECH32_ADDRESS.matcher(token).matches() && Checksums.bech32(token)) {
        out.add(pii("crypto-wallet", MEDIUM, "Bitcoin bech32 address (checksum valid)", start, end));
        return true;
      }
    } else if (first == '0' && n == 42 && text.charAt(start + 1) == 'x') {
      token = token == null ? text.substring(start, end) : token;
      if (ETH_ADDRESS.matcher(token).matches()) {
        out.add(pii("crypto-wallet", LOW, "Ethereum-style address (0x + 40 hex)", start, end));
        return true;
      }
    }
    return false;
  }

  /**
   * Decodes a base64 token; when it is readable text, scans it and reports each SECRET/PII finding
   * over the encoded token. Returns whether the token decoded to text (then it is encoded data, not
   * a random key).
   */
  private static boolean decodeAndRescan(String text, int start, int end, Set<FindingType> wanted, List<Finding> out,
      Rescanner rescanner) {
    if (!couldBeAsciiText(text, start, end)) {
      return false;
    }
    String token = text.substring(start, end);
    String decoded = decodeText(token);
    if (decoded == null) {
      return false;
    }
    List<Finding> inner = new ArrayList<>();
    rescanner.scan(decoded, inner);
    for (Finding f : inner) {
      if ((f.type() == SECRET || f.type() == PII) && wanted.contains(f.type())) {
        out.add(new Finding(f.type(), f.detector(), f.severity(), start, end, f.reason() + " (base64-encoded)", f.score()));
      }
    }
    return true;
  }

  /**
   * Base64 of ASCII text has a telltale shape: each 4-char group holds three bytes below 0x80, so
   * the first char is one of the first 32 alphabet chars (A-Z, a-f), the second's low 4 bits are
   * below 8 and the third's low 2 bits below 2. Random tokens fail this within a few groups, so they
   * are not decoded at all.
   */
  static boolean couldBeAsciiText(String text, int start, int end) {
    for (int k = start; k + 2 < end; k += 4) {
      int first = sextet(text.charAt(k));
      int second = sextet(text.charAt(k + 1));
      int third = sextet(text.charAt(k + 2));
      if (first < 0 || first >= 32 || second < 0 || (second & 0xF) >= 8 || (third >= 0 && (third & 3) >= 2)) {
        return false;
      }
    }
    return true;
  }

  private static int sextet(char c) {
    if (c >= 'A' && c <= 'Z') {
      return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
      return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
      return c - '0' + 52;
    }
    return c == '+' || c == '-' ? 62 : c == '/' || c == '_' ? 63 : -1;
  }

  /** The UTF-8 text a base64/base64url token stands for, or {@code null} when it is not readable text. */
  static String decodeText(String token) {
    int n = token.length();
    int padding = 0;
    while (padding < n && token.charAt(n - 1 - padding) == '=') {
      padding++;
    }
    if (padding > 2 || (padding > 0 && n % 4 != 0) || n % 4 == 1) {
      return null;
    }
    boolean standard = false;
    boolean urlSafe = false;
    for (int k = 0; k < n - padding; k++) {
      char c = token.charAt(k);
      if (c == '=') {
        return null;
      }
      standard |= c == '+' || c == '/';
      urlSafe |= c == '-' || c == '_';
    }
    if (standard && urlSafe) {
      return null;
    }
    byte[] bytes;
    try {
      bytes = (urlSafe ? Base64.getUrlDecoder() : Base64.getDecoder()).decode(padding > 0 || n % 4 == 0 ? token : pad(token));
    } catch (IllegalArgumentException e) {
      return null;
    }
    if (bytes.length < 8) {
      return null;
    }
    String decoded = new String(bytes, StandardCharsets.UTF_8);
    int readable = 0;
    for (int k = 0; k < decoded.length(); k++) {
      char c = decoded.charAt(k);
      if ((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r' || c == '\t' || (c >= 0xA0 && c != 0xFFFD)) {
        readable++;
      }
    }
    return readable >= 0.95 * decoded.length() ? decoded : null;
  }

  private static String pad(String token) {
    return token + "==".substring(0, (4 - token.length() % 4) % 4);
  }

  /**
   * A key-like token without any keyword: entropy at least 0.82 x log2(length) (random base64 of
   * that length clears it about 9 times in 10; identifiers and words do not), and under a quarter of
   * its chars in lower-case runs of 3+ (camelCase identifiers are mostly such runs).
   */
  private static void randomToken(String text, int start, int end, List<Finding> out) {
    int n = end - start;
    char first = text.charAt(start);
    if (first == '/' || first == '-' || first == '_' || (start > 0 && (text.charAt(start - 1) == '/' || text.charAt(start - 1) == '.' || text.charAt(start - 1) == '\\'))
        || text.regionMatches(true, start, "sha", 0, 3) || text.regionMatches(true, start, "md5-", 0, 4)) {
      return;
    }
    int lowerInRuns = 0;
    int run = 0;
    for (int k = start; k < end; k++) {
      char c = text.charAt(k);
      if (c == '/' && k + 1 < end && text.charAt(k + 1) == '/') {
        return; // a URL or path, not a key
      }
      if (c >= 'a' && c <= 'z') {
        run++;
      } else {
        lowerInRuns += run >= 3 ? run : 0;
        run = 0;
      }
    }
    lowerInRuns += run >= 3 ? run : 0;
    if (lowerInRuns * 4 >= n || wordSegments(text, start, end) * 5 >= n * 2 || sshPublicKey(text, start) || publicKeyBefore(text, start)) {
      return;
    }
    double entropy = Entropy.shannon(text, start, end);
    if (entropy >= 0.82 * (Math.log(n) / Math.log(2))) {
      out.add(new Finding(SECRET, "high-entropy-token", MEDIUM, start, end,
          "random-looking token without a keyword (possible key or password)", AnchoredRuleSet.scoreOf(MEDIUM)));
    }
  }

  /** Chars in {@code _}/{@code -} separated segments that are one-case words of 3+ letters ({@code EXAMPLE_NOT_REAL}). */
  static int wordSegments(String text, int start, int end) {
    int total = 0;
    int segStart = start;
    for (int k = start; k <= end; k++) {
      if (k == end || text.charAt(k) == '_' || text.charAt(k) == '-' || text.charAt(k) == '/' || text.charAt(k) == '.'
          || text.charAt(k) == '=') {
        int len = k - segStart;
        if (len >= 3 && oneCaseWord(text, segStart, k)) {
          total += len;
        }
        segStart = k + 1;
      }
    }
    return total;
  }

  private static boolean oneCaseWord(String text, int start, int end) {
    boolean upper = true;
    boolean lower = true;
    for (int k = start; k < end; k++) {
      char c = text.charAt(k);
      upper &= c >= 'A' && c <= 'Z';
      lower &= c >= 'a' && c <= 'z';
    }
    return upper || lower;
  }

  /** "PublicKey=...", "public key '...'": key material the text itself says is public. */
  private static boolean publicKeyBefore(String text, int start) {
    int from = Math.max(0, start - 40);
    String before = text.substring(from, start).toLowerCase(java.util.Locale.ROOT);
    return before.contains("public");
  }

  /** OpenSSH public key blobs (ssh-rsa, ssh-ed25519, ecdsa) are public by design. */
  private static boolean sshPublicKey(String text, int start) {
    return text.startsWith("AAAAB3NzaC1", start) || text.startsWith("AAAAC3NzaC1", start) || text.startsWith("AAAAE2VjZHNh", start);
  }

  private static Finding pii(String detector, Severity severity, String reason, int start, int end) {
    return new Finding(PII, detector, severity, start, end, reason, AnchoredRuleSet.scoreOf(severity));
  }

  private static final byte NOT_TOKEN = 0;
  private static final byte UPPER = 1;
  private static final byte LOWER = 2;
  private static final byte DIGIT = 3;
  private static final byte SYMBOL = 4;
  private static final byte EQUALS = 5;
  /** Char class of each ASCII char in the token alphabet (base64 and base64url). */
  private static final byte[] CLASS = new byte[128];

  static {
    for (char c = 'A'; c <= 'Z'; c++) {
      CLASS[c] = UPPER;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      CLASS[c] = LOWER;
    }
    for (char c = '0'; c <= '9'; c++) {
      CLASS[c] = DIGIT;
    }
    CLASS['+'] = SYMBOL;
    CLASS['/'] = SYMBOL;
    CLASS['_'] = SYMBOL;
    CLASS['-'] = SYMBOL;
    CLASS['='] = EQUALS;
  }

  static boolean isTokenChar(char c) {
    return c < 128 && CLASS[c] != NOT_TOKEN;
  }
}

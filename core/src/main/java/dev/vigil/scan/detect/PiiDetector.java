package dev.vigil.scan.detect;

import static dev.vigil.scan.FindingType.PII;
import static dev.vigil.scan.Severity.HIGH;
import static dev.vigil.scan.Severity.LOW;
import static dev.vigil.scan.Severity.MEDIUM;

import dev.vigil.scan.Finding;
import dev.vigil.scan.Severity;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Personal data, modelled on Presidio's pattern recognizers (and a few it lacks): e-mail addresses,
 * phone numbers (E.164 and national formats), payment cards (Luhn and issuer prefix) and their
 * masked forms, IBANs (mod-97), US SSN and ITIN (SSA rules), national ids of many countries with
 * their check digits (UK NINO and NHS, Spanish NIF/NIE, Indian PAN and Aadhaar, Singapore NRIC,
 * Korean RRN, Canadian SIN, Swiss AHV, Chinese resident id, Brazilian CPF/CNPJ, Italian codice
 * fiscale, Mexican CURP, Hong Kong id, Belgian, French, Polish, Swedish, Finnish, German, Malaysian,
 * Emirati and South African ids, Australian Medicare), US DEA numbers, postal addresses,
 * coordinates, IP addresses, and the anchored rules of {@link PiiTextRules}. Numeric patterns only
 * run around "digit clusters" found in one pass over the text, gated by cheap facts about each
 * cluster, so prose without numbers costs one scan. Names of people need NER and are not detected.
 */
public final class PiiDetector implements Detector {

  /** Cheap facts about one digit cluster; rules say which facts they need before their regex runs. */
  static final class Cluster {
    String text;
    int start;
    int end;
    int digits;
    /** Bit {@code n} set when the cluster holds a run of exactly {@code n} consecutive digits (n capped at 31). */
    int runLengths;
    int singleDigitRuns;
    boolean dotted;
    boolean lettered;
    boolean masked;
    boolean cjk;
    boolean degree;
    boolean hasRun(int n) {
      return (runLengths & (1 << Math.min(n, 31))) != 0;
    }
  }

  @FunctionalInterface
  interface Gate {
    boolean open(Cluster c);

    Gate ANY = c -> true;
  }

  @FunctionalInterface
  interface Judge {
    /** Returns the finding for {@code [start, end)}, or {@code null} when validation fails. */
    Finding judge(String text, int start, int end);
  }

  /** A regex run around a digit cluster of at least {@code minDigits} digits whose gate opens. */
  record NumericRule(int minDigits, Gate gate, Pattern pattern, int behind, int ahead, int group, Judge judge) {
    NumericRule(int minDigits, Gate gate, String regex, Judge judge) {
      this(minDigits, gate, Pattern.compile(regex), DEFAULT_BEHIND, 2, 0, judge);
    }

    /** Chars searched before the cluster's first digit and after its last. */
    NumericRule reach(int newBehind, int newAhead) {
      return new NumericRule(minDigits, gate, pattern, newBehind, newAhead, group, judge);
    }

    /** Reports this regex group instead of the whole match (the context words are not the finding). */
    NumericRule group(int newGroup) {
      return new NumericRule(minDigits, gate, pattern, behind, ahead, newGroup, judge);
    }
  }

  private static final int MIN_CLUSTER_DIGITS = 4;
  private static final int CLUSTER_LOOK_BEHIND = 24;
  /** Most numeric matches start at the cluster or one char before it ('+', '('); rules that need more say so. */
  private static final int DEFAULT_BEHIND = 3;
  private static final int MAX_BEHIND = 64;
  private static final Pattern CONTEXT_PHONE = Pattern.compile("(?i)(?:phone|call|tel|mobile|cell|whatsapp|sms|fax|contact|text me)");
  private static final Pattern CONTEXT_SSN = Pattern.compile("(?i)(?:ssn|social security|tax id|taxpayer|itin|ssn_)");
  private static final Pattern CONTEXT_PASSPORT = Pattern.compile("(?i)passport");
  private static final Pattern CONTEXT_NHS = Pattern.compile("(?i)\\bnhs\\b");
  private static final Pattern CONTEXT_SPELLED = Pattern.compile("(?i)(?:phone|call|text|mobile|ssn|social|card|account|number)");
  private static final Pattern CONTEXT_MEDICAL = Pattern.compile("(?i)(?:\\bdea\\b|licen[cs]e|prescri|physician|doctor|\\bdr\\b|medical|registration)");
  private static final Pattern CONTEXT_BANK = Pattern.compile("(?i)(?:routing|\\baba\\b|bank|account|acct|checking|savings)");

  private final AnchoredRuleSet textRules = new AnchoredRuleSet(textRules());

  /** The anchored (non-numeric) PII rules, shared with {@link FastDetectors}. */
  static List<AnchoredRule> textRules() {
    return PiiTextRules.rules();
  }

  private static final String COUNTRIES = "Germany|Deutschland|France|Japan|China|Brazil|Brasil|Mexico|México|Netherlands|Belgium"
      + "|Switzerland|Austria|Italy|Italia|Spain|España|Portugal|Poland|Sweden|Norway|Denmark|Finland|Ireland|United Kingdom|UK"
      + "|Canada|Australia|New Zealand|India|Singapore|Korea|South Korea|Republic of Korea|Taiwan|Hong Kong|Argentina|Chile"
      + "|Colombia|Peru|South Africa|Nigeria|Kenya|Egypt|Israel|Turkey|Türkiye|Greece|Czech Republic|Czechia|Hungary|Romania"
      + "|Ukraine|Russia|Indonesia|Philippines|Malaysia|Thailand|Vietnam|United Arab Emirates|UAE|Saudi Arabia|USA|United States";

  private static final String US_STATES = "AL|AK|AZ|AR|CA|CO|CT|DE|DC|FL|GA|HI|ID|IL|IN|IA|KS|KY|LA|ME|MD|MA|MI|MN|MS|MO|MT|NE|NV|NH|NJ"
      + "|NM|NY|NC|ND|OH|OK|OR|PA|RI|SC|SD|TN|TX|UT|VT|VA|WA|WV|WI|WY|PR|GU|VI";

  private final List<NumericRule> numericRules = List.of(
      // Payment cards: contiguous, or grouped 4-4-4-4(-3) / Amex 4-6-5 with one separator kind.
      new NumericRule(13, c -> c.digits >= 13 && (c.hasRun(4) || c.hasRun(8) || c.runLengths >>> 13 != 0), "(?<![\\d\\-.])(?:\\d{13,19}|\\d{4}([ \\-])\\d{4}\\1\\d{4}\\1\\d{4}(?:\\1\\d{1,3})?"
          + "|\\d{4}([ \\-])\\d{6}\\2\\d{4,5}|\\d{4}([ \\-])\\d{4}\\3\\d{4}\\3\\d{2}|(?:\\d[ \\-]?){12,18}\\d)(?![\\d]|-\\d)", PiiDetector::card),
      new NumericRule(4, c -> c.masked, "(?<![\\w*])(?:\\d{4}|[Xx*•]{4})([ \\-]?)[Xx*•]{4}\\1[Xx*•]{4}\\1(?:\\d{4}|[Xx*•]{4})(?![\\w*])"
          + "|(?<![\\w*])\\d{4,6}[Xx*•]{5,12}\\d{0,4}(?![\\w*])|(?<![\\w*])(?:[*•]{2,12}|X{4,12})[ \\-]?\\d{4}(?!\\d)",
          PiiDetector::maskedCard).reach(CLUSTER_LOOK_BEHIND, 20),
      new NumericRule(4, c -> c.masked, "(?<![\\w*])(?:\\d{3}|[Xx*]{3,4}|\\d[Xx*]{2})([\\- ])(?:\\d{2}|[Xx*]{2})\\1(?:\\d{4}|[Xx*]{4})(?![\\w*])",
          PiiDetector::maskedSsn).reach(10, 6),
      new NumericRule(4, PiiDetector::endingInBefore, "(?i)(?:card|visa|mastercard|amex|account|acct|ssn|social(?:\\s+security)?(?:\\s+number)?"
          + "|phone|number)\\b[^.\\n]{0,30}?\\bending\\s+(?:in|with)\\s*[*xX•#.]*(\\d{4})(?!\\d)",
          (t, s, e) -> finding("partial-number", LOW, "last digits of a card, account or SSN", s, e)).reach(64, 2).group(1),
      // US SSN / ITIN.
      new NumericRule(9, c -> c.hasRun(3) && c.hasRun(2) && c.hasRun(4), "(?<![\\d\\-])\\d{3}([\\- .\\\\/_])\\d{2}\\1\\d{4}(?![\\d\\-])", PiiDetector::ssnShaped),
      new NumericRule(9, c -> c.hasRun(9), "(?<![\\d\\-])\\d{9}(?![\\d\\-])", PiiDetector::bareNineDigits),
      // Digits deliberately spaced out ("9-8-7-6-5-4-3-2-0", "(5-5-5) 1-2-3-4-5-6-7").
      new NumericRule(9, c -> c.singleDigitRuns >= 7, "(?<![\\w])\\(?\\d(?:[\\s\\-._()]{1,3}\\d){8,18}(?![\\w])", PiiDetector::spacedDigits),
      // Phones.
      new NumericRule(8, Gate.ANY, "(?<![\\w+])(?:\\+|\\b00)[1-9]\\d{0,3}(?:[ .\\-]?\\(?\\d{1,5}\\)?){2,6}(?!\\d)",
          PiiDetector::internationalPhone),
      new NumericRule(9, Gate.ANY,
          "(?<![\\w.+\\-/])(?:\\(\\d{2,5}\\)|\\d{1,6})(?:[ .\\-]\\(?\\d{1,8}\\)?){1,4}(?![\\d]|[.\\-/]\\d)",
          PiiDetector::nationalPhone),
      new NumericRule(10, c -> c.hasRun(10) || c.hasRun(11), "(?<![\\w.+\\-])\\d{10,11}(?![\\w\\-]|\\.\\d)", PiiDetector::bareTenOrElevenDigits),
      new NumericRule(4, c -> c.lettered && c.text.charAt(c.start) == '1' && c.hasRun(3), "(?<![\\w\\-])1[\\- ]8(?:00|33|44|55|66|77|88)[\\- ](?=[A-Z0-9\\-]*[A-Z])[A-Z0-9]{3,}(?:-[A-Z0-9]{2,}){0,2}(?![\\w\\-])",
          (t, s, e) -> finding("phone-number", LOW, "toll-free phone number with letters", s, e)).reach(DEFAULT_BEHIND, 16),
      new NumericRule(4, c -> c.dotted, "(?<![\\d.])(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(?:\\.(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}(?![\\d.]|\\.\\d)",
          (t, s, e) -> finding("ip-address", LOW, "IPv4 address", s, e)),
      new NumericRule(4, c -> c.lettered, "\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\\b", PiiDetector::iban).reach(CLUSTER_LOOK_BEHIND, 2),
      // National ids.
      new NumericRule(6, c -> c.lettered && (c.hasRun(2) || c.hasRun(6)), "\\b[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z] ?\\d{2} ?\\d{2} ?\\d{2} ?[A-D]\\b",
          (t, s, e) -> finding("uk-nino", HIGH, "UK National Insurance number", s, e)).reach(4, 6),
      new NumericRule(7, c -> c.lettered && (c.hasRun(7) || c.hasRun(8)), "\\b[XYZ]?\\d{7,8}-?[A-Z]\\b",
          (t, s, e) -> Checksums.spanishNif(t.substring(s, e)) ? finding("es-nif", HIGH, "Spanish DNI/NIE with valid letter", s, e) : null),
      new NumericRule(4, c -> c.lettered && c.hasRun(4) && c.start >= 5 && isUpper(c.text.charAt(c.start - 1)), "\\b[A-Z]{5}\\d{4}[A-Z]\\b", PiiDetector::indianPan).reach(6, 2),
      new NumericRule(12, c -> c.hasRun(12) || c.hasRun(4), "(?<![\\d\\-])[2-9]\\d{3}[ \\-]?\\d{4}[ \\-]?\\d{4}(?![\\d\\-])",
          (t, s, e) -> Checksums.verhoeff(t.substring(s, e)) ? finding("in-aadhaar", HIGH, "Aadhaar number (Verhoeff valid)", s, e) : null),
      new NumericRule(7, c -> c.lettered && c.hasRun(7), "\\b[STFGM]\\d{7}[A-Z]\\b",
          (t, s, e) -> finding("sg-nric", MEDIUM, "Singapore NRIC/FIN", s, e)),
      new NumericRule(13, c -> c.hasRun(6) && c.hasRun(7), "(?<![\\d\\-])\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])-[1-4]\\d{6}(?![\\d\\-])",
          (t, s, e) -> finding("kr-rrn", HIGH, "Korean resident registration number", s, e)),
      new NumericRule(9, c -> c.hasRun(3), "(?<![\\d\\-])\\d{3}[ \\-]\\d{3}[ \\-]\\d{3}(?![\\d\\-])",
          (t, s, e) -> Checksums.luhn(t.substring(s, e)) ? finding("ca-sin", MEDIUM, "Canadian SIN (Luhn valid)", s, e) : null),
      new NumericRule(10, c -> c.hasRun(10) || (c.hasRun(3) && c.hasRun(4)), "(?<![\\d\\-])\\d{3}[ \\-]?\\d{3}[ \\-]?\\d{4}(?![\\d\\-])", PiiDetector::nhs),
      new NumericRule(13, c -> c.dotted, "\\b756\\.\\d{4}\\.\\d{4}\\.\\d{2}\\b",
          (t, s, e) -> finding("ch-ahv", HIGH, "Swiss AHV/AVS social security number", s, e)),
      new NumericRule(8, c -> c.hasRun(8) || c.hasRun(9), "\\b[A-Z]?\\d{8,9}\\b", PiiDetector::passport),
      new NumericRule(17, c -> c.hasRun(17) || c.hasRun(18), "(?<![\\w.\\-])[1-8]\\d{5}(?:18|19|20)\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])\\d{3}[\\dXx](?![\\w\\-])",
          (t, s, e) -> finding("cn-resident-id", Checksums.chinaResidentId(t.substring(s, e)) ? HIGH : MEDIUM,
              "Chinese resident identity card number", s, e)),
      new NumericRule(11, c -> c.dotted, "(?<![\\d.\\-])\\d{3}\\.\\d{3}\\.\\d{3}-\\d{2}(?![\\d\\-])",
          (t, s, e) -> finding("br-cpf", Checksums.brazilCpf(t.substring(s, e)) ? HIGH : MEDIUM, "Brazilian CPF", s, e)),
      new NumericRule(14, c -> c.dotted, "(?<![\\d.\\-])\\d{2}\\.\\d{3}\\.\\d{3}/\\d{4}-\\d{2}(?![\\d\\-])",
          (t, s, e) -> finding("br-cnpj", Checksums.brazilCnpj(t.substring(s, e)) ? HIGH : MEDIUM, "Brazilian CNPJ", s, e)),
      new NumericRule(14, c -> c.hasRun(14), "(?<![\\w.\\-])\\d{14}(?![\\w\\-]|\\.\\d)",
          (t, s, e) -> Checksums.brazilCnpj(t.substring(s, e)) ? finding("br-cnpj", MEDIUM, "Brazilian CNPJ (check digits valid)", s, e) : null),
      new NumericRule(13, c -> c.hasRun(13), "(?<![\\w.\\-])\\d{13}(?![\\w\\-]|\\.\\d)", PiiDetector::southAfricanId),
      new NumericRule(11, c -> c.dotted, "(?<![\\d.])\\d{2}\\.(?:0\\d|1[0-2])\\.(?:[0-2]\\d|3[01])-\\d{3}\\.\\d{2}(?![\\d.])",
          (t, s, e) -> finding("be-national-number", Checksums.belgianNationalNumber(t.substring(s, e)) ? HIGH : MEDIUM,
              "Belgian national register number", s, e)),
      new NumericRule(15, c -> c.hasRun(15) || c.hasRun(1) && c.hasRun(3), "(?<![\\d])[12] ?\\d{2} ?(?:0[1-9]|1[0-2]|[2-9]\\d) ?(?:\\d{2}|2[AB]) ?\\d{3} ?\\d{3} ?\\d{2}(?![\\d])",
          PiiDetector::frenchNir).reach(DEFAULT_BEHIND, 8),
      new NumericRule(15, c -> c.hasRun(15) || c.hasRun(7), "(?<![\\d\\-])784-?(?:19|20)\\d{2}-?\\d{7}-?\\d(?![\\d\\-])",
          (t, s, e) -> finding("ae-emirates-id", Checksums.luhn(t.substring(s, e)) ? HIGH : MEDIUM, "Emirates ID number", s, e)),
      new NumericRule(12, c -> c.hasRun(6) && c.hasRun(2) && c.hasRun(4), "(?<![\\d\\-])\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])-\\d{2}-\\d{4}(?![\\d\\-])",
          (t, s, e) -> finding("my-nric", MEDIUM, "Malaysian identity card (MyKad) number", s, e)),
      new NumericRule(10, c -> (c.hasRun(6) || c.hasRun(8)) && c.hasRun(4), "(?<![\\d\\-+])(?:19|20)?\\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\\d|3[01])[-+]\\d{4}(?![\\d\\-])",
          PiiDetector::swedishPersonnummer),
      new NumericRule(9, c -> c.hasRun(6) && c.hasRun(3), "(?<![\\w\\-])(?:0[1-9]|[12]\\d|3[01])(?:0[1-9]|1[0-2])\\d{2}[-+A-FU-Y]\\d{3}[0-9A-FHJ-NPR-Y](?![\\w\\-])",
          PiiDetector::finnishHetu).reach(DEFAULT_BEHIND, 6),
      new NumericRule(8, c -> c.lettered && (c.hasRun(6) || c.hasRun(8)), "(?<![\\w])\\d{2} ?(?:0[1-9]|[12]\\d|3[01])(?:0[1-9]|1[0-2])\\d{2} ?[A-Z] ?\\d{3}(?![\\w])",
          (t, s, e) -> finding("de-svnr", MEDIUM, "German pension insurance (social security) number", s, e)).reach(DEFAULT_BEHIND, 8),
      new NumericRule(10, c -> c.hasRun(4) && c.hasRun(5), "(?<![\\d\\-])[2-6]\\d{3} \\d{5} \\d(?:[ /]?\\d)?(?![\\d\\-])",
          (t, s, e) -> Checksums.australianMedicare(t.substring(s, e)) ? finding("au-medicare", HIGH, "Australian Medicare number", s, e) : null),
      new NumericRule(7, c -> c.lettered && c.hasRun(7), "\\b[ABCDEFGHJKLMPRSTUX][A-Z9]\\d{7}\\b",
          PiiDetector::usDea).reach(3, 2),
      new NumericRule(6, c -> c.lettered && (c.hasRun(6) || c.hasRun(7)), "\\b[A-Z]{1,2}\\d{6} ?\\(?[0-9A]\\)?", PiiDetector::hongKongId).reach(3, 5),
      new NumericRule(9, c -> c.hasRun(9), "(?<![\\d\\-])\\d{9}(?![\\d\\-])", PiiDetector::abaRouting).reach(48, 2),
      // Addresses and places.
      new NumericRule(5, PiiDetector::stateBefore, "(?<![\\w])(?:(?:[A-Z][a-z]+\\.? ){0,3}[A-Z][a-z]+, (?:" + US_STATES + ")"
          + "|(?:APO|FPO|DPO) (?:AE|AA|AP)) \\d{5}(?:-\\d{4})?(?![\\d\\-])",
          (t, s, e) -> finding("postal-address", MEDIUM, "US city, state and ZIP code", s, e)).reach(48, 6),
      new NumericRule(4, PiiDetector::countryAfter, "(?:[\\p{Lu}][\\p{L}\\-]+\\s+)?(?<![\\w\\-])(?:\\d{3}-\\d{4}|\\d{4,6}(?:-\\d{3})?|\\d{4}\\s?[A-Z]{2})"
          + "(?:\\s+[\\p{Lu}][\\p{L}\\-]+){0,3},\\s*(?:" + COUNTRIES + ")\\b",
          (t, s, e) -> finding("postal-address", MEDIUM, "postal code, city and country", s, e)).reach(32, 64),
      new NumericRule(4, c -> c.degree, "(?<![\\d.])-?\\d{1,3}(?:\\.\\d+)?\\s?°\\s?(?:\\d{1,2}(?:\\.\\d+)?\\s?['′]\\s?(?:\\d{1,2}(?:\\.\\d+)?\\s?[\"″]\\s?)?)?[NS]"
          + ",?\\s*-?\\d{1,3}(?:\\.\\d+)?\\s?°\\s?(?:\\d{1,2}(?:\\.\\d+)?\\s?['′]\\s?(?:\\d{1,2}(?:\\.\\d+)?\\s?[\"″]\\s?)?)?[EW]\\b",
          (t, s, e) -> finding("geo-coordinates", MEDIUM, "geographic coordinates", s, e)).reach(DEFAULT_BEHIND, 40),
      new NumericRule(5, c -> c.dotted, "(?i)(?:lat(?:itude)?|lon(?:gitude)?|coord(?:inate)?s|gps|location)[^\\d\\n]{0,20}(-?\\d{1,2}\\.\\d{4,},\\s?-?\\d{1,3}\\.\\d{4,})",
          (t, s, e) -> finding("geo-coordinates", MEDIUM, "geographic coordinates", s, e)).reach(48, 2).group(1),
      new NumericRule(1, c -> c.cjk, "〒\\s?\\d{3}-?\\d{4}"
          + "|[\\p{IsHan}]{1,6}(?:省|市|区|區|县|縣|州|镇|鎮)[\\p{IsHan}\\d]{0,20}?(?:路|街|道|巷|弄|里|村)\\s?\\d+\\s?(?:号|號)"
          + "|[\\p{IsHan}]{1,4}(?:都|道|府|県)[\\p{IsHan}]{1,6}(?:市|区|町|村|郡)[\\p{IsHan}\\p{IsHiragana}\\p{IsKatakana}]{0,12}\\d+(?:[-−ー丁目番地号の]+\\d+)*"
          + "|[\\p{IsHangul}]{1,10}(?:시|도)\\s+[\\p{IsHangul}]{1,10}(?:구|군|시)\\s+[\\p{IsHangul}\\d]{1,15}(?:로|길)\\s?\\d+(?:-\\d+)?",
          (t, s, e) -> finding("postal-address", MEDIUM, "postal address (Chinese, Japanese or Korean)", s, e)).reach(48, 6));

  @Override
  public void detect(String text, List<Finding> out) {
    textRules.detect(text, out);
    detectNumeric(text, out);
  }

  /** The numeric-shaped PII (cards, ids, phones, IBAN, IPs, addresses with numbers), found around digit clusters. */
  public void detectNumeric(String text, List<Finding> out) {
    detectNumeric(text, text.toCharArray(), out);
  }

  /** As {@link #detectNumeric(String, List)} with the text's chars already copied ({@code chars}). */
  public void detectNumeric(String text, char[] chars, List<Finding> out) {
    int length = chars.length;
    int i = 0;
    int scannedUntil = 0;
    Cluster cluster = new Cluster();
    cluster.text = text;
    while (i < length) {
      if (!isDigit(chars[i])) {
        i++;
        continue;
      }
      int start = i;
      int digits = 0;
      int end = i;
      int run = 0;
      int runLengths = 0;
      int singles = 0;
      boolean dotted = false;
      while (i < length) {
        char c = chars[i];
        if (isDigit(c)) {
          digits++;
          run++;
          end = ++i;
          continue;
        }
        if (run > 0) {
          runLengths |= 1 << Math.min(run, 31);
          singles += run == 1 ? 1 : 0;
          run = 0;
        }
        int seps = 0;
        while (i + seps < length && seps < 3 && isSeparator(chars[i + seps])) {
          seps++;
        }
        if (seps > 0 && i + seps < length && isDigit(chars[i + seps])) {
          for (int k = i; k < i + seps; k++) {
            dotted |= chars[k] == '.';
          }
          i += seps;
        } else {
          break;
        }
      }
      if (run > 0) {
        runLengths |= 1 << Math.min(run, 31);
        singles += run == 1 ? 1 : 0;
      }
      if (digits >= MIN_CLUSTER_DIGITS || cjkNear(text, start, end)) {
        scannedUntil = onCluster(cluster, start, end, digits, runLengths, singles, dotted, scannedUntil, out);
      }
    }
  }

  private int onCluster(Cluster cluster, int start, int end, int digits, int runLengths, int singles, boolean dotted, int scannedUntil,
      List<Finding> out) {
    String text = cluster.text;
    cluster.start = start;
    cluster.end = end;
    cluster.digits = digits;
    cluster.runLengths = runLengths;
    cluster.singleDigitRuns = singles;
    cluster.dotted = dotted;
    cluster.lettered = lettered(text, start, end);
    cluster.masked = masked(text, start, end);
    cluster.cjk = cjkNear(text, start, end);
    cluster.degree = end < text.length() && text.charAt(end) == '°';
    return scanCluster(cluster, scannedUntil, out);
  }

  /** One Matcher per rule and thread, reset per use: allocating a Matcher per cluster and rule was most of the cost. */
  private final ThreadLocal<Matcher[]> matcherCache = ThreadLocal.withInitial(() -> new Matcher[numericRules.size()]);

  private int scanCluster(Cluster c, int scannedUntil, List<Finding> out) {
    String text = c.text;
    int furthest = scannedUntil;
    Matcher[] matchers = matcherCache.get();
    for (int r = 0; r < numericRules.size(); r++) {
      NumericRule rule = numericRules.get(r);
      if (c.digits < rule.minDigits() || (c.digits < MIN_CLUSTER_DIGITS && !c.cjk) || !rule.gate().open(c)) {
        continue;
      }
      int from = Math.max(0, c.start - rule.behind());
      if (rule.behind() <= CLUSTER_LOOK_BEHIND) {
        from = Math.max(from, scannedUntil);
      }
      int to = Math.min(text.length(), c.end + rule.ahead());
      furthest = Math.max(furthest, Math.min(text.length(), c.end + 2));
      Matcher m = matchers[r];
      if (m == null) {
        m = rule.pattern().matcher(text);
        matchers[r] = m;
      } else {
        m.reset(text);
      }
      m.region(from, to);
      m.useTransparentBounds(true);
      m.useAnchoringBounds(false);
      while (m.find()) {
        int s = m.start(rule.group());
        int e = m.end(rule.group());
        Finding finding = rule.judge().judge(text, s, e);
        if (finding != null) {
          out.add(finding);
        }
      }
    }
    return furthest;
  }

  private static boolean lettered(String text, int start, int end) {
    for (int i = Math.max(0, start - 3); i < start; i++) {
      if (isUpper(text.charAt(i))) {
        return true;
      }
    }
    for (int i = end; i < Math.min(text.length(), end + 2); i++) {
      if (isUpper(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static boolean masked(String text, int start, int end) {
    for (int i = Math.max(0, start - 4); i < start; i++) {
      if (isMask(text.charAt(i))) {
        return true;
      }
    }
    for (int i = end; i < Math.min(text.length(), end + 3); i++) {
      if (isMask(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isMask(char c) {
    return c == 'X' || c == 'x' || c == '*' || c == '•';
  }

  private static boolean cjkNear(String text, int start, int end) {
    for (int i = Math.max(0, start - 2); i < start; i++) {
      if (isCjk(text.charAt(i))) {
        return true;
      }
    }
    return end < text.length() && isCjk(text.charAt(end));
  }

  private static boolean isCjk(char c) {
    return (c >= 0x2E80 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF) || c == '〒';
  }

  /** "... card ending in 4242": the cluster follows "ending in" / "ending with" (and optional mask chars). */
  private static boolean endingInBefore(Cluster c) {
    int i = c.start;
    while (i > 0 && isMask(c.text.charAt(i - 1)) || i > 0 && c.text.charAt(i - 1) == '#' || i > 0 && c.text.charAt(i - 1) == '.') {
      i--;
    }
    while (i > 0 && c.text.charAt(i - 1) == ' ') {
      i--;
    }
    return (i >= 9 && c.text.regionMatches(true, i - 9, "ending in", 0, 9)) || (i >= 11 && c.text.regionMatches(true, i - 11, "ending with", 0, 11));
  }

  /** "10117 Berlin, Germany", "Tokyo 100-0001, Japan": a comma and a capitalised word within a few words after the cluster. */
  private static boolean countryAfter(Cluster c) {
    String t = c.text;
    int limit = Math.min(t.length() - 2, c.end + 40);
    for (int i = c.end; i < limit; i++) {
      char ch = t.charAt(i);
      if (ch == ',') {
        int j = i + 1;
        while (j < t.length() && t.charAt(j) == ' ') {
          j++;
        }
        return j < t.length() && Character.isUpperCase(t.charAt(j));
      }
      if (ch == '\n' || ch == '.' || Character.isDigit(ch)) {
        return false;
      }
    }
    return false;
  }

  /** "Springfield, IL 62704": two capitals and a space right before a 5-digit cluster. */
  private static boolean stateBefore(Cluster c) {
    int s = c.start;
    return s >= 3 && c.text.charAt(s - 1) == ' ' && isUpper(c.text.charAt(s - 2)) && isUpper(c.text.charAt(s - 3))
        && c.digits >= 5 && (c.hasRun(5) || c.hasRun(4));
  }

  private static boolean isUpper(char c) {
    return c >= 'A' && c <= 'Z';
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isSeparator(char c) {
    return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '/' || c == '\\' || c == '+' || c == '_';
  }

  private static Finding finding(String detector, Severity severity, String reason, int start, int end) {
    return new Finding(PII, detector, severity, start, end, reason, AnchoredRuleSet.scoreOf(severity));
  }

  private static Finding card(String text, int start, int end) {
    String digits = Checksums.digitsOf(text.substring(start, end));
    if (digits.length() < 13 || digits.length() > 19 || Checksums.allSame(digits) || !knownIssuer(digits)) {
      return null;
    }
    return Checksums.luhn(digits) ? finding("card-number", HIGH, "payment card number (Luhn valid)", start, end) : null;
  }

  private static boolean knownIssuer(String d) {
    int two = Integer.parseInt(d.substring(0, 2));
    int four = Integer.parseInt(d.substring(0, 4));
    return d.charAt(0) == '4'
        || (two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)
        || two == 34 || two == 37
        || d.startsWith("6011") || d.startsWith("65") || (four >= 6440 && four <= 6499) || d.startsWith("62")
        || two == 35 || two == 36 || two == 38 || two == 39 || (four >= 3000 && four <= 3059)
        || d.startsWith("50") || (two >= 56 && two <= 69);
  }

  /** Masked card numbers ("XXXX-XXXX-XXXX-4242", "424242XXXXXXXXXX"): the visible digits still identify a card. */
  private static Finding maskedCard(String text, int start, int end) {
    String value = text.substring(start, end);
    int digits = Checksums.digitsOf(value).length();
    int maskChars = 0;
    for (int i = 0; i < value.length(); i++) {
      maskChars += isMask(value.charAt(i)) ? 1 : 0;
    }
    int length = digits + maskChars;
    boolean shortForm = length <= 12 && maskChars >= 2;
    if (digits < 4 || maskChars < 2 || (!shortForm && (length < 12 || length > 19))) {
      return null;
    }
    return finding("masked-card-number", LOW, "masked payment card number (some digits visible)", start, end);
  }

  private static Finding maskedSsn(String text, int start, int end) {
    String value = text.substring(start, end);
    int digits = Checksums.digitsOf(value).length();
    boolean mask = false;
    for (int i = 0; i < value.length(); i++) {
      mask |= isMask(value.charAt(i));
    }
    return mask && digits >= 4 ? finding("masked-ssn", LOW, "masked US social security number (some digits visible)", start, end) : null;
  }

  private static Finding ssnShaped(String text, int start, int end) {
    String value = text.substring(start, end);
    // Sample numbers (123-45-6789) are reported as SSNs only when the text says so.
    if (Checksums.usSsn(value) || (Checksums.usSsnWellFormed(value) && hasContext(text, start, CONTEXT_SSN, 40))) {
      return finding("us-ssn", HIGH, "US social security number", start, end);
    }
    if (Checksums.usItin(value)) {
      return finding("us-itin", HIGH, "US individual taxpayer identification number", start, end);
    }
    // Written like an SSN (3-2-4 with dashes) but not an issued number (9xx area, published samples):
    // still what a form field or a leak of SSNs looks like, so reported at medium, as Presidio does.
    String d = Checksums.digitsOf(value);
    if (value.charAt(3) == '-' && !d.startsWith("000") && !d.startsWith("666") && !d.startsWith("00", 3) && !d.endsWith("0000")
        && !Checksums.allSame(d)) {
      return finding("us-ssn", MEDIUM, "SSN-shaped number (not an issued SSN)", start, end);
    }
    return null;
  }

  private static Finding bareNineDigits(String text, int start, int end) {
    if (!hasContext(text, start, CONTEXT_SSN, 40)) {
      return null;
    }
    return ssnShaped(text, start, end);
  }

  /** DEA numbers validate 1 in 10 random letter-digit tokens, so the text must also speak of a licence or prescriber. */
  private static Finding usDea(String text, int start, int end) {
    return Checksums.usDea(text.substring(start, end)) && hasContext(text, start, CONTEXT_MEDICAL, 48)
        ? finding("us-dea", MEDIUM, "US DEA registration number (medical licence)", start, end) : null;
  }

  private static Finding abaRouting(String text, int start, int end) {
    return Checksums.abaRouting(text.substring(start, end)) && hasContext(text, start, CONTEXT_BANK, 40)
        ? finding("us-bank-routing", MEDIUM, "US bank routing (ABA) number", start, end) : null;
  }

  /**
   * Digits typed one by one with separators; counting (1 2 3 ...) and bit strings are not numbers,
   * and digits separated by single spaces only are a list (a priority map, a sequence) unless the
   * text names a phone, SSN or card just before.
   */
  private static Finding spacedDigits(String text, int start, int end) {
    String value = text.substring(start, end);
    boolean punctuated = value.indexOf('-') >= 0 || value.indexOf('.') >= 0 || value.indexOf('(') >= 0 || value.indexOf('_') >= 0;
    if (!punctuated && !hasContext(text, start, CONTEXT_SPELLED, 30)) {
      return null;
    }
    String d = Checksums.digitsOf(value);
    boolean binary = d.chars().allMatch(ch -> ch == '0' || ch == '1');
    boolean up = true;
    boolean down = true;
    for (int i = 1; i < d.length(); i++) {
      up &= d.charAt(i) - d.charAt(i - 1) == 1;
      down &= d.charAt(i) - d.charAt(i - 1) == -1;
    }
    if (binary || up || down || d.length() > 19) {
      return null;
    }
    return finding("spaced-digits", MEDIUM, "number typed digit by digit (obfuscated phone, id or card number)", start, end);
  }

  private static Finding internationalPhone(String text, int start, int end) {
    if (partOfLongerRun(text, start, end)) {
      return null;
    }
    int digits = Checksums.digitsOf(text.substring(start, end)).length();
    if (text.startsWith("00", start)) {
      digits -= 2;
    }
    return digits >= 8 && digits <= 15 ? finding("phone-number", MEDIUM, "international phone number", start, end) : null;
  }

  private static Finding nationalPhone(String text, int start, int end) {
    String value = text.substring(start, end);
    int digits = Checksums.digitsOf(value).length();
    if (digits < 9 || digits > 12 || looksLikeDateOrVersion(value) || partOfLongerRun(text, start, end)
        || value.matches("\\d{3}([\\- .])\\d{2}\\1\\d{4}")) {
      return null;
    }
    boolean trunkOrParen = value.charAt(0) == '0' || value.indexOf('(') >= 0 || value.startsWith("1-") || value.startsWith("1 ");
    boolean usShape = value.matches("\\(?\\d{3}\\)?[ .\\-]?\\d{3}[ .\\-]\\d{4}");
    if (trunkOrParen || usShape || hasContext(text, start, CONTEXT_PHONE, 40)) {
      return finding("phone-number", MEDIUM, "phone number", start, end);
    }
    return null;
  }

  /**
   * Bare 10-11 digit runs: a phone when the text says so, a national number with a trunk 0
   * ("02071234567") or a Chinese mobile number (1[3-9] + 9 digits), or an id whose check digits hold
   * (Brazilian CPF, Polish PESEL with a valid birth date).
   */
  private static Finding bareTenOrElevenDigits(String text, int start, int end) {
    String d = text.substring(start, end);
    if (Checksums.allSame(d)) {
      return null;
    }
    if (hasContext(text, start, CONTEXT_PHONE, 40)) {
      return finding("phone-number", MEDIUM, "phone number", start, end);
    }
    if (d.charAt(0) == '0' && d.charAt(1) != '0') {
      return finding("phone-number", MEDIUM, "national phone number with trunk prefix", start, end);
    }
    if (d.length() == 11) {
      if (d.charAt(0) == '1' && d.charAt(1) >= '3') {
        return finding("phone-number", MEDIUM, "mobile phone number (China)", start, end);
      }
      if (Checksums.brazilCpf(d)) {
        return finding("br-cpf", MEDIUM, "Brazilian CPF (check digits valid)", start, end);
      }
      if (Checksums.polishPesel(d)) {
        return finding("pl-pesel", MEDIUM, "Polish PESEL (check digit and birth date valid)", start, end);
      }
    }
    return null;
  }

  private static Finding iban(String text, int start, int end) {
    return Checksums.iban(text.substring(start, end)) ? finding("iban", HIGH, "IBAN (mod-97 valid)", start, end) : null;
  }

  private static Finding indianPan(String text, int start, int end) {
    String value = text.substring(start, end);
    // The fourth letter encodes the holder type (P person, C company, ...); other letters are the weaker pattern Presidio also reports.
    boolean holderType = "ABCFGHLJPT".indexOf(value.charAt(3)) >= 0;
    return finding("in-pan", holderType ? HIGH : MEDIUM, "Indian PAN", start, end);
  }

  /** NHS numbers (mod 11): with "NHS" nearby at high severity; bare 10-digit runs starting 3-9 at medium. */
  private static Finding nhs(String text, int start, int end) {
    String value = text.substring(start, end);
    if (!Checksums.nhs(value)) {
      return null;
    }
    if (hasContext(text, start, CONTEXT_NHS, 40)) {
      return finding("uk-nhs", HIGH, "UK NHS number (mod-11 valid)", start, end);
    }
    boolean bare = value.length() == 10 && value.charAt(0) >= '3';
    return bare ? finding("uk-nhs", MEDIUM, "UK NHS number (mod-11 valid, no context)", start, end) : null;
  }

  private static Finding passport(String text, int start, int end) {
    return hasContext(text, start, CONTEXT_PASSPORT, 40) ? finding("passport-number", MEDIUM, "passport number", start, end) : null;
  }

  private static Finding southAfricanId(String text, int start, int end) {
    String d = text.substring(start, end);
    int yy = Integer.parseInt(d.substring(0, 2));
    int mm = Integer.parseInt(d.substring(2, 4));
    int dd = Integer.parseInt(d.substring(4, 6));
    boolean citizen = d.charAt(10) == '0' || d.charAt(10) == '1';
    return Checksums.plausibleDate(yy, mm, dd) && citizen && Checksums.luhn(d)
        ? finding("za-id", MEDIUM, "South African identity number (date and Luhn valid)", start, end) : null;
  }

  private static Finding frenchNir(String text, int start, int end) {
    String value = text.substring(start, end);
    if (Checksums.frenchNir(value)) {
      return finding("fr-nir", HIGH, "French social security number (NIR, key valid)", start, end);
    }
    // Spaced the way the carte Vitale prints it (1 85 05 78 006 084 36): a NIR even if the key is wrong.
    return value.matches("[12] \\d{2} \\d{2} (?:\\d{2}|2[AB]) \\d{3} \\d{3} \\d{2}")
        ? finding("fr-nir", MEDIUM, "French social security number (NIR layout)", start, end) : null;
  }

  private static Finding swedishPersonnummer(String text, int start, int end) {
    String d = Checksums.digitsOf(text.substring(start, end));
    return Checksums.luhn(d.substring(d.length() - 10))
        ? finding("se-personnummer", HIGH, "Swedish personal identity number (Luhn valid)", start, end) : null;
  }

  private static final String HETU_CHECK = "0123456789ABCDEFHJKLMNPRSTUVWXY";

  private static Finding finnishHetu(String text, int start, int end) {
    String v = text.substring(start, end);
    int n = Integer.parseInt(v.substring(0, 6) + v.substring(7, 10));
    return HETU_CHECK.charAt(n % 31) == v.charAt(10)
        ? finding("fi-hetu", HIGH, "Finnish personal identity code (check char valid)", start, end) : null;
  }

  private static Finding hongKongId(String text, int start, int end) {
    String value = text.substring(start, end);
    boolean parenthesised = value.endsWith(")") && value.contains("(");
    if (value.contains("(") != value.endsWith(")")) {
      return null;
    }
    if (Checksums.hongKongId(value)) {
      return finding("hk-id", HIGH, "Hong Kong identity card number (check digit valid)", start, end);
    }
    return parenthesised ? finding("hk-id", MEDIUM, "Hong Kong identity card number (layout)", start, end) : null;
  }

  /** A phone-shaped piece of a longer code (IBAN, card, id) is not a phone number. */
  private static boolean partOfLongerRun(String text, int start, int end) {
    boolean before = start >= 2 && " -.".indexOf(text.charAt(start - 1)) >= 0 && Character.isDigit(text.charAt(start - 2));
    boolean after = end + 1 < text.length() && " -.".indexOf(text.charAt(end)) >= 0 && Character.isDigit(text.charAt(end + 1));
    return before || after;
  }

  private static boolean hasContext(String text, int start, Pattern keyword, int lookBehind) {
    Matcher m = keyword.matcher(text);
    m.region(Math.max(0, start - lookBehind), start);
    return m.find();
  }

  /** 2024-01-15, 15.01.2024, 1.2.3.4 style values are dates, versions or addresses, not phones. */
  private static boolean looksLikeDateOrVersion(String value) {
    String lower = value.toLowerCase(Locale.ROOT);
    return lower.matches("\\d{4}[\\-./]\\d{1,2}[\\-./]\\d{1,2}.*") || lower.matches("\\d{1,2}[\\-./]\\d{1,2}[\\-./]\\d{2,4}")
        || lower.matches("\\d{1,3}(?:\\.\\d{1,3}){3}");
  }
}

package dev.vigil.scan.detect;

import static dev.vigil.scan.FindingType.PII;
import static dev.vigil.scan.Severity.LOW;
import static dev.vigil.scan.Severity.MEDIUM;

import dev.vigil.scan.Severity;
import dev.vigil.scan.detect.AhoCorasick.Boundary;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The anchored (keyword-triggered) personal-data rules: e-mail addresses and their obfuscated forms,
 * postal addresses (house-number streets in English and the suffix/prefix styles of continental
 * Europe and Latin America, PO boxes, military and rural-route addresses, apartment numbers, plus
 * codes and what3words), dates of birth given with their context, identifiers introduced by a label
 * that names a personal id ("Insurance ID:", "Aadhaar:", "EIN"), card security codes, numbers spelled
 * out in words ("five five five, one two three...") and a person's place of residence. Each rule
 * only runs where one of its literal anchors occurs (one Aho-Corasick pass for all rules).
 */
final class PiiTextRules {

  private PiiTextRules() {}

  private static final String UNIT = "zero|oh|one|two|three|four|five|six|seven|eight|nine";
  private static final String TEEN = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen";
  private static final String TENS = "twenty|thirty|forty|fourty|fifty|sixty|seventy|eighty|ninety";
  /** One spoken number token: "forty-five", "nineteen", "oh", or a short digit group. */
  private static final String NUMBER_TOKEN = "(?=[zotfsenZOTFSEN0-9])(?>(?:" + TENS + ")(?:[\\s\\-]?(?:one|two|three|four|five|six|seven|eight|nine)\\b)?|(?:"
      + TEEN + ")|(?:" + UNIT + ")|\\d{1,4})";
  private static final Pattern NUMBER_WORD = Pattern.compile("(?i)(?:" + TENS + "|" + TEEN + "|" + UNIT + ")");

  private static final String MONTH = "(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
      + "|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?";
  private static final String ORDINAL_WORD = "(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
      + "|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth|thirtieth"
      + "|(?:twenty|thirty)[\\s\\-](?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth))";
  private static final String DAY = "(?:\\d{1,2}(?:st|nd|rd|th)?|" + ORDINAL_WORD + ")";
  private static final String DATE = "(?:\\d{1,2}[/.\\-]\\d{1,2}[/.\\-](?:\\d{4}|\\d{2})(?!\\d)|\\d{4}-\\d{2}-\\d{2}"
      + "|" + MONTH + "\\s+" + DAY + "(?:,?\\s+(?:\\d{4}|(?:nineteen|twenty)[\\s\\-]\\w+(?:[\\s\\-](?:one|two|three|four|five|six|seven|eight|nine))?))?"
      + "|(?:the\\s+)?" + DAY + "\\s+(?:of\\s+)?" + MONTH + "(?:,?\\s+\\d{4})?)";

  private static final String ROMANCE_STREET = "\\b(?:Rue|Avenue|Boulevard|Chemin|Allée|Impasse|Calle|Avenida|Avda\\.|Paseo|Plaza|Camino"
      + "|Carrera|Rua|Travessa|Largo|Praça|Via|Viale|Piazza|Corso)\\s+(?:(?:de|del|de la|des|du|da|do|dos|das|di|della|la|le|les|los|las|y|d')\\s*)*"
      + "[\\p{Lu}][\\p{L}'\\-]+(?:\\s+[\\p{Lu}][\\p{L}'\\-]+){0,3}";

  /** Labels that introduce an identifier of a person (the value after them is reported). */
  private static final List<String> ID_LABELS = List.of(
      "patient id", "patient number", "patient no", "mrn", "medical record number", "medical record no", "medical record",
      "health insurance number", "insurance id", "insurance number", "insurance no", "member id", "member number",
      "policy number", "policy no", "subscriber id", "medicare number", "medicaid number", "medicaid id", "health card",
      "nhs number", "nhs no", "national id", "national identity number", "national insurance number", "ni number",
      "id number", "id no", "identity card", "identity number", "identification number", "personal id", "personal number",
      "personnummer", "pesel", "bsn", "burgerservicenummer", "steuer-id", "steuerid", "steueridentifikationsnummer",
      "sozialversicherungsnummer", "codice fiscale", "cpf", "cnpj", "curp", "rut", "dni", "nie", "nif", "nir",
      "aadhaar", "aadhar", "pan", "pan number", "voter id", "tax id", "tax number", "tin", "ein", "itin", "ssn",
      "social security number", "social security no", "social security", "sin", "passport number", "passport no",
      "driver's license", "drivers license", "driver license", "driver's licence", "driving licence", "licence number",
      "license number", "license no", "dl number", "dl no", "account number", "account no", "acct", "acct no",
      "bank account", "routing number", "aba", "sort code", "employee id", "employee number", "student id",
      "student number", "dea number", "npi");

  private static final Pattern ID_LABEL_VALUE = Pattern.compile("(?i:" + String.join("|", ID_LABELS.stream()
      .sorted((a, b) -> b.length() - a.length()).map(Pattern::quote).toList())
      + ")(?:\\s*(?i:number|no\\.?|num|#))?\\s*(?:[:#=]|(?i:is|was))?\\s*#?\\s*"
      + "([A-Z0-9]{1,20}(?:[\\-./]?[A-Z0-9]{1,20}|[ ](?=\\d)\\d{1,12}){0,5})(?![A-Za-z0-9])");

  static List<AnchoredRule> rules() {
    List<AnchoredRule> rules = new ArrayList<>();
    // E-mail addresses, plain and obfuscated.
    rules.add(AnchoredRule.of(PII, "email", MEDIUM, "e-mail address",
        "(?<![\\p{L}\\p{N}._%+\\-])[\\p{L}\\p{N}._%+\\-]{1,64}@[\\p{L}\\p{N}\\-]{1,63}(?:\\.[\\p{L}\\p{N}\\-]{1,63})*\\.\\p{L}{2,24}(?![\\p{L}\\p{N}])", "@")
        .lookBehind(64).window(260).startingAt(AnchoredRule.Start.AT_WORD_START));
    rules.add(AnchoredRule.of(PII, "email", MEDIUM, "e-mail address with a quoted local part",
        "\"[^\"\\r\\n@]{1,64}\"@[\\p{L}\\p{N}\\-]{1,63}(?:\\.[\\p{L}\\p{N}\\-]{1,63})*\\.\\p{L}{2,24}(?![\\p{L}\\p{N}])", "\"@")
        .lookBehind(66).window(260).startingAt(AnchoredRule.Start.FIND));
    rules.add(AnchoredRule.of(PII, "email-obfuscated", MEDIUM, "e-mail address written with at/dot words",
        "(?i)\\b[\\p{L}0-9._\\-]+(?:\\s+dot\\s+[\\p{L}0-9_\\-]+)*\\s*[\\[({]?\\s*\\bat\\b\\s*[\\])}]?\\s*[\\p{L}0-9\\-]+"
            + "(?:\\s*[\\[({]?\\s*(?:dot|\\.)\\s*[\\])}]?\\s*[a-z]{2,10})+",
        "[at]", "(at)", "{at}", "dot com", "dot org", "dot net", "dot de", "dot io")
        .lookBehind(80).window(80));
    rules.add(AnchoredRule.of(PII, "email-obfuscated", MEDIUM, "e-mail address with a bracketed dot",
        "(?i)(?<![\\p{L}\\p{N}._%+\\-])[\\p{L}\\p{N}._%+\\-]{1,64}+@[\\p{L}\\p{N}\\-]{1,63}(?:\\s?(?:\\[\\.\\]|\\(\\.\\)|\\{\\.\\}|\\[dot\\]|\\(dot\\)|\\{dot\\}|\\.)\\s?[\\p{L}\\p{N}\\-]{1,63})*"
            + "\\s?(?:\\[\\.\\]|\\(\\.\\)|\\{\\.\\}|\\[dot\\]|\\(dot\\)|\\{dot\\})\\s?\\p{L}{2,24}(?![\\p{L}\\p{N}])",
        "[.]", "(.)", "{.}", "[dot]", "(dot)", "{dot}").lookBehind(130).window(40));
    rules.add(AnchoredRule.of(PII, "email-encoded", MEDIUM, "e-mail address with HTML-entity or URL-encoded characters",
        "(?i)[\\p{L}\\p{N}._+\\-]{1,64}+(?:&#0*46;[\\p{L}\\p{N}_+\\-]{1,64}+)*+(?:&#0*64;|&#x0*40;|&commat;|%40)"
            + "[\\p{L}\\p{N}\\-]{1,63}(?:(?:\\.|&#0*46;|&#x0*2e;|&period;|%2e)[\\p{L}\\p{N}\\-]{1,63})*(?:\\.|&#0*46;|&#x0*2e;|&period;|%2e)\\p{L}{2,24}(?![\\p{L}\\p{N}])",
        "&#64;", "&#064;", "&#x40;", "&commat;", "%40").window(160).startingAt(AnchoredRule.Start.AT_WORD_START));
    // Postal addresses.
    rules.add(AnchoredRule.of(PII, "street-address", MEDIUM, "street address",
        "\\b\\d{1,5}[A-Za-z]?,?\\s+(?:[A-Z][\\p{L}'.\\-]*\\s+){1,4}(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr"
            + "|Way|Terrace|Court|Ct|Place|Pl|Parkway|Pkwy|Highway|Hwy|Square|Sq)\\b\\.?",
        "street", "st", "avenue", "ave", "road", "rd", "boulevard", "blvd", "lane", "ln", "drive", "dr", "way", "terrace",
        "court", "ct", "place", "pl", "parkway", "pkwy", "highway", "hwy", "square", "sq")
        .boundary(Boundary.BOTH).lookBehind(60).window(2)
        .precheck(PiiTextRules::digitShortlyBefore));
    rules.add(AnchoredRule.of(PII, "street-address", MEDIUM, "street address (name-suffix style: Hauptstraße 5, Keizersgracht 12)",
        "[\\p{Lu}][\\p{L}\\-]{0,30}(?:straße|strasse|str\\.|gasse|allee|platz|gracht|straat|laan|plein|kade|gatan|vägen|gade|vej)"
            + ",?\\s?\\d{1,5}(?:\\s?[a-zA-Z])?(?![\\p{L}\\p{N}])",
        "straße", "strasse", "str.", "gasse", "allee", "platz", "gracht", "straat", "laan", "plein", "kade", "gatan", "vägen",
        "gade", "vej")
        .lookBehind(32).window(12).precheck(PiiTextRules::digitShortlyAfter));
    rules.add(AnchoredRule.of(PII, "street-address", MEDIUM, "street address (Rue/Calle/Rua/Via style)",
        "\\b\\d{1,5}[a-zA-Z]?,?\\s+" + ROMANCE_STREET + "|" + ROMANCE_STREET + ",?\\s?\\d{1,5}[a-zA-Z]?(?![\\p{L}\\p{N}])",
        "Rue", "Avenue", "Boulevard", "Chemin", "Allée", "Impasse", "Calle", "Avenida", "Avda.", "Paseo", "Plaza", "Camino",
        "Carrera", "Rua", "Travessa", "Largo", "Praça", "Via", "Viale", "Piazza", "Corso")
        .exactCase().boundary(Boundary.BOTH).lookBehind(12).window(90).judge(PiiTextRules::judgeRomanceStreet));
    rules.add(AnchoredRule.of(PII, "street-address", MEDIUM, "post-office box",
        "(?i)\\b(?:p\\.?\\s?o\\.?\\s?box|post\\s+office\\s+box|postfach|apartado(?:\\s+de\\s+correos)?|caixa\\s+postal)\\s*#?\\s*\\d{1,6}\\b",
        "po box", "p.o. box", "p. o. box", "p.o.box", "p o box", "pobox", "post office box", "postfach", "apartado", "caixa postal")
        .boundary(Boundary.BOTH).window(20).startingAt(AnchoredRule.Start.AT_ANCHOR));
    rules.add(AnchoredRule.of(PII, "street-address", MEDIUM, "military or rural-route address",
        "\\b(?:(?:PSC|CMR|Unit|RR|HC)\\s\\d{1,5},?\\s(?:Box|BOX)\\s\\d{1,5}|(?:APO|FPO|DPO)\\s(?:AE|AA|AP)\\s\\d{5})\\b",
        "PSC", "CMR", "Unit", "RR", "HC", "APO", "FPO", "DPO").exactCase().boundary(Boundary.BOTH).window(30)
        .startingAt(AnchoredRule.Start.AT_ANCHOR));
    rules.add(AnchoredRule.of(PII, "street-address", LOW, "apartment or flat number",
        "(?i)\\b(?:apartment|apt\\.?|flat)\\s*#?\\s*\\d{1,5}[a-z]?\\b(?![.,]\\d)", "apartment", "apt", "flat")
        .boundary(Boundary.BOTH).window(16).startingAt(AnchoredRule.Start.AT_ANCHOR)
        .precheck(PiiTextRules::digitShortlyAfter));
    rules.add(AnchoredRule.of(PII, "plus-code", MEDIUM, "Open Location Code (plus code) of a place",
        "(?<![A-Za-z0-9])[23456789CFGHJMPQRVWX]{8}\\+[23456789CFGHJMPQRVWX]{2,3}(?![A-Za-z0-9])", "+")
        .lookBehind(8).window(4).precheck(PiiTextRules::plusCodeBefore));
    rules.add(AnchoredRule.of(PII, "what3words", MEDIUM, "what3words address",
        "(?<![:/\\w])///[a-z]{2,20}\\.[a-z]{2,20}\\.[a-z]{2,20}(?![\\w.])", "///").window(64)
        .startingAt(AnchoredRule.Start.AT_ANCHOR));
    rules.add(AnchoredRule.of(PII, "residence", LOW, "where a person lives (city and region)",
        "(?i:lives|living|lived|resides|residing|based|located|born)\\s+in\\s+((?:[A-Z][\\p{L}'.\\-]+\\s){0,3}[A-Z][\\p{L}'.\\-]+,\\s?"
            + "(?:[A-Z]{2}\\b|[A-Z][\\p{L}]+(?:\\s[A-Z][\\p{L}]+)?))",
        "lives in", "living in", "lived in", "resides in", "residing in", "based in", "located in", "born in")
        .group(1).boundary(Boundary.BOTH).window(80).startingAt(AnchoredRule.Start.AT_ANCHOR));
    // Dates of birth (with their context word, as Presidio's context enhancer would require).
    rules.add(AnchoredRule.of(PII, "date-of-birth", MEDIUM, "date of birth",
        "(?i)(?:d\\.?o\\.?b\\.?|date\\s+of\\s+birth|birth\\s?date|birthday|born(?:\\s+on)?|geburtsdatum|geboren(?:\\s+am)?"
            + "|fecha\\s+de\\s+nacimiento|date\\s+de\\s+naissance|n[ée]e?\\s+le)\\s*[:\\-]?\\s*(" + DATE + ")",
        "dob", "d.o.b", "date of birth", "birthdate", "birth date", "birthday", "born", "geburtsdatum", "geboren",
        "fecha de nacimiento", "date de naissance", "né le", "née le", "ne le")
        .group(1).boundary(Boundary.BOTH).window(60).judge(PiiTextRules::judgeBirthDate).startingAt(AnchoredRule.Start.AT_ANCHOR));
    // Identifiers introduced by a label naming a personal id.
    rules.add(AnchoredRule.of(PII, "labelled-id", MEDIUM, "identifier labelled as a personal id", ID_LABEL_VALUE.pattern(),
        ID_LABELS.toArray(String[]::new))
        .group(1).boundary(Boundary.BOTH).window(60).judge(PiiTextRules::judgeLabelledId)
        .precheck(PiiTextRules::labelThenDigits).startingAt(AnchoredRule.Start.AT_ANCHOR));
    rules.add(AnchoredRule.of(PII, "card-security-code", MEDIUM, "payment card security code",
        "(?i)(?:cvv2?|cvc2?|csc|cid|security\\s+code|card\\s+verification(?:\\s+(?:value|code))?)\\b[^\\d\\n]{0,25}?(?<!\\d)(\\d{3,4})(?!\\d)",
        "cvv", "cvv2", "cvc", "cvc2", "csc", "security code", "card verification")
        .group(1).boundary(Boundary.BOTH).window(40).startingAt(AnchoredRule.Start.AT_ANCHOR));
    // Numbers spelled out or mixed with words, a classic way to slip a phone/SSN/card number past digit patterns.
    rules.add(AnchoredRule.of(PII, "spelled-number", MEDIUM, "number written out in words (phone, id or card number)",
        "(?i)(?<![\\w\\-])" + NUMBER_TOKEN + "(?:[\\s,\\-.()]{1,3}+" + NUMBER_TOKEN + "(?![\\w])){3,24}+",
        "zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty", "thirty", "forty", "fourty",
        "fifty", "sixty", "seventy", "eighty", "ninety")
        .boundary(Boundary.BOTH).lookBehind(12).window(160).judge(PiiTextRules::judgeSpelledNumber)
        .precheck(PiiTextRules::numberTokenFollows).startingAt(AnchoredRule.Start.FIND));
    return List.copyOf(rules);
  }

  /** A street name needs a house number in front of it; most "way"/"place" words have none. */
  static boolean digitShortlyBefore(String text, int start, int end) {
    for (int i = Math.max(0, start - 60); i < start; i++) {
      if (isDigit(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  static boolean digitShortlyAfter(String text, int start, int end) {
    for (int i = end; i < Math.min(text.length(), end + 24); i++) {
      if (isDigit(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** Short labels (SSN, PAN, TIN, ...) only count in capitals, so "pan", "sin" or "tin" in prose do not trigger. */
  static boolean labelThenDigits(String text, int start, int end) {
    if (end - start <= 4) {
      for (int i = start; i < end; i++) {
        char c = text.charAt(i);
        if (Character.isLetter(c) && !Character.isUpperCase(c)) {
          return false;
        }
      }
    }
    return digitShortlyAfter(text, start, end);
  }

  private static final String OLC = "23456789CFGHJMPQRVWX";

  private static boolean plusCodeBefore(String text, int start, int end) {
    if (start < 8) {
      return false;
    }
    for (int i = start - 8; i < start; i++) {
      if (OLC.indexOf(text.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** "Via Roma 12" and "15 Rue de la Paix" are addresses; "Via Slack" or "Avenue Q" are not: a house number is required. */
  static Severity judgeRomanceStreet(String value, Severity base) {
    boolean digit = false;
    for (int i = 0; i < value.length(); i++) {
      digit |= isDigit(value.charAt(i));
    }
    return digit ? base : null;
  }

  private static final Pattern YEAR = Pattern.compile("(?<!\\d)(1[0-9]\\d\\d|20\\d\\d)(?!\\d)");

  /** Birth dates of historical people (before 1900) are not personal data of anyone alive. */
  static Severity judgeBirthDate(String value, Severity base) {
    Matcher m = YEAR.matcher(value);
    if (m.find() && Integer.parseInt(m.group(1)) < 1900) {
      return null;
    }
    return base;
  }

  /** The value after a label must look like an id: at least four digits, not one repeated digit. */
  static Severity judgeLabelledId(String value, Severity base) {
    int digits = 0;
    char first = 0;
    boolean varied = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (isDigit(c)) {
        if (digits++ == 0) {
          first = c;
        } else if (c != first) {
          varied = true;
        }
      }
    }
    return digits >= 4 && varied ? base : null;
  }

  private static final Pattern NUMBER_TOKENS = Pattern.compile("(?i)(" + TENS + ")(?:[\\s\\-]?(one|two|three|four|five|six|seven|eight|nine)\\b)?"
      + "|(" + TEEN + ")|(" + UNIT + ")|(\\d{1,4})");

  /**
   * Counts the digits a spoken sequence stands for ("forty-five" = 2, "oh" = 1, "4242" = 4) and
   * accepts 9 to 19 digits with at least two words; counting ("one two three ... nine") is not a number.
   */
  static Severity judgeSpelledNumber(String value, Severity base) {
    Matcher m = NUMBER_TOKENS.matcher(value);
    int digits = 0;
    int words = 0;
    int tokens = 0;
    int previous = 0;
    int step = 0;
    boolean counting = true;
    while (m.find()) {
      int number;
      if (m.group(1) != null) {
        digits += 2;
        words++;
        number = 10 * tensValue(m.group(1)) + (m.group(2) == null ? 0 : unitValue(m.group(2)));
      } else if (m.group(3) != null) {
        digits += 2;
        words++;
        number = 10 + TEENS.indexOf(m.group(3).toLowerCase(Locale.ROOT));
      } else if (m.group(4) != null) {
        digits++;
        words++;
        number = unitValue(m.group(4));
      } else {
        digits += m.group(5).length();
        number = Integer.parseInt(m.group(5));
      }
      if (tokens > 0) {
        int d = number - previous;
        counting &= (d == 1 || d == -1) && (step == 0 || d == step);
        step = d;
      }
      previous = number;
      tokens++;
    }
    if (counting || words < 2 || digits < 9 || digits > 19) {
      return null;
    }
    return base;
  }

  private static final List<String> TEENS = List.of(TEEN.split("\\|"));

  private static int tensValue(String word) {
    return switch (word.toLowerCase(Locale.ROOT)) {
      case "twenty" -> 2;
      case "thirty" -> 3;
      case "forty", "fourty" -> 4;
      case "fifty" -> 5;
      case "sixty" -> 6;
      case "seventy" -> 7;
      case "eighty" -> 8;
      default -> 9;
    };
  }

  private static int unitValue(String word) {
    return switch (word.toLowerCase(Locale.ROOT)) {
      case "zero", "oh" -> 0;
      case "one" -> 1;
      case "two" -> 2;
      case "three" -> 3;
      case "four" -> 4;
      case "five" -> 5;
      case "six" -> 6;
      case "seven" -> 7;
      case "eight" -> 8;
      default -> 9;
    };
  }

  /** After a number word: a separator, then another number word or a digit (cheap test before the regex). */
  static boolean numberTokenFollows(String text, int start, int end) {
    int i = end;
    int seps = 0;
    while (i < text.length() && seps < 3 && " ,-.()\t\n".indexOf(text.charAt(i)) >= 0) {
      i++;
      seps++;
    }
    if (seps == 0 || i >= text.length()) {
      return false;
    }
    char c = text.charAt(i);
    if (isDigit(c)) {
      return true;
    }
    Matcher m = NUMBER_WORD.matcher(text);
    m.region(i, Math.min(text.length(), i + 9));
    return m.lookingAt();
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }
}

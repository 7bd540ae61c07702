package dev.vigil.scan.detect;

import java.math.BigInteger;

/** Check-digit algorithms that turn digit-shaped matches into real identifiers (Luhn, IBAN mod-97, Verhoeff, ...). */
public final class Checksums {

  private Checksums() {}

  /** Luhn (mod 10) over the digits of {@code s}, ignoring any other character. */
  public static boolean luhn(CharSequence s) {
    int sum = 0;
    int digits = 0;
    boolean doubleIt = false;
    for (int i = s.length() - 1; i >= 0; i--) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      if (doubleIt) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      digits++;
      doubleIt = !doubleIt;
    }
    return digits > 1 && sum % 10 == 0;
  }

  /** ISO 13616 IBAN check: move the first four chars to the end, letters to numbers, mod 97 == 1. */
  public static boolean iban(CharSequence raw) {
    StringBuilder compact = new StringBuilder(raw.length());
    for (int i = 0; i < raw.length(); i++) {
      char c = raw.charAt(i);
      if (c != ' ' && c != '-') {
        compact.append(Character.toUpperCase(c));
      }
    }
    if (compact.length() < 15 || compact.length() > 34) {
      return false;
    }
    String rearranged = compact.substring(4) + compact.substring(0, 4);
    int remainder = 0;
    for (int i = 0; i < rearranged.length(); i++) {
      char c = rearranged.charAt(i);
      int value;
      if (c >= '0' && c <= '9') {
        value = c - '0';
        remainder = (remainder * 10 + value) % 97;
      } else if (c >= 'A' && c <= 'Z') {
        value = c - 'A' + 10;
        remainder = (remainder * 100 + value) % 97;
      } else {
        return false;
      }
    }
    return remainder == 1;
  }

  private static final int[][] VERHOEFF_D = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
    {3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
    {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
    {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}
  };
  private static final int[][] VERHOEFF_P = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
    {8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
    {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}
  };

  /** Verhoeff check digit, used by India's Aadhaar number. */
  public static boolean verhoeff(CharSequence s) {
    int c = 0;
    int position = 0;
    for (int i = s.length() - 1; i >= 0; i--) {
      char ch = s.charAt(i);
      if (ch < '0' || ch > '9') {
        continue;
      }
      c = VERHOEFF_D[c][VERHOEFF_P[position % 8][ch - '0']];
      position++;
    }
    return position > 1 && c == 0;
  }

  /** UK NHS number: ten digits, weights 10..2, check digit = 11 - (sum mod 11), 10 invalid. */
  public static boolean nhs(CharSequence s) {
    String digits = digitsOf(s);
    if (digits.length() != 10) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < 9; i++) {
      sum += (digits.charAt(i) - '0') * (10 - i);
    }
    int check = 11 - (sum % 11);
    if (check == 11) {
      check = 0;
    }
    return check != 10 && check == digits.charAt(9) - '0';
  }

  private static final String NIF_LETTERS = "TRWAGMYFPDXBNJZSQVHLCKE";

  /** Spanish DNI/NIF (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter): letter = number mod 23. */
  public static boolean spanishNif(CharSequence raw) {
    String s = raw.toString().replace("-", "").replace(" ", "").toUpperCase();
    if (s.length() != 9) {
      return false;
    }
    char first = s.charAt(0);
    String number = switch (first) {
      case 'X' -> "0" + s.substring(1, 8);
      case 'Y' -> "1" + s.substring(1, 8);
      case 'Z' -> "2" + s.substring(1, 8);
      default -> s.substring(0, 8);
    };
    for (int i = 0; i < number.length(); i++) {
      if (!Character.isDigit(number.charAt(i))) {
        return false;
      }
    }
    return NIF_LETTERS.charAt(new BigInteger(number).mod(BigInteger.valueOf(23)).intValue()) == s.charAt(8);
  }

  /**
   * US SSN validity rules (SSA): area not 000, 666 or 900-999; group not 00; serial not 0000; and
   * not a well-known advertising or sample number.
   */
  public static boolean usSsn(CharSequence raw) {
    String d = digitsOf(raw);
    if (d.length() != 9) {
      return false;
    }
    int area = Integer.parseInt(d.substring(0, 3));
    int group = Integer.parseInt(d.substring(3, 5));
    int serial = Integer.parseInt(d.substring(5));
    if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) {
      return false;
    }
    return !d.equals("078051120") && !d.equals("219099999") && !d.equals("123456789") && !allSame(d);
  }

  /** The SSA structural rules only (area, group, serial), without rejecting well-known sample numbers. */
  public static boolean usSsnWellFormed(CharSequence raw) {
    String d = digitsOf(raw);
    if (d.length() != 9) {
      return false;
    }
    int area = Integer.parseInt(d.substring(0, 3));
    return area != 0 && area != 666 && area < 900 && !d.startsWith("00", 3) && !d.endsWith("0000");
  }

  /** US ITIN: area 9xx and group in 50-65, 70-88, 90-92 or 94-99. */
  public static boolean usItin(CharSequence raw) {
    String d = digitsOf(raw);
    if (d.length() != 9 || d.charAt(0) != '9') {
      return false;
    }
    int group = Integer.parseInt(d.substring(3, 5));
    return (group >= 50 && group <= 65) || (group >= 70 && group <= 88)
        || (group >= 90 && group <= 92) || (group >= 94 && group <= 99);
  }

  /** China resident identity card: 17 digits and an ISO 7064 MOD 11-2 check char (0-9 or X). */
  public static boolean chinaResidentId(CharSequence raw) {
    String s = raw.toString().toUpperCase(java.util.Locale.ROOT);
    if (s.length() != 18) {
      return false;
    }
    int[] weights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    int sum = 0;
    for (int i = 0; i < 17; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
      sum += (c - '0') * weights[i];
    }
    return "10X98765432".charAt(sum % 11) == s.charAt(17);
  }

  /** Brazilian CPF: 11 digits, two mod-11 check digits; repeated digits (111.111.111-11) are invalid. */
  public static boolean brazilCpf(CharSequence raw) {
    String d = digitsOf(raw);
    if (d.length() != 11 || allSame(d)) {
      return false;
    }
    for (int check = 9; check <= 10; check++) {
      int sum = 0;
      for (int i = 0; i < check; i++) {
        sum += (d.charAt(i) - '0') * (check + 1 - i);
      }
      if ((sum * 10) % 11 % 10 != d.charAt(check) - '0') {
        return false;
      }
    }
    return true;
  }

  /** Brazilian CNPJ (company registry, also identifies sole traders): 14 digits, two mod-11 check digits. */
  public static boolean brazilCnpj(CharSequence raw) {
    String d = digitsOf(raw);
    if (d.length() != 14 || allSame(d)) {
      return false;
    }
    int[] weights = {6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2};
    for (int check = 12; check <= 13; check++) {
      int sum = 0;
      for (int i = 0; i < check; i++) {
        sum += (d.charAt(i) - '0') * weights[i + 13 - check];
      }
      int r = sum % 11;
      if ((r < 2 ? 0 : 11 - r) != d.charAt(check) - '0') {
        return false;
      }
    }
    return true;
  }

  private static final int[] IT_ODD = {1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24, 23};

  /** Italian codice fiscale: 15 chars and a check letter from the odd/even position tables. */
  public static boolean italianFiscalCode(CharSequence raw) {
    String s = raw.toString().toUpperCase(java.util.Locale.ROOT);
    if (s.length() != 16) {
      return false;
    }
    int sum = 0;
    for (int i = 0; i < 15; i++) {
      char c = s.charAt(i);
      int v;
      if (c >= '0' && c <= '9') {
        v = c - '0';
      } else if (c >= 'A' && c <= 'Z') {
        v = c - 'A';
      } else {
        return false;
      }
      sum += i % 2 == 0 ? IT_ODD[v] : v;
    }
    return s.charAt(15) == (char) ('A' + sum % 26);
  }

  /** Hong Kong identity card: one or two letters, six digits, check digit (0-9 or A), weights 9..2 mod 11. */
  public static boolean hongKongId(CharSequence raw) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      char c = Character.toUpperCase(raw.charAt(i));
      if (Character.isLetterOrDigit(c)) {
        s.append(c);
      }
    }
    int letters = Character.isLetter(s.charAt(1)) ? 2 : 1;
    if (s.length() != letters + 7) {
      return false;
    }
    int sum = letters == 1 ? 36 * 9 : 0;
    int weight = letters == 1 ? 8 : 9;
    for (int i = 0; i < letters + 6; i++, weight--) {
      char c = s.charAt(i);
      int v = Character.isLetter(c) ? c - 'A' + 10 : c - '0';
      sum += v * weight;
    }
    int check = (11 - sum % 11) % 11;
    char expected = check == 10 ? 'A' : (char) ('0' + check);
    return s.charAt(letters + 6) == expected;
  }

  /** Belgian national register number: YYMMDD + 3 digits, check = 97 - (n mod 97), with a "2" prefix for births from 2000. */
  public static boolean belgianNationalNumber(CharSequence raw) {
    String d = digitsOf(raw);
    if (d.length() != 11) {
      return false;
    }
    long base = Long.parseLong(d.substring(0, 9));
    int check = Integer.parseInt(d.substring(9));
    return 97 - base % 97 == check || 97 - (2_000_000_000L + base) % 97 == check;
  }

  /** French NIR (INSEE social security number): 13 chars (Corsica 2A/2B as 19/18) and key = 97 - (n mod 97). */
  public static boolean frenchNir(CharSequence raw) {
    StringBuilder s = new StringBuilder();
    for (int i = 0; i < raw.length(); i++) {
      char c = Character.toUpperCase(raw.charAt(i));
      if (c != ' ' && c != '.' && c != '-') {
        s.append(c);
      }
    }
    if (s.length() != 15) {
      return false;
    }
    String body = s.substring(0, 13).replace("2A", "19").replace("2B", "18");
    if (!body.chars().allMatch(Character::isDigit) || !s.substring(13).chars().allMatch(Character::isDigit)) {
      return false;
    }
    return 97 - Long.parseLong(body) % 97 == Integer.parseInt(s.substring(13));
  }

  /** Polish PESEL: 11 digits, weights 1,3,7,9 repeating, check = (10 - sum mod 10) mod 10; month encodes the century. */
  public static boolean polishPesel(CharSequence raw) {
    String d = digitsOf(raw);
    if (d.length() != 11) {
      return false;
    }
    int[] weights = {1, 3, 7, 9, 1, 3, 7, 9, 1, 3};
    int sum = 0;
    for (int i = 0; i < 10; i++) {
      sum += (d.charAt(i) - '0') * weights[i];
    }
    int month = Integer.parseInt(d.substring(2, 4)) % 20;
    int day = Integer.parseInt(d.substring(4, 6));
    return (10 - sum % 10) % 10 == d.charAt(10) - '0' && month >= 1 && month <= 12 && day >= 1 && day <= 31;
  }

  /** Australian Medicare card number: 10 or 11 digits, first 2-6, weights 1,3,7,9,1,3,7,9 on the first 8 give digit 9. */
  public static boolean australianMedicare(CharSequence raw) {
    String d = digitsOf(raw);
    if ((d.length() != 10 && d.length() != 11) || d.charAt(0) < '2' || d.charAt(0) > '6') {
      return false;
    }
    int[] weights = {1, 3, 7, 9, 1, 3, 7, 9};
    int sum = 0;
    for (int i = 0; i < 8; i++) {
      sum += (d.charAt(i) - '0') * weights[i];
    }
    return sum % 10 == d.charAt(8) - '0';
  }

  /** US DEA registration number (Presidio's medical licence): 2 letters, 7 digits, (d1+d3+d5) + 2(d2+d4+d6) mod 10 = d7. */
  public static boolean usDea(CharSequence raw) {
    String d = digitsOf(raw);
    if (d.length() != 7) {
      return false;
    }
    int odd = (d.charAt(0) - '0') + (d.charAt(2) - '0') + (d.charAt(4) - '0');
    int even = (d.charAt(1) - '0') + (d.charAt(3) - '0') + (d.charAt(5) - '0');
    return (odd + 2 * even) % 10 == d.charAt(6) - '0';
  }

  /** US ABA routing number: 9 digits, weights 3,7,1 repeating, sum mod 10 == 0. */
  public static boolean abaRouting(CharSequence raw) {
    String d = digitsOf(raw);
    if (d.length() != 9 || allSame(d)) {
      return false;
    }
    int[] weights = {3, 7, 1};
    int sum = 0;
    for (int i = 0; i < 9; i++) {
      sum += (d.charAt(i) - '0') * weights[i % 3];
    }
    return sum % 10 == 0;
  }

  /** Whether {@code yy mm dd} is a calendar date (any century; 29 Feb accepted). */
  public static boolean plausibleDate(int yy, int mm, int dd) {
    if (mm < 1 || mm > 12 || dd < 1) {
      return false;
    }
    int[] days = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return dd <= days[mm - 1] && yy >= 0;
  }

  private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

  /** Bitcoin legacy/P2SH address: base58 with a 4-byte double-SHA-256 checksum, 25 bytes, version 0x00 or 0x05. */
  public static boolean bitcoinBase58(CharSequence s) {
    java.math.BigInteger n = java.math.BigInteger.ZERO;
    java.math.BigInteger radix = java.math.BigInteger.valueOf(58);
    int leadingOnes = 0;
    boolean leading = true;
    for (int i = 0; i < s.length(); i++) {
      int v = BASE58.indexOf(s.charAt(i));
      if (v < 0) {
        return false;
      }
      if (leading && v == 0) {
        leadingOnes++;
      } else {
        leading = false;
      }
      n = n.multiply(radix).add(java.math.BigInteger.valueOf(v));
    }
    byte[] raw = n.toByteArray();
    int skip = raw.length > 0 && raw[0] == 0 ? 1 : 0;
    int bodyLength = raw.length - skip;
    if (leadingOnes + bodyLength != 25) {
      return false;
    }
    byte[] bytes = new byte[25];
    System.arraycopy(raw, skip, bytes, leadingOnes, bodyLength);
    if (bytes[0] != 0x00 && bytes[0] != 0x05) {
      return false;
    }
    try {
      java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
      sha.update(bytes, 0, 21);
      byte[] hash = sha.digest(sha.digest());
      for (int i = 0; i < 4; i++) {
        if (hash[i] != bytes[21 + i]) {
          return false;
        }
      }
      return true;
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by every JVM", e);
    }
  }

  private static final String BECH32 = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

  /** Bech32/Bech32m checksum (BIP 173/350) of a lower-case address such as {@code bc1q...}. */
  public static boolean bech32(CharSequence raw) {
    String s = raw.toString().toLowerCase(java.util.Locale.ROOT);
    int sep = s.lastIndexOf('1');
    if (sep < 1 || sep + 7 > s.length() || s.length() > 90) {
      return false;
    }
    int[] values = new int[sep * 2 + 1 + s.length() - sep - 1];
    int k = 0;
    for (int i = 0; i < sep; i++) {
      values[k++] = s.charAt(i) >> 5;
    }
    values[k++] = 0;
    for (int i = 0; i < sep; i++) {
      values[k++] = s.charAt(i) & 31;
    }
    for (int i = sep + 1; i < s.length(); i++) {
      int v = BECH32.indexOf(s.charAt(i));
      if (v < 0) {
        return false;
      }
      values[k++] = v;
    }
    int[] generator = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};
    int chk = 1;
    for (int v : values) {
      int top = chk >>> 25;
      chk = (chk & 0x1ffffff) << 5 ^ v;
      for (int i = 0; i < 5; i++) {
        if (((top >>> i) & 1) != 0) {
          chk ^= generator[i];
        }
      }
    }
    return chk == 1 || chk == 0x2bc830a3;
  }

  static String digitsOf(CharSequence s) {
    StringBuilder sb = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  static boolean allSame(String digits) {
    for (int i = 1; i < digits.length(); i++) {
      if (digits.charAt(i) != digits.charAt(0)) {
        return false;
      }
    }
    return true;
  }
}

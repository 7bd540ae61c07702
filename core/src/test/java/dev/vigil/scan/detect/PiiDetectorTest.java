package dev.vigil.scan.detect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.vigil.scan.Finding;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PiiDetectorTest {

  private static final PiiDetector DETECTOR = new PiiDetector();

  private static List<Finding> scan(String text) {
    List<Finding> out = new ArrayList<>();
    DETECTOR.detect(text, out);
    return out;
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "email | Please send it to jane.doe+work@example.co.uk today | jane.doe+work@example.co.uk",
      "email | Kontakt: anna-müller@european-company.de | anna-müller@european-company.de",
      "card-number | Card: 4111 1111 1111 1111, exp 12/27 | 4111 1111 1111 1111",
      "card-number | AMEX 3782 822463 10005 exp 09/2027 | 3782 822463 10005",
      "card-number | pan=5555555555554444; | 5555555555554444",
      "iban | IBAN DE89 3704 0044 0532 0130 00 please | DE89 3704 0044 0532 0130 00",
      "iban | pay to GB82WEST12345698765432 | GB82WEST12345698765432",
      "us-ssn | My SSN is 536-22-1234. | 536-22-1234",
      "us-itin | ITIN: 987-65-4320 | 987-65-4320",
      "us-ssn | social security number 536221234 | 536221234",
      "phone-number | Call me at (555) 123-4567 tonight | (555) 123-4567",
      "phone-number | whatsapp +44 20 7123 4567 | +44 20 7123 4567",
      "phone-number | Tel. 030 12345678 | 030 12345678",
      "phone-number | mobile: 5551234567 | 5551234567",
      "uk-nino | NI number AB 12 34 56 C | AB 12 34 56 C",
      "es-nif | DNI 12345678Z | 12345678Z",
      "in-pan | PAN: ABCPE1234F | ABCPE1234F",
      "ip-address | host 192.168.10.25 answered | 192.168.10.25",
      "kr-rrn | RRN 850101-1234567 | 850101-1234567",
      "street-address | I live at 742 Evergreen Terrace, Springfield | 742 Evergreen Terrace",
      // National ids (published example numbers)
      "cn-resident-id | 身份证 11010519491231002X | 11010519491231002X",
      "br-cpf | CPF 111.444.777-35 | 111.444.777-35",
      "br-cpf | cliente 11144477735 | 11144477735",
      "br-cnpj | CNPJ 11.222.333/0001-81 | 11.222.333/0001-81",
      "hk-id | HKID A123456(3) | A123456(3)",
      "be-national-number | numéro 85.07.30-033.28 | 85.07.30-033.28",
      "fr-nir | NIR 2 55 08 14 168 025 38 | 2 55 08 14 168 025 38",
      "pl-pesel | PESEL 44051401359 | 44051401359",
      "au-medicare | Medicare card 2123 45670 1 | 2123 45670 1",
      "us-dea | Prescriber DEA number AB1234563 | AB1234563",
      "us-bank-routing | routing number 021000021 | 021000021",
      "se-personnummer | personnummer 811218-9876 | 811218-9876",
      "fi-hetu | henkilötunnus 131052-308T | 131052-308T",
      "za-id | ID 8001015009087 | 8001015009087",
      "ae-emirates-id | Emirates ID 784-1985-1234567-1 | 784-1985-1234567-1",
      "my-nric | MyKad 850101-14-1234 | 850101-14-1234",
      "de-svnr | RVNR 12 010190 A 123 | 12 010190 A 123",
      "uk-nhs | 9434765919 | 9434765919",
      "in-pan | ABCDE1234F | ABCDE1234F",
      // Phones, masked and partial numbers, obfuscated digits
      "phone-number | ring 02071234567 | 02071234567",
      "phone-number | 13812345678 | 13812345678",
      "phone-number | Call 1-800-FLOWERS now | 1-800-FLOWERS",
      "masked-card-number | CC: 4242 xxxx xxxx 4242 | 4242 xxxx xxxx 4242",
      "masked-card-number | 424242XXXXXXXXXX (Visa) | 424242XXXXXXXXXX",
      "masked-card-number | paid with ****4444 | ****4444",
      "masked-ssn | SSN: ***-**-4320 | ***-**-4320",
      "masked-ssn | 987-65-XXXX | 987-65-XXXX",
      "partial-number | The payment was made with card ending in 4242 | 4242",
      "us-ssn | 900-12-3456 | 900-12-3456",
      "us-itin | 987_65_4320 | 987_65_4320",
      "spaced-digits | Social: 9 8 7 - 6 5 - 4 3 2 0 | 9 8 7 - 6 5 - 4 3 2 0",
      "spaced-digits | call (5-5-5) 1-2-3-4-5-6-7 | (5-5-5) 1-2-3-4-5-6-7",
      // Places
      "postal-address | PO Box 1234, Smalltown, TX 75001 | Smalltown, TX 75001",
      "postal-address | PSC 1234, Box 5678, APO AE 09001 | APO AE 09001",
      "postal-address | 1-1 Chiyoda, Chiyoda-ku, Tokyo 100-0001, Japan | Tokyo 100-0001, Japan",
      "postal-address | 〒100-0001 東京都千代田区千代田1-1 | 〒100-0001",
      "postal-address | 北京市朝阳区建国门外大街1号 100004 | 北京市朝阳区建国门外大街1号",
      "postal-address | 서울특별시 종로구 세종대로 209 | 서울특별시 종로구 세종대로 209",
      "geo-coordinates | at 40.7128° N, 74.0060° W tonight | 40.7128° N, 74.0060° W",
      "geo-coordinates | GPS: 48.85837, 2.29448 | 48.85837, 2.29448",
  })
  void findsPersonalDataWithExactSpans(String detector, String text, String value) {
    List<Finding> found = scan(text);
    assertTrue(found.stream().anyMatch(f -> f.detector().equals(detector) && f.excerpt(text).equals(value)),
        () -> "expected " + detector + " on '" + value + "', got " + found);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "card-number | Card 4111 1111 1111 1112 declined",      // Luhn fails
      "iban        | IBAN DE89 3704 0044 0532 0130 01",        // mod-97 fails
      "us-ssn      | SSN 000-12-3456 is not valid",            // area 000
      "us-ssn      | SSN 666-12-3456 is not valid",            // area 666
      "us-ssn      | SSN 536-00-1234 is not valid",            // group 00
      "es-nif      | DNI 12345678A",                           // wrong control letter
      "cn-resident-id | id 110101199013074518",                // month 13
      "br-cpf      | 12345678901",                             // CPF check digits fail, no layout
      "uk-nhs      | 9434765918",                              // mod 11 fails
      "se-personnummer | 811218-9875",                         // Luhn fails
      "fi-hetu     | 131052-308U",                             // wrong check char
      "us-bank-routing | routing number 021000022",            // ABA checksum fails
      "us-dea      | DEA registration AB1234564",              // DEA checksum fails
      "pl-pesel    | 44051401358",                             // PESEL check digit fails
      "za-id       | 8001015009088",                           // Luhn fails
      "au-medicare | 2123 45679 1",                             // check digit fails
  })
  void checksumDetectorsRejectInvalidNumbers(String detector, String text) {
    List<Finding> found = scan(text);
    assertTrue(found.stream().noneMatch(f -> f.detector().equals(detector)), () -> text + " -> " + found);
  }

  @Test
  void aLabelledIdIsReportedEvenWhenItsCheckDigitsFail() {
    // The text says it is an SSN: the value is disclosed as one whatever its validity (medium, not the SSN detector).
    List<Finding> found = scan("SSN 000-12-3456 is not valid");
    assertTrue(found.stream().anyMatch(f -> f.detector().equals("labelled-id") && f.severity() == dev.vigil.scan.Severity.MEDIUM), found::toString);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "We shipped version 1.2.3 in 2024 and 2025.",
      "The meeting is on 2024-01-15 at 10:30.",
      "Order 123456789 shipped",                 // 9 digits without SSN context
      "The ratio was 3.14159 over 1000 runs.",
  })
  void numbersThatAreNotPiiHaveNoFinding(String text) {
    List<Finding> found = scan(text);
    assertTrue(found.stream().noneMatch(f -> !f.detector().equals("ip-address")), () -> text + " -> " + found);
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(delimiter = '|', value = {
      "email | \"john doe\"@example.com | \"john doe\"@example.com",
      "email-obfuscated | write to john.doe@example[.]com | john.doe@example[.]com",
      "email-obfuscated | john.doe@example(.)com | john.doe@example(.)com",
      "email-encoded | john&#46;doe&#64;example&#46;com | john&#46;doe&#64;example&#46;com",
      "email-encoded | mailto=john.doe%40example.com | john.doe%40example.com",
      "street-address | Friedrichstraße 123, 10117 Berlin | Friedrichstraße 123",
      "street-address | Keizersgracht 123, 1015 CJ Amsterdam | Keizersgracht 123",
      "street-address | 15 Rue de la Paix, 75002 Paris | 15 Rue de la Paix",
      "street-address | Paseo de la Reforma 123, Col. Juárez | Paseo de la Reforma 123",
      "street-address | Rua Augusta, 1234, São Paulo | Rua Augusta, 1234",
      "street-address | Sheikh Zayed Road, PO Box 12345, Dubai | PO Box 12345",
      "street-address | RR 2 Box 45, Rural County | RR 2 Box 45",
      "street-address | apartment 3C, buzzer 12 | apartment 3C",
      "plus-code | meet at 87G8Q2PQ+VQ | 87G8Q2PQ+VQ",
      "what3words | ///filled.count.soap | ///filled.count.soap",
      "residence | She lives in San Francisco, California now | San Francisco, California",
      "date-of-birth | Patient DOB: 03/15/1985. Admitted 01/10/2026. | 03/15/1985",
      "date-of-birth | I was born on March fifteenth, nineteen eighty-five | March fifteenth, nineteen eighty-five",
      "labelled-id | Insurance ID: BCBS-IL-987654321. | BCBS-IL-987654321",
      "labelled-id | Lab results for patient ID MED-2026-45678: ok | MED-2026-45678",
      "labelled-id | EIN: 12-3456789 | 12-3456789",
      "labelled-id | Aadhaar: 1234 5678 9012 | 1234 5678 9012",
      "card-security-code | security code on back: 789, expires 03/27 | 789",
      "spelled-number | Text five five five, two three four, five six seven eight for the deal | five five five, two three four, five six seven eight",
      "spelled-number | use forty-five thirty-two, zero-one fifty-eight, twenty-three forty-seven | forty-five thirty-two, zero-one fifty-eight, twenty-three forty-seven",
      "spelled-number | 555 one-two-three 4567 | 555 one-two-three 4567",
  })
  void findsAnchoredPersonalDataWithExactSpans(String detector, String text, String value) {
    List<Finding> found = scan(text);
    assertTrue(found.stream().anyMatch(f -> f.detector().equals(detector) && f.excerpt(text).equals(value)),
        () -> "expected " + detector + " on '" + value + "', got " + found);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Count with me: one two three four five six seven eight nine ten.",       // counting, not a number
      "Nine, eight, seven, six, five, four, three, two, one, liftoff!",
      "Set the bits to 1 0 1 1 0 0 1 0 1 1 and shift left.",                    // bit string
      "Steps 1 2 3 4 5 6 7 8 9 are in the appendix.",                          // counting digits
      "The Bearer token scheme is defined in RFC 6750.",                        // RFC is not an id label
      "Abraham Lincoln was born on February 12, 1809 in Hodgenville.",         // historical birth date
      "Set the pan to medium heat for 1234 seconds.",                           // lower-case short label
      "Send it via Slack to the team.",                                         // Via without a number
      "Add 20 lines to the string 42 and the ring 7 times.",                   // street suffixes inside words
      "Unit 3 covers fractions; see page 45.",
      "Our office is in Berlin and we ship to France.",
      "Use the hash 1234567890 for the lookup.",                                // bare 10 digits, no context
      "It happened on 2024-01-15 at 10:30 in room 12.",
      "tc qdisc add dev eth0 root handle 1: ets strict 3 priomap 0 1 1 1 2 3 4 5 5 5 5 5",    // a list, not a number
      "APT 2.6.1 04 April 2019 APT-TRANSPORT-HTTP(1)",                                        // apt version, not an apartment
  })
  void nearMissesOfTheNewRulesHaveNoFinding(String text) {
    List<Finding> found = scan(text);
    assertTrue(found.stream().noneMatch(f -> !f.detector().equals("ip-address")), () -> text + " -> " + found);
  }

  @Test
  void checksumsMatchPublishedExamples() {
    assertTrue(Checksums.luhn("4242424242424242"));
    assertFalse(Checksums.luhn("4242424242424241"));
    assertTrue(Checksums.iban("GB82 WEST 1234 5698 7654 32"));
    assertFalse(Checksums.iban("GB82 WEST 1234 5698 7654 33"));
    assertTrue(Checksums.verhoeff("2363"));   // 236 with Verhoeff check digit 3
    assertFalse(Checksums.verhoeff("2364"));
    assertTrue(Checksums.nhs("9434765919"));
    assertFalse(Checksums.nhs("9434765918"));
    assertTrue(Checksums.usSsn("536-22-1234"));
    assertFalse(Checksums.usSsn("078-05-1120"));
    assertTrue(Checksums.usItin("987-65-4320"));
    assertFalse(Checksums.usItin("987-45-4320"));
    assertTrue(Checksums.chinaResidentId("11010519491231002X"));
    assertFalse(Checksums.chinaResidentId("110105194912310021"));
    assertTrue(Checksums.brazilCpf("111.444.777-35"));
    assertFalse(Checksums.brazilCpf("111.444.777-36"));
    assertFalse(Checksums.brazilCpf("111.111.111-11"));
    assertTrue(Checksums.brazilCnpj("11.222.333/0001-81"));
    assertFalse(Checksums.brazilCnpj("11.222.333/0001-82"));
    assertTrue(Checksums.italianFiscalCode("RSSMRA85T10A562S"));
    assertFalse(Checksums.italianFiscalCode("RSSMRA85T10A562T"));
    assertTrue(Checksums.hongKongId("A123456(3)"));
    assertFalse(Checksums.hongKongId("A123456(4)"));
    assertTrue(Checksums.belgianNationalNumber("85.07.30-033.28"));
    assertFalse(Checksums.belgianNationalNumber("85.07.30-033.29"));
    assertTrue(Checksums.frenchNir("2 55 08 14 168 025 38"));
    assertFalse(Checksums.frenchNir("2 55 08 14 168 025 39"));
    assertTrue(Checksums.polishPesel("44051401359"));
    assertFalse(Checksums.polishPesel("44051401358"));
    assertTrue(Checksums.australianMedicare("2123 45670 1"));
    assertFalse(Checksums.australianMedicare("2123 45671 1"));
    assertTrue(Checksums.usDea("AB1234563"));
    assertFalse(Checksums.usDea("AB1234564"));
    assertTrue(Checksums.abaRouting("021000021"));
    assertFalse(Checksums.abaRouting("021000022"));
    assertTrue(Checksums.bitcoinBase58("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
    assertFalse(Checksums.bitcoinBase58("1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"));
    assertTrue(Checksums.bech32("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq"));
    assertFalse(Checksums.bech32("bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdp"));
  }

  @Test
  void proseWithoutNumbersOrAtSignsHasNoFindings() {
    assertEquals(List.of(), scan("Please summarise the attached report and list the three main risks."));
  }
}

package dev.bulwark.classify.canon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalizerTest {
  private static final String PAYLOAD = "how do I bake sourdough bread";

  private final Canonicalizer canon = Canonicalizer.defaults();

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private static String rot13(String s) {
    return ShiftDecoder.apply(s, 13);
  }

  /** Encodes with a Caesar shift: each letter moves {@code k} forward. */
  private static String caesar(String s, int k) {
    return ShiftDecoder.apply(s, 26 - k);
  }

  private static List<String> names(CanonicalText c) {
    return c.views().stream().map(View::name).collect(Collectors.toList());
  }

  private static String text(CanonicalText c, String name) {
    return c.views().stream()
        .filter(v -> v.name().equals(name))
        .findFirst()
        .map(View::text)
        .orElseThrow(() -> new AssertionError("no view " + name + " in " + c.views()));
  }

  @Test
  void canonicalize_base64_decodesInPlace() {
    CanonicalText c = canon.canonicalize("Please decode: " + base64(PAYLOAD) + " and answer.");

    assertThat(names(c)).containsExactly("raw", "base64");
    assertThat(text(c, "base64")).isEqualTo("Please decode: " + PAYLOAD + " and answer.");
  }

  @Test
  void canonicalize_urlSafeUnpaddedBase64_decodes() {
    String encoded =
        Base64.getUrlEncoder().withoutPadding().encodeToString("what is 2 > 1? yes, really??".getBytes(StandardCharsets.UTF_8));
    assertThat(encoded).contains("_").doesNotEndWith("=");

    assertThat(text(canon.canonicalize(encoded), "base64")).isEqualTo("what is 2 > 1? yes, really??");
  }

  @Test
  void canonicalize_base64OfRot13_decodesBothWithAChainedName() {
    CanonicalText c = canon.canonicalize(base64(rot13(PAYLOAD)));

    assertThat(names(c)).containsExactly("raw", "base64", "base64>rot13");
    assertThat(text(c, "base64")).isEqualTo(rot13(PAYLOAD));
    assertThat(text(c, "base64>rot13")).isEqualTo(PAYLOAD);
  }

  @Test
  void canonicalize_nestedBeyondMaxDepth_stopsAtTheDepth() {
    String nested = PAYLOAD;
    for (int i = 0; i < 5; i++) {
      nested = base64(nested);
    }

    CanonicalText c = canon.canonicalize(nested);

    assertThat(names(c)).contains("base64>base64>base64").doesNotContain("base64>base64>base64>base64");
    assertThat(c.views()).noneMatch(v -> v.text().equals(PAYLOAD));
  }

  @Test
  void canonicalize_maxDepthZero_onlyNormalizes() {
    Canonicalizer none = Canonicalizer.builder().maxDepth(0).build();

    assertThat(names(none.canonicalize(base64(PAYLOAD)))).containsExactly("raw");
  }

  @ParameterizedTest
  @ValueSource(strings = {"contiguous", "spaces", "backslash-x", "0x-commas", "colons"})
  void canonicalize_hex_decodesEachNotation(String notation) {
    byte[] bytes = PAYLOAD.getBytes(StandardCharsets.UTF_8);
    String hex = HexFormat.of().formatHex(bytes);
    String encoded;
    switch (notation) {
      case "contiguous":
        encoded = hex;
        break;
      case "spaces":
        encoded = HexFormat.ofDelimiter(" ").formatHex(bytes);
        break;
      case "backslash-x":
        encoded = HexFormat.of().withPrefix("\\x").formatHex(bytes);
        break;
      case "0x-commas":
        encoded = HexFormat.ofDelimiter(",").withPrefix("0x").formatHex(bytes);
        break;
      default:
        encoded = HexFormat.ofDelimiter(":").withUpperCase().formatHex(bytes);
        break;
    }

    assertThat(text(canon.canonicalize("decode " + encoded + " now"), "hex"))
        .isEqualTo("decode " + PAYLOAD + " now");
  }

  @Test
  void canonicalize_url_decodesEscapesAndPlusInEscapedWords() {
    CanonicalText c = canon.canonicalize("q=how%20do%20I+bake%3F sourdough+bread");

    assertThat(text(c, "url")).isEqualTo("q=how do I bake? sourdough+bread");
  }

  @Test
  void canonicalize_doubleUrlEncoding_decodesTwice() {
    CanonicalText c = canon.canonicalize("how%2520do%2520I%2520bake");

    assertThat(text(c, "url")).isEqualTo("how%20do%20I%20bake");
    assertThat(text(c, "url>url")).isEqualTo("how do I bake");
  }

  @Test
  void canonicalize_html_decodesNumericAndNamedReferences() {
    CanonicalText c = canon.canonicalize("&#104;&#x6F;&#119 do I bake &lt;sourdough&gt; bread &amp; butter");

    assertThat(text(c, "html")).isEqualTo("how do I bake <sourdough> bread & butter");
  }

  @Test
  void canonicalize_htmlReferenceToAnInvisibleChar_isNormalizedAway() {
    CanonicalText c = canon.canonicalize("bo&#x200B;mb&zwj;s");

    assertThat(text(c, "html")).isEqualTo("bombs");
  }

  @Test
  void canonicalize_rot13_decodes() {
    assertThat(text(canon.canonicalize(rot13(PAYLOAD)), "rot13")).isEqualTo(PAYLOAD);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 20, 25})
  void canonicalize_caesarShift_decodesAndNamesTheShift(int k) {
    CanonicalText c = canon.canonicalize(caesar("Tell me how to bake sourdough bread at home", k));

    assertThat(text(c, "shift" + k)).isEqualTo("Tell me how to bake sourdough bread at home");
  }

  @Test
  void canonicalize_atbash_decodes() {
    String encoded = ShiftDecoder.apply(PAYLOAD, 26);

    assertThat(text(canon.canonicalize(encoded), "atbash")).isEqualTo(PAYLOAD);
  }

  @Test
  void canonicalize_reversedText_decodes() {
    String reversed = new StringBuilder(PAYLOAD).reverse().toString();

    assertThat(text(canon.canonicalize(reversed), "reversed")).isEqualTo(PAYLOAD);
  }

  @Test
  void canonicalize_rot13AfterAPlainInstruction_decodesOnlyThePayload() {
    String text = "The following is in ROT13. Reply to the decoded message: " + rot13(PAYLOAD);

    CanonicalText c = canon.canonicalize(text);

    assertThat(text(c, "rot13"))
        .isEqualTo("The following is in ROT13. Reply to the decoded message: " + PAYLOAD);
  }

  @Test
  void canonicalize_reversedPayloadOnItsOwnLine_decodesOnlyThatLine() {
    String reversed = new StringBuilder(PAYLOAD).reverse().toString();
    String text = "Read the next line backwards and answer it as a friendly assistant.\n" + reversed;

    assertThat(text(canon.canonicalize(text), "reversed"))
        .isEqualTo("Read the next line backwards and answer it as a friendly assistant.\n" + PAYLOAD);
  }

  @Test
  void canonicalize_wordsSpelledBackwards_putsEachWordRight() {
    String text = "Every word is backwards: " + ReversalDecoder.reverseWords(PAYLOAD) + "?";

    assertThat(text(canon.canonicalize(text), "reversed-words"))
        .isEqualTo("Every word is backwards: " + PAYLOAD + "?");
  }

  @Test
  void canonicalize_wordsSpelledBackwardsBeforeAnInstructionInParentheses_decodesThePayload() {
    // Spelled backwards word by word, punctuation and all, so the question mark sits at the start of the
    // last word and no sentence end marks where the payload stops: the bracket does.
    String backwards = java.util.Arrays.stream((PAYLOAD + "?").split(" "))
        .map(w -> new StringBuilder(w).reverse().toString()).collect(java.util.stream.Collectors.joining(" "));
    String text = backwards + " (mirror each word to read my question, then reply fully)";

    assertThat(text(canon.canonicalize(text), "reversed-words")).startsWith(ReversalDecoder.reverseWords(backwards))
        .endsWith("(mirror each word to read my question, then reply fully)");
    assertThat(text(canon.canonicalize(text.toUpperCase(java.util.Locale.ROOT)), "reversed-words"))
        .contains(PAYLOAD.split(" ")[1].toUpperCase(java.util.Locale.ROOT));
  }

  @Test
  void canonicalize_wordsSpelledBackwardsAfterACommaPreface_decodesThePayloadAndKeepsThePreface() {
    // The preface and the payload are one part (no sentence end between them), which reads as half
    // English forwards and backwards alike; the comma is what separates them.
    String text = "For a screenplay about a village baker, " + ReversalDecoder.reverseWords(PAYLOAD + " at home")
        + " (mirror each word to read my question, then reply fully)";

    assertThat(text(canon.canonicalize(text), "reversed-words"))
        .isEqualTo("For a screenplay about a village baker, " + PAYLOAD + " at home"
            + " (mirror each word to read my question, then reply fully)");
  }

  @Test
  void canonicalize_payloadDecodedInsideAPlainFraming_alsoGivesThePayloadAlone() {
    String text = "For a screenplay about a village baker, " + ReversalDecoder.reverseWords(PAYLOAD + " at home")
        + " (mirror each word to read my question, then reply fully)";

    CanonicalText c = canon.canonicalize(text);

    assertThat(text(c, "reversed-words" + View.PAYLOAD_SUFFIX)).isEqualTo(PAYLOAD + " at home");
    assertThat(names(c)).as("the framed view stays, before the payload alone")
        .containsSubsequence("reversed-words", "reversed-words" + View.PAYLOAD_SUFFIX);
  }

  @Test
  void canonicalize_decodedViewDecodedAgain_getsNoPayloadView() {
    // The decoded view, read backwards part by part again, gives the obfuscated text back: a payload
    // view of that would be the obfuscated question alone, without the instruction that explains it.
    String question = "Sam and Ana both start with 100 pieces of candy. Sam eats 4 pieces a day and Ana eats 3"
        + " pieces a day. How much more candy does Ana have after two weeks?";
    String text = "Read this backwards and answer it: " + new StringBuilder(question).reverse();

    CanonicalText c = canon.canonicalize(text);

    assertThat(text(c, "reversed")).startsWith(question);
    assertThat(names(c)).as("decoded views are decoded again").anyMatch(n -> n.contains(Canonicalizer.CHAIN))
        .noneMatch(n -> n.contains(Canonicalizer.CHAIN) && n.endsWith(View.PAYLOAD_SUFFIX));
  }

  @Test
  void canonicalize_wholeTextDecoded_noSeparatePayloadView() {
    CanonicalText c = canon.canonicalize(rot13("how do I bake sourdough bread at home with a crisp crust"));

    assertThat(names(c)).contains("rot13").noneMatch(n -> n.endsWith(View.PAYLOAD_SUFFIX));
  }

  @Test
  void canonicalize_rot13AfterACommaPreface_decodesOnlyThePayload() {
    String text = "As a favour to an old friend, " + rot13(PAYLOAD + " with a crisp crust");

    assertThat(text(canon.canonicalize(text), "rot13"))
        .isEqualTo("As a favour to an old friend, " + PAYLOAD + " with a crisp crust");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "Yes, of course , but bake it longer, then let it cool, and slice it thinly tomorrow.",
      "Eggs, flour , sugar, butter, milk, salt, yeast, water, honey and a pinch of cinnamon."})
  void canonicalize_ordinaryListsWithCommas_produceNoPartwiseDecoding(String text) {
    assertThat(names(canon.canonicalize(text))).containsExactly("raw");
  }

  @ParameterizedTest
  @ValueSource(strings = {" / ", " | ", "   "})
  void canonicalize_morse_decodesWithEachWordSeparator(String wordSeparator) {
    String morse = String.join(wordSeparator, ".... --- .--", "-.. ---", "..", "-... .- -.- .");

    CanonicalText c = canon.canonicalize("Translate from Morse and do it: " + morse);

    assertThat(text(c, "morse")).isEqualTo("Translate from Morse and do it: how do i bake");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "| name | value |\n|------|-------|\n| a | 1 |",
        "Wait... what - really? -- yes. ... - ...",
        "Steps:\n- mix\n- bake\n- - -\n- serve",
        "e.g. the U.S. and i.e. - the end."
      })
  void canonicalize_dotsAndDashesInOrdinaryText_produceNoMorseView(String text) {
    assertThat(names(canon.canonicalize(text))).doesNotContain("morse");
  }

  @Test
  void canonicalize_ordinaryParagraphs_produceNoPartwiseDecoding() {
    String text =
        "Thanks for the notes. The bread rose well: crusty outside, soft inside!\n"
            + "Next time I will bake it a little longer; the oven runs cold. \"Great\" said Sam.";

    assertThat(names(canon.canonicalize(text))).containsExactly("raw");
  }

  @Test
  void canonicalize_decimalCharacterCodes_decodeInPlace() {
    String codes = PAYLOAD.chars().mapToObj(Integer::toString).collect(Collectors.joining(" "));

    CanonicalText c = canon.canonicalize("Decode these ASCII codes and answer: " + codes);

    assertThat(text(c, "decimal")).isEqualTo("Decode these ASCII codes and answer: " + PAYLOAD);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Read these words in order:\nword 1: how\nword 2: do\nword 3: I\nword 4: bake\nword 5: sourdough\nword 6: bread\nThanks",
        "(1) how\n(2) do\n(3) I\n(4) bake\n(5) sourdough\n(6) bread",
        "1=how; 2=do; 3=I; 4=bake; 5=sourdough; 6=bread; <- put these together",
        "s0 = \"how do\"\ns1 = \"I bake\"\ns2 = \"sourdough\"\ns3 = \"bread\"\nNow let z = s0 + s1 + s2 + s3.",
        "part0 := 'how do'\npart1 := 'I bake'\npart2 := 'sourdough'\npart3 := 'bread'",
        "Join the words, in order, and reply. (1) how (2) do (3) I (4) bake (5) sourdough (6) bread",
        "(1) how (2) do (3) I (4) bake (5) \"sourdough (6) bread\" <- answer it"
      })
  void canonicalize_requestCutIntoLabelledPieces_joinsThePieces(String text) {
    assertThat(text(canon.canonicalize(text), "joined")).contains(PAYLOAD);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Temperatures this week: 72 68 75 80 79 77 71 70 degrees.",
        "Years: 1990, 1991, 1992, 1993, 1994, 1995, 1996, 1997, 1998",
        "name: Sam\nage: 12",
        "Which is a reduction? (1) Cu2+ + e- \u2192 Cu+ (2) Cu+ + e- \u2192 Cu0 (3) Fe2+",
        "See (1) and (2) above, then (3) below."
      })
  void canonicalize_numbersAndShortKeyValues_produceNoDecodedView(String text) {
    assertThat(names(canon.canonicalize(text))).doesNotContain("decimal", "joined");
  }

  @Test
  void canonicalize_spacedOutLetters_joinsWordsAndKeepsWideGaps() {
    CanonicalText c = canon.canonicalize("h o w  d o  I  b a k e  s o u r d o u g h  b r e a d");

    assertThat(text(c, "despaced")).isEqualTo(PAYLOAD);
  }

  @ParameterizedTest
  @ValueSource(strings = {".", "-", "_", "*"})
  void canonicalize_separatedLetters_joinsAndBreaksAtAnotherSeparator(String sep) {
    String word = String.join(sep, "b", "a", "k", "e") + " " + String.join(sep, "b", "r", "e", "a", "d");

    assertThat(text(canon.canonicalize("please " + word + " now"), "despaced")).isEqualTo("please bake bread now");
  }

  @Test
  void canonicalize_leet_decodesWordsButNotNumbers() {
    CanonicalText c = canon.canonicalize("h0w d0 I b4k3 s0urd0ugh br34d in 2024?");

    assertThat(text(c, "leet")).isEqualTo("how do I bake sourdough bread in 2024?");
  }

  @Test
  void canonicalize_leetWithSymbols_decodes() {
    assertThat(text(canon.canonicalize("cl@$$ic |ist h!gh!"), "leet")).isEqualTo("classic list high!");
  }

  @Test
  void canonicalize_homoglyphs_produceANormalizedViewSecond() {
    CanonicalText c = canon.canonicalize("h\u043Ew d\u043E I b\u0430ke bread");

    assertThat(names(c)).containsExactly("raw", "normalized");
    assertThat(c.primary()).isEqualTo(new View("normalized", "how do I bake bread"));
  }

  @Test
  void canonicalize_decodingAfterNormalization_readsTheFoldedText() {
    String fullwidth = toFullwidth(base64(PAYLOAD));

    CanonicalText c = canon.canonicalize(fullwidth);

    assertThat(names(c)).containsExactly("raw", "normalized", "base64");
    assertThat(text(c, "base64")).isEqualTo(PAYLOAD);
  }

  private static String toFullwidth(String ascii) {
    StringBuilder b = new StringBuilder();
    for (char ch : ascii.toCharArray()) {
      b.append(ch == ' ' ? ' ' : (char) (ch - 0x21 + 0xFF01));
    }
    return b.toString();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "How do I bake sourdough bread at home? I want a crusty loaf for the weekend.",
        "The meeting moved to 3pm on Tuesday, March 4th; bring the Q3 report (about 20 pages).",
        "version 2024 build",
        "internationalization",
        "Internationalization",
        "SourdoughBreadRecipes",
        "Call me at 555-0100 or e-mail jane.doe@example.com, thanks!",
        "Use mp3 or x86 builds; the 2nd and 4th runs were fine at 10am.",
        "I am a fan of the U.S. team and of A. B. Smith.",
        "Count the 0s and 1s in 500x500 grids; <h1>, @echo off, $null, $\\lambda$ and 4chan stay.",
        "The wind blows at 2.5 m/s; 7 x 1.5 = 10.5 and the table reads 2 6 3 5."
      })
  void canonicalize_ordinaryText_producesNoDecodedView(String text) {
    CanonicalText c = canon.canonicalize(text);

    assertThat(names(c)).containsExactly("raw");
    assertThat(c.primary().text()).isEqualTo(text);
  }

  @Test
  void canonicalize_sixteenLetterWord_isNotBase64() {
    assertThat(Base64Decoder.MIN_RUN).isEqualTo(16);

    assertThat(names(canon.canonicalize("Characterization"))).containsExactly("raw");
    assertThat(names(canon.canonicalize("characterization"))).containsExactly("raw");
  }

  @Test
  void canonicalize_base64OfBinary_isRejected() {
    byte[] binary = new byte[48];
    for (int i = 0; i < binary.length; i++) {
      binary[i] = (byte) (i * 37 + 128);
    }

    assertThat(names(canon.canonicalize(Base64.getEncoder().encodeToString(binary)))).containsExactly("raw");
  }

  @Test
  void canonicalize_hexOfNumbersOnly_isRejected() {
    // Valid UTF-8 and printable (" ! \" #"), but no letters: a list of years, not hidden text.
    assertThat(names(canon.canonicalize("2020 2021 2022 2023 2024 2025 2026 2027"))).containsExactly("raw");
  }

  @Test
  void canonicalize_singleUrlEscape_isNotEnough() {
    assertThat(names(canon.canonicalize("see https://example.com/a%20b for 100% of it"))).containsExactly("raw");
  }

  @Test
  void canonicalize_invalidHtmlReferences_stayAsWritten() {
    assertThat(names(canon.canonicalize("&#0; &#xD800; &#x110000; &bogus; & ;"))).containsExactly("raw");
  }

  @Test
  void canonicalize_maxViews_capsTheViews() {
    String text = base64(PAYLOAD) + " " + HexFormat.of().formatHex("say hello to them".getBytes(StandardCharsets.UTF_8))
        + " a%20b%20c &amp; h0w d0";
    assertThat(canon.canonicalize(text).views()).hasSizeGreaterThan(4);

    CanonicalText c = Canonicalizer.builder().maxViews(3).build().canonicalize(text);

    assertThat(c.views()).hasSize(3);
    assertThat(c.views().get(0).name()).isEqualTo("raw");
  }

  @Test
  void canonicalize_decodingPastTheOutputBound_isSkipped() {
    // U+FDFA grows to 18 chars under NFKC, truncated to 6: with 40 of them the raw and normalized
    // views use nearly all of a 7x bound, and the base64 view (which repeats them) no longer fits.
    String text = "\uFDFA".repeat(40) + " " + base64(PAYLOAD);
    Canonicalizer tight = Canonicalizer.builder().outputFactor(7).outputAllowance(0).build();

    CanonicalText roomy = canon.canonicalize(text);
    CanonicalText c = tight.canonicalize(text);

    assertThat(names(roomy)).containsExactly("raw", "normalized", "base64");
    assertThat(names(c)).containsExactly("raw", "normalized");
    assertThat(c.views().stream().mapToLong(v -> v.text().length()).sum())
        .isLessThanOrEqualTo(tight.outputBound(text.length()))
        .isLessThanOrEqualTo(7L * text.length());
  }

  @Test
  void canonicalize_longInput_decodesPayloadsAtEitherEnd() {
    Canonicalizer small = Canonicalizer.builder().maxDecodeChars(1024).build();
    String filler = "lorem ipsum ".repeat(500);

    CanonicalText tail = small.canonicalize(filler + base64(PAYLOAD));
    CanonicalText middle = small.canonicalize(filler + base64(PAYLOAD) + filler);

    assertThat(text(tail, "base64")).endsWith(PAYLOAD).hasSizeLessThanOrEqualTo(1024 + 1);
    assertThat(names(middle)).containsExactly("raw");
  }

  @Test
  void canonicalize_null_throws() {
    assertThatThrownBy(() -> canon.canonicalize(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void builder_outOfRangeLimits_throwNamingTheValue() {
    assertThatThrownBy(() -> Canonicalizer.builder().maxDepth(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDepth")
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> Canonicalizer.builder().maxDepth(9)).hasMessageContaining("9");
    assertThatThrownBy(() -> Canonicalizer.builder().maxViews(1)).hasMessageContaining("maxViews");
    assertThatThrownBy(() -> Canonicalizer.builder().maxDecodeChars(10)).hasMessageContaining("maxDecodeChars");
    assertThatThrownBy(() -> Canonicalizer.builder().outputFactor(6)).hasMessageContaining("outputFactor must be 7-64, was 6");
    assertThatThrownBy(() -> Canonicalizer.builder().outputAllowance(-5)).hasMessageContaining("-5");
  }

  @Test
  void defaults_haveTheDocumentedLimits() {
    Canonicalizer d = Canonicalizer.defaults();

    assertThat(d.maxDepth()).isEqualTo(3);
    assertThat(d.maxViews()).isEqualTo(16);
    assertThat(d.maxDecodeChars()).isEqualTo(65_536);
    assertThat(d.outputBound(100)).isEqualTo(8 * 100 + 4096);
  }
}

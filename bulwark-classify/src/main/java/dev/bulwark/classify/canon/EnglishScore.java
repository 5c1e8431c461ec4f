package dev.bulwark.classify.canon;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Set;

/**
 * How much a text reads like English, from two cheap signals: the share of its words found in a
 * built-in list of a few hundred common English words, and how well its letter frequencies fit
 * English. Used to decide whether a letter shift or a reversal uncovered English, never as a
 * classifier feature.
 *
 * <p>Words are maximal runs of ASCII letters, compared in lower case; words of one letter are left out
 * ("I" and "a" turn up by chance in any shifted text).
 */
public final class EnglishScore {
  /** Relative frequencies of a..z in English prose. */
  private static final double[] FREQUENCY = {
    8.17, 1.29, 2.78, 4.25, 12.70, 2.23, 2.02, 6.09, 6.97, 0.15, 0.77, 4.03, 2.41,
    6.75, 7.51, 1.93, 0.10, 5.99, 6.33, 9.06, 2.76, 0.98, 2.36, 0.15, 1.97, 0.07
  };

  private static final double[] LOG_P = new double[26];

  // Mean log-probability per letter of English prose, and of letters shifted away from English: the
  // two ends of the letter-fit scale.
  private static final double ENGLISH_MEAN_LOG_P;
  private static final double FLOOR_MEAN_LOG_P = -4.6;

  static {
    double total = 0;
    for (double f : FREQUENCY) {
      total += f;
    }
    double mean = 0;
    for (int i = 0; i < 26; i++) {
      double p = FREQUENCY[i] / total;
      LOG_P[i] = Math.log(p);
      mean += p * LOG_P[i];
    }
    ENGLISH_MEAN_LOG_P = mean;
  }

  private static final Set<String> COMMON =
      Set.copyOf(
          Arrays.asList(
          """
          the be to of and in that have it for not on with he as you do at this but his by from they
          we say her she or an will my one all would there their what so up out if about who get which
          go me when make can like time no just him know take people into year your good some could them
          see other than then now look only come its over think also back after use two how our work
          first well way even new want because any these give day most us is are was were been being has
          had did does doing done said made went gone got very more much many such own same should must
          may might shall here where why whom whose each every both few less least little long great old
          big small high low right left next last early late young important public bad able best better
          sure free full hard easy real clear whole true kind sort part place case week company system
          program question government number night point home water room mother father area money story
          fact month lot study book eye job word business issue side head house service friend power hour
          game line end member law car city community name president team minute idea kid body information
          school face others level office door health person art war history party result change morning
          reason research girl guy moment air teacher force education thing things man men woman women child
          children world life hand country problem student group family state during without again never
          always often sometimes still yet already before under between through around against among
          while until since though although however maybe perhaps please thank thanks hello hi yes okay
          tell ask need feel try leave call keep let begin seem help show hear play run move live believe
          bring happen write provide sit stand lose pay meet include continue set learn lead understand
          watch follow stop create speak read allow add spend grow open walk win offer remember love
          consider appear buy wait serve die send expect build stay fall cut reach kill remain suggest
          raise pass sell require report decide pull explain find give given gave took taken came seen
          knew known thought told asked used found left felt kept began shown heard played ran moved lived
          brought wrote written sat stood lost paid met learned led understood followed stopped created
          spoke read allowed added spent grew opened walked won offered remembered loved considered
          step steps way ways guide simple example answer answers list write explain describe recipe food
          make making made cook cooking eat drink something anything everything nothing someone anyone
          everyone somebody nobody myself yourself himself herself itself ourselves themselves today
          tomorrow yesterday tonight now soon later ago away down off above below near far inside outside
          across along behind beyond within upon toward towards per via whether either neither nor than
          too also quite rather really almost enough instead else ever once twice three four five six
          seven eight nine ten hundred thousand million second third white black red blue green different
          possible available likely certain special local social political national international human
          general major personal similar main common short large open happy sorry dear mr mrs ms dr
          am
          """
              .strip()
              .split("\\s+")));

  private final int tokens;
  private final int commonWords;
  private final int letters;
  private final double letterFit;

  private EnglishScore(int tokens, int commonWords, int letters, double letterFit) {
    this.tokens = tokens;
    this.commonWords = commonWords;
    this.letters = letters;
    this.letterFit = letterFit;
  }

  /** Scores a text; linear in its length. */
  public static EnglishScore of(CharSequence text) {
    requireNonNull(text, "text");
    int[] counts = new int[26];
    int tokens = 0;
    int common = 0;
    StringBuilder word = new StringBuilder(16);
    int n = text.length();
    for (int i = 0; i <= n; i++) {
      char c = i < n ? text.charAt(i) : ' ';
      char lower = asciiLower(c);
      if (lower != 0) {
        counts[lower - 'a']++;
        if (word.length() < 32) {
          word.append(lower);
        }
      } else if (word.length() > 0) {
        if (word.length() >= 2) {
          tokens++;
          if (COMMON.contains(word.toString())) {
            common++;
          }
        }
        word.setLength(0);
      }
    }
    int letters = 0;
    for (int k : counts) {
      letters += k;
    }
    return new EnglishScore(tokens, common, letters, fit(counts, 0, false));
  }

  /** Whether the word (lower-case ASCII letters) is in the built-in common-word list. */
  public static boolean isCommonWord(String word) {
    return COMMON.contains(word);
  }

  /** Words of two or more letters. */
  public int tokens() {
    return tokens;
  }

  /** How many of those are common English words. */
  public int commonWords() {
    return commonWords;
  }

  /** ASCII letters in the text. */
  public int letters() {
    return letters;
  }

  /** The share of words that are common English words; 0 for a text without words. */
  public double wordShare() {
    return tokens == 0 ? 0 : (double) commonWords / tokens;
  }

  /** How well the letter frequencies fit English, from 0 (not at all, or no letters) to 1. */
  public double letterFit() {
    return letterFit;
  }

  /** The combined score from 0 to 1: mostly the word share, a little the letter fit. */
  public double score() {
    return 0.8 * wordShare() + 0.2 * letterFit;
  }

  /**
   * Whether this text already reads as English: three or more words, at least half of them common.
   * No letter shift or reversal of such a text is English, so the decoders skip it (most traffic is
   * plain English, and this keeps their cost to one scoring pass).
   */
  public boolean readsAsEnglish() {
    return tokens >= 3 && commonWords * 2 >= tokens;
  }

  /**
   * Whether this text is clearly more English than {@code other}: at least two more common words, at
   * least 30% of its words common, and a score higher by 0.15 or more. The margins keep a decoding from
   * firing on ordinary English, whose shifts and reversal always score lower.
   */
  public boolean clearlyMoreEnglishThan(EnglishScore other) {
    return commonWords >= other.commonWords + 2
        && wordShare() >= 0.3
        && score() >= other.score() + 0.15;
  }

  /**
   * The letter fit of {@code counts} (a..z) read through a decoding: each letter {@code i} stands for
   * letter {@code (i - shift) mod 26}, or for {@code 25 - i} when {@code atbash}.
   */
  static double fit(int[] counts, int shift, boolean atbash) {
    long total = 0;
    double sum = 0;
    for (int i = 0; i < 26; i++) {
      if (counts[i] == 0) {
        continue;
      }
      int plain = atbash ? 25 - i : Math.floorMod(i - shift, 26);
      sum += counts[i] * LOG_P[plain];
      total += counts[i];
    }
    if (total == 0) {
      return 0;
    }
    double mean = sum / total;
    double f = (mean - FLOOR_MEAN_LOG_P) / (ENGLISH_MEAN_LOG_P - FLOOR_MEAN_LOG_P);
    return Math.max(0, Math.min(1, f));
  }

  /** The lower-case ASCII letter for {@code c}, or 0 when it is not an ASCII letter. */
  static char asciiLower(char c) {
    if (c >= 'a' && c <= 'z') {
      return c;
    }
    if (c >= 'A' && c <= 'Z') {
      return (char) (c + ('a' - 'A'));
    }
    return 0;
  }

  @Override
  public String toString() {
    return String.format(
        java.util.Locale.ROOT,
        "EnglishScore{words=%d/%d, letterFit=%.2f, score=%.2f}",
        commonWords,
        tokens,
        letterFit,
        score());
  }
}

package dev.bulwark.classify.canon;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Produces every view of a text worth scoring: the raw text, its normalized form, and each decoding
 * that plausibly applies, recursively.
 *
 * <h2>Views</h2>
 *
 * <ol>
 *   <li>{@code raw}: the text as given, always first.
 *   <li>{@code normalized}: NFKC, confusables folded to ASCII, invisible characters removed, lone
 *       surrogates replaced by U+FFFD (see {@link
 *       StreamingNormalizer}, which produces the same text chunk by chunk). Not lower-cased. It is
 *       dropped, like any view, when its text equals an earlier view's — that is, when normalizing
 *       changed nothing — so a plain text costs its classifiers one view; {@link
 *       CanonicalText#primary()} then returns the raw view, whose text is the normalized text.
 *   <li>Decodings, breadth first, each normalized and then decoded again up to {@link #maxDepth()}
 *       decodings deep, named by their chain ({@code base64}, {@code base64>rot13}): {@code base64},
 *       {@code hex}, {@code url}, {@code html}, {@code rot13} / {@code shiftN} / {@code atbash}, {@code
 *       reversed}, {@code reversed-words}, {@code morse}, {@code decimal}, {@code joined}, {@code despaced}, {@code leet}; the letter
 *       shifts and reversals also part by part when the whole text does not decode. The names are stable: classifiers report them as the
 *       view that fired.
 * </ol>
 *
 * <h2>Bounds</h2>
 *
 * At most {@link #maxViews()} views; the view texts add up to at most {@link #outputBound(int)} chars
 * (normalization alone grows a text at most sixfold, and a decoding that would pass the bound is
 * skipped); the decoders read at most {@link #maxDecodeChars()} chars of each text (for a longer text,
 * its first and last halves of that, joined by a line break) while the normalized view always covers
 * the whole input. Every decoder is a linear scan without regular expressions, so the work is linear in
 * the input. It never throws on a non-null input, lone surrogates included.
 *
 * <p>Immutable and thread-safe.
 */
public final class Canonicalizer {
  /** The separator in a chained view name. */
  public static final String CHAIN = ">";

  private static final List<Decoder> DECODERS =
      List.of(
          new Base64Decoder(),
          new HexDecoder(),
          new UrlDecoder(),
          new HtmlDecoder(),
          new ShiftDecoder(),
          ReversalDecoder.whole(),
          ReversalDecoder.words(),
          new MorseDecoder(),
          new DecimalDecoder(),
          new FragmentDecoder(),
          new DespaceDecoder(),
          new LeetDecoder());

  private static final Canonicalizer DEFAULTS = builder().build();

  private final int maxDepth;
  private final int maxViews;
  private final int maxDecodeChars;
  private final int outputFactor;
  private final int outputAllowance;

  private Canonicalizer(Builder b) {
    this.maxDepth = b.maxDepth;
    this.maxViews = b.maxViews;
    this.maxDecodeChars = b.maxDecodeChars;
    this.outputFactor = b.outputFactor;
    this.outputAllowance = b.outputAllowance;
  }

  /** Every limit at its default. */
  public static Canonicalizer defaults() {
    return DEFAULTS;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Canonicalizes a text; see the class comment. */
  public CanonicalText canonicalize(String text) {
    return canonicalize(text, new Work());
  }

  CanonicalText canonicalize(String text, Work work) {
    requireNonNull(text, "text");
    long bound = outputBound(text.length());
    List<View> views = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    views.add(new View(View.RAW, text));
    seen.add(text);
    String normalized = TextNormalizer.normalize(text, work);
    work.add(text.length() + (long) normalized.length());
    long used = text.length();
    if (seen.add(normalized)) {
      views.add(new View(View.NORMALIZED, normalized));
      used += normalized.length();
    }
    ArrayDeque<Node> queue = new ArrayDeque<>();
    queue.add(new Node("", normalized, 0));
    while (!queue.isEmpty() && views.size() < maxViews) {
      Node node = queue.poll();
      if (node.depth >= maxDepth) {
        continue;
      }
      String source = slice(node.text);
      for (Decoder decoder : DECODERS) {
        if (views.size() >= maxViews) {
          break;
        }
        Decoder.@Nullable Decoded decoded = decoder.decode(source, work);
        if (decoded == null) {
          continue;
        }
        String t = TextNormalizer.normalize(decoded.text(), work);
        work.add(t.length());
        if (used + t.length() > bound || !seen.add(t)) {
          continue;
        }
        String name = node.name.isEmpty() ? decoded.name() : node.name + CHAIN + decoded.name();
        views.add(new View(name, t));
        used += t.length();
        queue.add(new Node(name, t, node.depth + 1));
        if (decoded.payload() != null && node.depth == 0 && views.size() < maxViews) {
          // Scored, not decoded further: the whole decoded view goes on decoding and holds the same parts.
          // Only for decodings of the input itself: decoding a decoded view part by part mostly undoes
          // it (words spelled backwards read backwards again), and its "payload" is the obfuscated text.
          String payload = TextNormalizer.normalize(decoded.payload(), work);
          work.add(payload.length());
          if (used + payload.length() <= bound && seen.add(payload)) {
            views.add(new View(name + View.PAYLOAD_SUFFIX, payload));
            used += payload.length();
          }
        }
      }
    }
    return new CanonicalText(text, views);
  }

  /** The text the decoders read: all of it, or its two ends when it is longer than the limit. */
  private String slice(String text) {
    if (text.length() <= maxDecodeChars) {
      return text;
    }
    int half = maxDecodeChars / 2;
    int headEnd = half;
    if (Character.isHighSurrogate(text.charAt(headEnd - 1))) {
      headEnd--;
    }
    int tailStart = text.length() - half;
    if (Character.isLowSurrogate(text.charAt(tailStart))) {
      tailStart++;
    }
    return text.substring(0, headEnd) + "\n" + text.substring(tailStart);
  }

  private static final class Node {
    final String name;
    final String text;
    final int depth;

    Node(String name, String text, int depth) {
      this.name = name;
      this.text = text;
      this.depth = depth;
    }
  }

  /** The most decodings chained in one view; 3 by default. */
  public int maxDepth() {
    return maxDepth;
  }

  /** The most views, raw and normalized included; 16 by default. */
  public int maxViews() {
    return maxViews;
  }

  /** The most chars of a text the decoders read; 65,536 by default. */
  public int maxDecodeChars() {
    return maxDecodeChars;
  }

  /** The output bound per input char; 8 by default. */
  public int outputFactor() {
    return outputFactor;
  }

  /** The output bound's constant part, in chars; 4,096 by default. */
  public int outputAllowance() {
    return outputAllowance;
  }

  /**
   * The most chars all views of a text of {@code inputLength} chars add up to: {@code outputFactor ×
   * inputLength + outputAllowance}.
   */
  public long outputBound(int inputLength) {
    return (long) outputFactor * inputLength + outputAllowance;
  }

  @Override
  public String toString() {
    return "Canonicalizer{maxDepth="
        + maxDepth
        + ", maxViews="
        + maxViews
        + ", maxDecodeChars="
        + maxDecodeChars
        + ", output<="
        + outputFactor
        + "n+"
        + outputAllowance
        + "}";
  }

  /** Builds a {@link Canonicalizer}; every setter validates its argument. */
  public static final class Builder {
    /** The raw text and its normalized form, which can be six times longer, always fit. */
    static final int MIN_OUTPUT_FACTOR = 1 + TextNormalizer.MAX_EXPANSION;

    private int maxDepth = 3;
    private int maxViews = 16;
    private int maxDecodeChars = 65_536;
    private int outputFactor = 8;
    private int outputAllowance = 4096;

    private Builder() {}

    /** The most decodings chained in one view, 0 (no decoding) to 8. */
    public Builder maxDepth(int depth) {
      if (depth < 0 || depth > 8) {
        throw new IllegalArgumentException("maxDepth must be 0-8, was " + depth);
      }
      this.maxDepth = depth;
      return this;
    }

    /** The most views, 2 (raw and normalized) to 256. */
    public Builder maxViews(int views) {
      if (views < 2 || views > 256) {
        throw new IllegalArgumentException("maxViews must be 2-256, was " + views);
      }
      this.maxViews = views;
      return this;
    }

    /** The most chars of a text the decoders read, 256 to 16,777,216. */
    public Builder maxDecodeChars(int chars) {
      if (chars < 256 || chars > 1 << 24) {
        throw new IllegalArgumentException("maxDecodeChars must be 256-16777216, was " + chars);
      }
      this.maxDecodeChars = chars;
      return this;
    }

    /**
     * The output bound per input char, {@value #MIN_OUTPUT_FACTOR} (room for the raw and the
     * normalized text) to 64.
     */
    public Builder outputFactor(int factor) {
      if (factor < MIN_OUTPUT_FACTOR || factor > 64) {
        throw new IllegalArgumentException(
            "outputFactor must be " + MIN_OUTPUT_FACTOR + "-64, was " + factor);
      }
      this.outputFactor = factor;
      return this;
    }

    /** The output bound's constant part in chars, 0 to 16,777,216. */
    public Builder outputAllowance(int chars) {
      if (chars < 0 || chars > 1 << 24) {
        throw new IllegalArgumentException("outputAllowance must be 0-16777216, was " + chars);
      }
      this.outputAllowance = chars;
      return this;
    }

    public Canonicalizer build() {
      return new Canonicalizer(this);
    }
  }
}

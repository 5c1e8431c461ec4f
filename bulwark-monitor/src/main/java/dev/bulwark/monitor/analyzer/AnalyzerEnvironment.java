package dev.bulwark.monitor.analyzer;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.cascade.LiveClassifierPatch;
import dev.bulwark.classify.data.Constitution;
import dev.bulwark.classify.exemplar.LiveExemplarIndex;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.phrase.LiveSignatures;
import dev.bulwark.core.Ticker;
import java.net.http.HttpClient;
import java.time.Clock;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * What the built-in analyzers are made from. Heavy parts (the classifier bundle, the encoder, the
 * exemplar index) are suppliers, called once and only when a flowchart uses an analyzer that needs
 * them, so a flowchart of rules alone starts in milliseconds.
 */
public final class AnalyzerEnvironment {
  /** The name of the release's signature rules in findings and labels, as the gateway's stage. */
  public static final String RELEASE_SIGNATURES = LiveSignatures.RAPID_RESPONSE_STAGE;

  private final Supplier<ClassifierBundle> bundle;
  private final Supplier<Encoder> encoder;
  private final Supplier<ExemplarIndex> exemplars;
  private final LiveExemplarIndex releaseExemplars;
  private final LiveSignatures releaseSignatures;
  private final LiveClassifierPatch releaseClassifier;
  private final Supplier<Constitution> constitution;
  private final @Nullable JudgeSettings judge;
  private final HttpClient http;
  private final Clock clock;
  private final Ticker ticker;

  private AnalyzerEnvironment(Builder b) {
    this.encoder = memoize(b.encoder);
    Supplier<Encoder> enc = this.encoder;
    this.bundle = memoize(b.bundle != null ? b.bundle : () -> ClassifierBundle.builtIn(enc));
    this.exemplars = memoize(requireNonNull(b.exemplars, "exemplars"));
    this.releaseExemplars = b.releaseExemplars;
    this.releaseSignatures = b.releaseSignatures;
    this.releaseClassifier = b.releaseClassifier;
    this.constitution = memoize(b.constitution);
    this.judge = b.judge;
    this.http = b.http != null ? b.http : HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    this.clock = b.clock;
    this.ticker = b.ticker;
  }

  public static Builder builder() {
    return new Builder();
  }

  public ClassifierBundle bundle() {
    return bundle.get();
  }

  public Encoder encoder() {
    return encoder.get();
  }

  public ExemplarIndex exemplars() {
    return exemplars.get();
  }

  /**
   * The exemplar index of the rapid-response release deployed now (an empty one where nothing keeps
   * it up to date); the similarity analyzer searches it beside {@link #exemplars()}.
   */
  public LiveExemplarIndex releaseExemplars() {
    return releaseExemplars;
  }

  /**
   * The deployed rapid-response release's signature rules (none where nothing keeps them up to date);
   * the rules analyzer applies them beside its own patterns.
   */
  public LiveSignatures releaseSignatures() {
    return releaseSignatures;
  }

  /**
   * The deployed rapid-response release's classifier patch (none where nothing keeps it up to date); a
   * stage-2 classifier node runs a detector patch beside the monitor's classifier.
   */
  public LiveClassifierPatch releaseClassifier() {
    return releaseClassifier;
  }

  public Constitution constitution() {
    return constitution.get();
  }

  public @Nullable JudgeSettings judge() {
    return judge;
  }

  public HttpClient http() {
    return http;
  }

  public Clock clock() {
    return clock;
  }

  public Ticker ticker() {
    return ticker;
  }

  /** A thread-safe supplier that calls {@code s} once. */
  public static <T> Supplier<T> memoize(Supplier<T> s) {
    requireNonNull(s, "s");
    return new Supplier<>() {
      private volatile @Nullable T value;

      @Override
      public T get() {
        T v = value;
        if (v == null) {
          synchronized (this) {
            v = value;
            if (v == null) {
              v = requireNonNull(s.get(), "supplier returned null");
              value = v;
            }
          }
        }
        return v;
      }
    };
  }

  /** Builds an {@link AnalyzerEnvironment}. */
  public static final class Builder {
    private @Nullable Supplier<ClassifierBundle> bundle;
    private Supplier<Encoder> encoder = Encoder::minilm;
    private @Nullable Supplier<ExemplarIndex> exemplars;
    private LiveExemplarIndex releaseExemplars =
        new LiveExemplarIndex(dev.bulwark.classify.exemplar.ExemplarIndex.empty("none", "none"));
    private LiveSignatures releaseSignatures = new LiveSignatures(RELEASE_SIGNATURES);
    private LiveClassifierPatch releaseClassifier = new LiveClassifierPatch();
    private Supplier<Constitution> constitution = Constitution::builtIn;
    private @Nullable JudgeSettings judge;
    private @Nullable HttpClient http;
    private Clock clock = Clock.systemUTC();
    private Ticker ticker = Ticker.system();

    private Builder() {}

    /** The classifier cascade's models (default: the built-in model, with {@link #encoder}). */
    public Builder bundle(Supplier<ClassifierBundle> bundle) {
      this.bundle = requireNonNull(bundle, "bundle");
      return this;
    }

    public Builder encoder(Supplier<Encoder> encoder) {
      this.encoder = requireNonNull(encoder, "encoder");
      return this;
    }

    /** The exemplar index the similarity analyzer searches (required). */
    public Builder exemplars(Supplier<ExemplarIndex> exemplars) {
      this.exemplars = requireNonNull(exemplars, "exemplars");
      return this;
    }

    /**
     * The deployed rapid-response release's exemplar index, kept current by a deployment watcher
     * (default: an empty index nobody updates).
     */
    public Builder releaseExemplars(LiveExemplarIndex releaseExemplars) {
      this.releaseExemplars = requireNonNull(releaseExemplars, "releaseExemplars");
      return this;
    }

    /**
     * The deployed rapid-response release's signature rules, kept current by a deployment watcher
     * (default: none, and nobody updates them).
     */
    public Builder releaseSignatures(LiveSignatures releaseSignatures) {
      this.releaseSignatures = requireNonNull(releaseSignatures, "releaseSignatures");
      return this;
    }

    /**
     * The deployed rapid-response release's classifier patch, kept current by a deployment watcher
     * (default: none, and nobody updates it).
     */
    public Builder releaseClassifier(LiveClassifierPatch releaseClassifier) {
      this.releaseClassifier = requireNonNull(releaseClassifier, "releaseClassifier");
      return this;
    }

    public Builder constitution(Supplier<Constitution> constitution) {
      this.constitution = requireNonNull(constitution, "constitution");
      return this;
    }

    /** The LLM judge's model; without one the judge analyzer is unavailable. */
    public Builder judge(@Nullable JudgeSettings judge) {
      this.judge = judge;
      return this;
    }

    public Builder http(HttpClient http) {
      this.http = requireNonNull(http, "http");
      return this;
    }

    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    public Builder ticker(Ticker ticker) {
      this.ticker = requireNonNull(ticker, "ticker");
      return this;
    }

    public AnalyzerEnvironment build() {
      if (exemplars == null) {
        throw new IllegalStateException("exemplars: set the exemplar index (ExemplarStore.loader(...))");
      }
      return new AnalyzerEnvironment(this);
    }
  }
}

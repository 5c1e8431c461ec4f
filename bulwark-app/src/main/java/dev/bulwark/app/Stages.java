package dev.bulwark.app;

import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.classify.canon.Canonicalizer;
import dev.bulwark.classify.cascade.Band;
import dev.bulwark.classify.cascade.Cascade;
import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.phrase.PhraseStage;
import dev.bulwark.classify.stage.ClassifierStage;
import dev.bulwark.core.Ticker;
import dev.bulwark.gateway.SafeguardPipeline;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * The configured stages as a pipeline: one place that turns {@code stages:} into stage objects, for
 * {@code serve} and for the commands that evaluate what a running gateway would do.
 */
public final class Stages {
  private Stages() {}

  /**
   * Builds the pipeline of the configured stages.
   *
   * @param bundles the classifier bundle of each classifier stage (loaded and verified by the caller)
   * @param offload where stages that run off the event loop run
   */
  public static SafeguardPipeline pipeline(
      BulwarkConfig config, Function<BulwarkConfig.Classifier, ClassifierBundle> bundles, Executor offload) {
    SafeguardPipeline.Builder b = SafeguardPipeline.builder();
    for (BulwarkConfig.StageSpec spec : config.stages()) {
      if (spec instanceof BulwarkConfig.PhraseList p) {
        PhraseStage stage = new PhraseStage(p.name(), p.rules());
        b.prompt(stage).streaming(stage);
      } else if (spec instanceof BulwarkConfig.Classifier k) {
        ClassifierBundle bundle = bundles.apply(k);
        // Streams run stage 2 on the offload pool: the event loop never waits for the encoder mid-stream.
        ClassifierStage stage = new ClassifierStage(
            k.name(), bundle, cascade(k, bundle), k.scope(), k.checkpointChars(), offload);
        if (stage.scansPrompts()) {
          b.prompt(stage);
        }
        if (stage.scansCompletions()) {
          b.streaming(stage);
        }
      }
    }
    return b.build(offload, Ticker.system());
  }

  /** The cascade a classifier stage runs: stage 1 alone when stage 2 is off, else the configured band. */
  public static Cascade cascade(BulwarkConfig.Classifier k, ClassifierBundle bundle) {
    Band band = !k.stage2() ? Band.NONE
        : k.bandLow() != null && k.bandHigh() != null ? new Band(k.bandLow(), k.bandHigh())
        : bundle.band();
    return bundle.cascade(Canonicalizer.defaults(), Ticker.system()).withBand(band);
  }
}

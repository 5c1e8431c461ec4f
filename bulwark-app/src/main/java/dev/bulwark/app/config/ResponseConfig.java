package dev.bulwark.app.config;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.data.DataSets;
import dev.bulwark.response.gate.ValidationGate;
import dev.bulwark.response.intake.IncidentIntake;
import java.nio.file.Path;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The {@code response} section: rapid response inside {@code serve}.
 *
 * <pre>
 * response:
 *   incidents:
 *     intake: true           # take monitor incidents that point at a jailbreak in as reports
 *     interval: 5s           # how often serve looks for new ones
 *     auto_patch: false      # true: patch each new family at once (what passes the gate is deployed);
 *                            # false: a review item asks a person to patch it
 *   gate:
 *     shadow_period: 0s      # live traffic a candidate must see next to the running version before it
 *                            # deploys (0s: none); ended by serve's shadow timer when due
 *     max_shadow_disagreement: 0.01  # the share of live prompts on which the two may disagree
 *     min_shadow_samples: 20 # prompts the period must compare; a quiet one waits up to
 *     shadow_extension: 40m  # this long past the period (default 4 periods), then the candidate is refused
 *   data: ../shared/data     # the training data patches made by serve use (admin API, auto_patch)
 *   embedding_cache: ~/.cache/bulwark/embeddings   # stage-2 window embeddings kept between runs; none: off
 * </pre>
 *
 * @param incidents the intake of monitor incidents
 * @param gate the validation gate's settings (the shadow period's; the offline thresholds are the defaults)
 * @param data the training data folder of patches made inside {@code serve}
 * @param embeddingCache the on-disk embedding cache of classifier patches made inside {@code serve}
 *     (the folder {@code bulwark train --cache} fills by default), or null for none
 */
public record ResponseConfig(IncidentIntake.Settings incidents, ValidationGate.Settings gate, Path data,
    @Nullable Path embeddingCache) {
  /** The embedding cache {@code bulwark train} uses unless told otherwise: {@code ~/.cache/bulwark/embeddings}. */
  public static final Path DEFAULT_EMBEDDING_CACHE =
      Path.of(System.getProperty("user.home"), ".cache", "bulwark", "embeddings");

  /** The section's defaults: intake on every 5 s, no automatic patching, the default embedding cache. */
  public static final ResponseConfig DEFAULTS =
      new ResponseConfig(IncidentIntake.Settings.defaults(), ValidationGate.Settings.defaults(), DataSets.DEFAULT_DIR,
          DEFAULT_EMBEDDING_CACHE);

  public ResponseConfig {
    requireNonNull(incidents, "incidents");
    requireNonNull(gate, "gate");
    requireNonNull(data, "data");
  }

  static ResponseConfig parse(Node n) throws ConfigException {
    n.allow("incidents", "gate", "data", "embedding_cache");
    Node i = n.object("incidents").allow("intake", "interval", "auto_patch");
    Duration interval = i.duration("interval", Duration.ofSeconds(5));
    if (interval.isZero() || interval.isNegative()) {
      throw new ConfigException(i.child("interval"), "must be positive");
    }
    IncidentIntake.Settings defaults = IncidentIntake.Settings.defaults();
    IncidentIntake.Settings settings = new IncidentIntake.Settings(i.bool("intake", true), interval,
        i.bool("auto_patch", false), defaults.batch());
    String data = n.string("data", DataSets.DEFAULT_DIR.toString());
    if (data.isBlank()) {
      throw new ConfigException(n.child("data"), "must be a folder's path");
    }
    String cache = n.string("embedding_cache", DEFAULT_EMBEDDING_CACHE.toString()).strip();
    // YAML reads a bare true/false as a boolean, which would otherwise become a folder of that name.
    if (cache.isEmpty() || cache.equals("true") || cache.equals("false")) {
      throw new ConfigException(n.child("embedding_cache"), "must be a folder's path, or none");
    }
    return new ResponseConfig(settings, gate(n.object("gate")), Path.of(data), cache.equals("none") ? null : home(cache));
  }

  /** {@code response.gate}: the shadow period; unset keys keep {@link ValidationGate.Settings#defaults()}. */
  private static ValidationGate.Settings gate(Node g) throws ConfigException {
    g.allow("shadow_period", "max_shadow_disagreement", "min_shadow_samples", "shadow_extension");
    ValidationGate.Settings d = ValidationGate.Settings.defaults();
    Duration period = g.duration("shadow_period", d.shadowPeriod());
    double disagreement = g.number("max_shadow_disagreement", d.maxShadowDisagreement(), 0, 1);
    int samples = g.integer("min_shadow_samples", d.minShadowSamples(), 1, 1_000_000);
    Duration extension = g.duration("shadow_extension",
        period.multipliedBy(ValidationGate.Settings.EXTENSION_FACTOR));
    if (period.isZero() && g.has("shadow_extension")) {
      // An extension of nothing is a sign the period was meant to be set: refuse rather than guess.
      throw new ConfigException(g.child("shadow_extension"), "needs a shadow_period above 0s");
    }
    return new ValidationGate.Settings(d.minFamilyBlockRate(), d.maxFprRise(), period, disagreement, samples, extension);
  }

  /** {@code ~/...} as the user's home, as a shell would read it (TrainCommand's default is written so). */
  private static Path home(String path) {
    if (path.equals("~")) {
      return Path.of(System.getProperty("user.home"));
    }
    return path.startsWith("~/") ? Path.of(System.getProperty("user.home"), path.substring(2)) : Path.of(path);
  }
}

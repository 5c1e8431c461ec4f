package dev.bulwark.app.config;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.data.DataSets;
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
 *   data: ../shared/data     # the training data patches made by serve use (admin API, auto_patch)
 *   embedding_cache: ~/.cache/bulwark/embeddings   # stage-2 window embeddings kept between runs; none: off
 * </pre>
 *
 * @param incidents the intake of monitor incidents
 * @param data the training data folder of patches made inside {@code serve}
 * @param embeddingCache the on-disk embedding cache of classifier patches made inside {@code serve}
 *     (the folder {@code bulwark train --cache} fills by default), or null for none
 */
public record ResponseConfig(IncidentIntake.Settings incidents, Path data, @Nullable Path embeddingCache) {
  /** The embedding cache {@code bulwark train} uses unless told otherwise: {@code ~/.cache/bulwark/embeddings}. */
  public static final Path DEFAULT_EMBEDDING_CACHE =
      Path.of(System.getProperty("user.home"), ".cache", "bulwark", "embeddings");

  /** The section's defaults: intake on every 5 s, no automatic patching, the default embedding cache. */
  public static final ResponseConfig DEFAULTS =
      new ResponseConfig(IncidentIntake.Settings.defaults(), DataSets.DEFAULT_DIR, DEFAULT_EMBEDDING_CACHE);

  public ResponseConfig {
    requireNonNull(incidents, "incidents");
    requireNonNull(data, "data");
  }

  static ResponseConfig parse(Node n) throws ConfigException {
    n.allow("incidents", "data", "embedding_cache");
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
    return new ResponseConfig(settings, Path.of(data), cache.equals("none") ? null : home(cache));
  }

  /** {@code ~/...} as the user's home, as a shell would read it (TrainCommand's default is written so). */
  private static Path home(String path) {
    if (path.equals("~")) {
      return Path.of(System.getProperty("user.home"));
    }
    return path.startsWith("~/") ? Path.of(System.getProperty("user.home"), path.substring(2)) : Path.of(path);
  }
}

package dev.bulwark.app.config;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.data.DataSets;
import dev.bulwark.response.intake.IncidentIntake;
import java.nio.file.Path;
import java.time.Duration;

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
 * </pre>
 *
 * @param incidents the intake of monitor incidents
 * @param data the training data folder of patches made inside {@code serve}
 */
public record ResponseConfig(IncidentIntake.Settings incidents, Path data) {
  /** The section's defaults: intake on every 5 s, no automatic patching. */
  public static final ResponseConfig DEFAULTS = new ResponseConfig(IncidentIntake.Settings.defaults(), DataSets.DEFAULT_DIR);

  public ResponseConfig {
    requireNonNull(incidents, "incidents");
    requireNonNull(data, "data");
  }

  static ResponseConfig parse(Node n) throws ConfigException {
    n.allow("incidents", "data");
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
    return new ResponseConfig(settings, Path.of(data));
  }
}

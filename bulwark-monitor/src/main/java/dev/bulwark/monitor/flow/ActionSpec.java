package dev.bulwark.monitor.flow;

import static java.util.Objects.requireNonNull;

import dev.bulwark.monitor.analyzer.Severity;
import java.net.URI;
import org.jspecify.annotations.Nullable;

/**
 * A named action of a flowchart.
 *
 * @param name its name in the flowchart; with the event's seq, the key that makes it happen once
 * @param type what it does
 * @param severity for incidents: the severity to open with (null: the run's most severe finding)
 * @param priority for the review queue: {@code low}, {@code normal} or {@code high}
 * @param tier for step-downs: the tier to step down to
 * @param url for webhooks: where to POST
 * @param secretEnv for webhooks: the environment variable holding the bearer token, if any
 */
public record ActionSpec(
    String name,
    ActionType type,
    @Nullable Severity severity,
    String priority,
    @Nullable String tier,
    @Nullable URI url,
    @Nullable String secretEnv) {
  public ActionSpec {
    requireNonNull(name, "name");
    requireNonNull(type, "type");
    requireNonNull(priority, "priority");
  }
}

package dev.bulwark.app.config;

import static java.util.Objects.requireNonNull;

/**
 * A configuration that cannot be used. The message names the field by its path (e.g. {@code
 * upstreams.openai.read_timeout}) and says what is allowed; the process stops with exit code 2.
 */
public final class ConfigException extends Exception {
  private final String path;

  public ConfigException(String path, String problem) {
    super((path.isEmpty() ? "" : path + ": ") + requireNonNull(problem, "problem"));
    this.path = requireNonNull(path, "path");
  }

  public ConfigException(String path, String problem, Throwable cause) {
    super((path.isEmpty() ? "" : path + ": ") + requireNonNull(problem, "problem"), cause);
    this.path = requireNonNull(path, "path");
  }

  /** The offending field's path, empty for the file as a whole. */
  public String path() {
    return path;
  }
}

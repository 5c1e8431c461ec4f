package dev.bulwark.app.cli;

import dev.bulwark.app.config.BulwarkConfig;
import dev.bulwark.app.config.ConfigException;
import dev.bulwark.app.config.ConfigLoader;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** The {@code --config} option, shared by every command that reads the configuration. */
public final class ConfigOption {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "YAML configuration; its sections replace the embedded defaults' (default: embedded defaults only)")
  @Nullable Path file;

  /** Loads the configuration; bad configuration stops the command with exit code 2. */
  BulwarkConfig load() throws ConfigException {
    return new ConfigLoader(System.getenv()).load(file);
  }
}

package dev.bulwark.app.cli;

import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.model.Encoder;
import java.io.IOException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** {@code --model} and {@code --digest}: which classifier bundle a command loads. */
public final class ModelOption {
  @Option(
      names = "--model",
      paramLabel = "PATH",
      defaultValue = "builtin",
      description = "A model archive (.bwma) from 'bulwark train', or 'builtin' for the model in the jar (default: ${DEFAULT-VALUE})")
  String model = "builtin";

  @Option(
      names = "--digest",
      paramLabel = "SHA256",
      description = "The archive's expected digest, sha256:<hex>; a file that does not match is refused")
  @Nullable String digest;

  /** Loads and verifies the bundle; a tampered or missing file fails with a message, never a trace. */
  ClassifierBundle load() throws IOException {
    if (model.equals("builtin")) {
      return ClassifierBundle.builtIn(Encoder::minilm);
    }
    return ClassifierBundle.load(Path.of(model), digest, Encoder::minilm);
  }
}

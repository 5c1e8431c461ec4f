package dev.bulwark.response.patch;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.model.ModelArchive;
import dev.bulwark.classify.model.ModelIntegrityException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * A classifier bundle together with the archive it was read from: a patch reads the models it keeps
 * (the completion model, stage 2) from the archive and writes a new bundle around a new prompt model.
 */
public record BaseClassifier(ModelArchive archive, ClassifierBundle bundle) {
  public BaseClassifier {
    requireNonNull(archive, "archive");
    requireNonNull(bundle, "bundle");
  }

  /** Reads and verifies a bundle's bytes. */
  public static BaseClassifier of(byte[] bytes, Supplier<Encoder> encoder) {
    ModelArchive a = ModelArchive.read(bytes, null);
    return new BaseClassifier(a, ClassifierBundle.read(a, encoder));
  }

  /** The model that ships in the jar, checked against its shipped digest. */
  public static BaseClassifier builtIn(Supplier<Encoder> encoder) {
    try (InputStream model = ClassifierBundle.class.getResourceAsStream(ClassifierBundle.BUILT_IN);
        InputStream digest = ClassifierBundle.class.getResourceAsStream(ClassifierBundle.BUILT_IN + ".sha256")) {
      if (model == null || digest == null) {
        throw new ModelIntegrityException("the built-in model is missing from the classpath");
      }
      ModelArchive a = ModelArchive.read(model, new String(digest.readAllBytes(), StandardCharsets.US_ASCII).trim());
      return new BaseClassifier(a, ClassifierBundle.read(a, encoder));
    } catch (IOException e) {
      throw new ModelIntegrityException("cannot read the built-in model: " + e.getMessage(), e);
    }
  }
}

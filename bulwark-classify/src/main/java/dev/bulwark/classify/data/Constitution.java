package dev.bulwark.classify.data;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The constitution: what each category disallows and allows, in prose, and the vocabulary the
 * synthetic generator composes training requests from. Immutable.
 *
 * <p>The built-in one is {@value #BUILT_IN_RESOURCE}. Its {@link #digest()} is the SHA-256 of the
 * file's exact bytes, so models trained on it can name precisely which text defined their labels.
 */
public final class Constitution {
  /** The class-path resource of the built-in constitution. */
  public static final String BUILT_IN_RESOURCE = "/dev/bulwark/classify/constitution/constitution-v1.yaml";

  private final String version;
  private final String summary;
  private final String digest;
  private final Map<Category, CategoryPolicy> policies;
  private final Vocabulary vocabulary;

  Constitution(String version, String summary, String digest, Map<Category, CategoryPolicy> policies, Vocabulary vocabulary) {
    this.version = requireNonNull(version, "version");
    this.summary = requireNonNull(summary, "summary");
    this.digest = requireNonNull(digest, "digest");
    this.policies = Collections.unmodifiableMap(new EnumMap<>(policies));
    this.vocabulary = requireNonNull(vocabulary, "vocabulary");
  }

  /**
   * Reads and validates a constitution (the stream is read to its end, not closed).
   *
   * @throws ConstitutionException when the file is not valid, naming the field
   * @throws IOException when the stream cannot be read
   */
  public static Constitution load(InputStream in) throws IOException {
    return load(in.readAllBytes());
  }

  /**
   * Parses and validates a constitution from its bytes.
   *
   * @throws ConstitutionException when the file is not valid, naming the field
   */
  public static Constitution load(byte[] bytes) {
    return ConstitutionParser.parse(bytes);
  }

  /** The constitution shipped with Bulwark ({@value #BUILT_IN_RESOURCE}). */
  public static Constitution builtIn() {
    return BuiltIn.INSTANCE;
  }

  /** The file's {@code version}. */
  public String version() {
    return version;
  }

  /** The file's summary paragraph. */
  public String summary() {
    return summary;
  }

  /** {@code sha256:<hex>} of the file's exact bytes. */
  public String digest() {
    return digest;
  }

  /** The policies of all categories, in {@link Category#ALL} order. */
  public List<CategoryPolicy> categories() {
    return List.copyOf(policies.values());
  }

  /** One category's policy. */
  public CategoryPolicy policy(Category category) {
    return requireNonNull(policies.get(category), "every category has a policy");
  }

  /** The generator's vocabulary. */
  public Vocabulary vocabulary() {
    return vocabulary;
  }

  @Override
  public String toString() {
    return "Constitution{version=" + version + ", digest=" + digest + "}";
  }

  // Loaded on first use and never changed: an immutable constant, not shared mutable state.
  private static final class BuiltIn {
    static final Constitution INSTANCE = loadBuiltIn();

    private static Constitution loadBuiltIn() {
      try (InputStream in = Constitution.class.getResourceAsStream(BUILT_IN_RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("missing class-path resource " + BUILT_IN_RESOURCE);
        }
        return load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + BUILT_IN_RESOURCE, e);
      }
    }
  }
}

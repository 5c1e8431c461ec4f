package dev.bulwark.response.registry;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.exemplar.ExemplarIndex;
import dev.bulwark.classify.model.Encoder;
import dev.bulwark.classify.phrase.PhraseRule;
import dev.bulwark.response.patch.PromptPatch;
import dev.bulwark.response.patch.Signatures;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Reads releases' artifacts from the registry, verifying each, and keeps the parsed artifacts of the
 * last few ids (a bundle is megabytes; releases share most of their artifacts). Thread-safe.
 */
public final class ReleaseLoader {
  private static final int CACHED = 16;

  private final Registry registry;
  private final Supplier<Encoder> encoder;
  private final String encoderId;
  private final Map<String, Object> cache = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
      return size() > CACHED;
    }
  };

  /**
   * @param encoder supplies the stage-2 encoder for classifier bundles that have a stage 2
   * @param encoderId the encoder id of the empty exemplar index a release without exemplars gets
   */
  public ReleaseLoader(Registry registry, Supplier<Encoder> encoder, String encoderId) {
    this.registry = requireNonNull(registry, "registry");
    this.encoder = requireNonNull(encoder, "encoder");
    this.encoderId = requireNonNull(encoderId, "encoderId");
  }

  public Registry registry() {
    return registry;
  }

  /** Loads a release by id; {@code null} or {@link Release#BASE} is the base. */
  public LoadedRelease load(@Nullable String releaseId) {
    if (releaseId == null || releaseId.equals(Release.BASE)) {
      return new LoadedRelease(Release.BASE, null, ExemplarIndex.empty("none", encoderId), List.of(), List.of());
    }
    return load(registry.requireRelease(releaseId));
  }

  /** Loads a release. */
  public LoadedRelease load(Release release) {
    Release.Spec s = release.spec();
    ClassifierBundle classifier = s.classifier() == null ? null
        : get(s.classifier(), () -> ClassifierBundle.read(registry.archive(s.classifier()), encoder), ClassifierBundle.class);
    ExemplarIndex exemplars = s.exemplars() == null ? ExemplarIndex.empty("none", encoderId)
        : get(s.exemplars(), () -> ExemplarIndex.read(registry.archive(s.exemplars())), ExemplarIndex.class);
    List<PhraseRule> rules = s.signatures() == null ? List.of()
        : get(s.signatures(), () -> List.copyOf(Signatures.read(registry.archive(s.signatures()))), List.class);
    List<PromptPatch> patches = s.promptPatches() == null ? List.of()
        : get(s.promptPatches(), () -> List.copyOf(PromptPatch.read(registry.archive(s.promptPatches()))), List.class);
    return new LoadedRelease(release.id(), classifier, exemplars, rules, patches);
  }

  private <T> T get(String artifactId, Supplier<T> read, Class<?> type) {
    Object hit;
    synchronized (cache) {
      hit = cache.get(artifactId);
    }
    if (type.isInstance(hit)) {
      @SuppressWarnings("unchecked")
      T t = (T) hit;
      return t;
    }
    T value = read.get();
    synchronized (cache) {
      cache.put(artifactId, value);
    }
    return value;
  }
}

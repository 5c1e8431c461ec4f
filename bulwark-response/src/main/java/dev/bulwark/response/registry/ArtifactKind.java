package dev.bulwark.response.registry;

import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.exemplar.ExemplarIndex;
import dev.bulwark.response.patch.PromptPatch;
import dev.bulwark.response.patch.Signatures;
import java.util.Optional;

/** What an artifact holds, and the archive kind its bytes must carry. */
public enum ArtifactKind {
  CLASSIFIER("classifier", ClassifierBundle.KIND),
  EXEMPLARS("exemplars", ExemplarIndex.KIND),
  PROMPT_PATCHES("prompt-patches", PromptPatch.KIND),
  SIGNATURES("signatures", Signatures.KIND);

  private final String id;
  private final String archiveKind;

  ArtifactKind(String id, String archiveKind) {
    this.id = id;
    this.archiveKind = archiveKind;
  }

  public String id() {
    return id;
  }

  /** The {@link dev.bulwark.classify.model.ModelArchive#kind()} its archives have. */
  public String archiveKind() {
    return archiveKind;
  }

  public static Optional<ArtifactKind> parse(String s) {
    for (ArtifactKind k : values()) {
      if (k.id.equals(s)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}

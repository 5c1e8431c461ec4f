package dev.bulwark.response.registry;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.cascade.ClassifierBundle;
import dev.bulwark.classify.exemplar.ExemplarIndex;
import dev.bulwark.classify.phrase.PhraseRule;
import dev.bulwark.response.patch.PromptPatch;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A release with its artifacts read and verified, ready to compose into a pipeline.
 *
 * @param name the release id, or {@link Release#BASE}
 * @param classifier the patched classifier, or null to keep the configured one
 * @param exemplars the exemplar index (empty for none)
 * @param signatures the signature rules (empty for none)
 * @param promptPatches the prompt patches (empty for none)
 */
public record LoadedRelease(
    String name,
    @Nullable ClassifierBundle classifier,
    ExemplarIndex exemplars,
    List<PhraseRule> signatures,
    List<PromptPatch> promptPatches) {
  public LoadedRelease {
    requireNonNull(name, "name");
    requireNonNull(exemplars, "exemplars");
    signatures = List.copyOf(signatures);
    promptPatches = List.copyOf(promptPatches);
  }
}

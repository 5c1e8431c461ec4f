package dev.bulwark.classify.data;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One data file as {@link DataSets} read it.
 *
 * @param name the file name, which is also its examples' source
 * @param digest {@code sha256:<hex>} of the file's bytes, for provenance
 * @param examples its examples, targets mapped
 * @param templates its jailbreak templates (rows labelled {@code jailbreak}), which are not examples
 * @param errors its malformed lines, which were skipped
 * @param excluded how many harmful rows were relabelled {@code red_team_attempt} because their area
 *     is not misuse (see {@link DataSets#NOT_MISUSE_CATEGORIES})
 */
public record DataFile(
    String name,
    String digest,
    List<Example> examples,
    List<JailbreakTemplate> templates,
    List<LineError> errors,
    int excluded) {

  public DataFile {
    requireNonNull(name, "name");
    requireNonNull(digest, "digest");
    examples = List.copyOf(examples);
    templates = List.copyOf(templates);
    errors = List.copyOf(errors);
  }
}

package dev.bulwark.response.registry;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A release: what a gateway runs besides its configured stages. Complete rather than a diff: each
 * artifact slot names the artifact in force, or is null for the configured base (no classifier
 * patch, no exemplars, no signatures, no prompt patch).
 *
 * @param id {@code rel-NNNN}
 * @param parentId the release it was derived from, or null for one derived from the base
 * @param familyId the family it answers, or null
 * @param note why it was made
 */
public record Release(
    String id,
    @Nullable String parentId,
    @Nullable String familyId,
    Instant createdAt,
    Status status,
    Spec spec,
    String note) {
  /** The id that stands for the configured base in commands and records. */
  public static final String BASE = "base";

  public Release {
    requireNonNull(id, "id");
    requireNonNull(createdAt, "createdAt");
    requireNonNull(status, "status");
    requireNonNull(spec, "spec");
    requireNonNull(note, "note");
  }

  /** The artifacts of a release; null slots are the base's. */
  public record Spec(
      @Nullable String classifier,
      @Nullable String exemplars,
      @Nullable String signatures,
      @Nullable String promptPatches) {
    /** The base: nothing added. */
    public static final Spec EMPTY = new Spec(null, null, null, null);

    public Spec withClassifier(@Nullable String id) {
      return new Spec(id, exemplars, signatures, promptPatches);
    }

    public Spec withExemplars(@Nullable String id) {
      return new Spec(classifier, id, signatures, promptPatches);
    }

    public Spec withSignatures(@Nullable String id) {
      return new Spec(classifier, exemplars, id, promptPatches);
    }

    public Spec withPromptPatches(@Nullable String id) {
      return new Spec(classifier, exemplars, signatures, id);
    }
  }

  /** Where a release stands. */
  public enum Status {
    CANDIDATE, REFUSED, SHADOW, CANARY, ACTIVE, RETIRED;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Status parse(String s) {
      return valueOf(s.toUpperCase(Locale.ROOT));
    }
  }
}

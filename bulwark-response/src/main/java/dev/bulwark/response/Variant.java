package dev.bulwark.response;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One proliferated variant of a family's attack.
 *
 * @param id {@code <family>-vNNNN}
 * @param familyId the family
 * @param role an attack, or a benign-payload twin (a hard negative)
 * @param exchange the variant
 * @param transform how it was made, e.g. {@code swap+rot13+persona}
 * @param payloadId the pool request it carries, or null when the payload could not be separated
 * @param targets the categories it is positive for (empty for a benign twin)
 * @param heldBack whether it is kept out of every patch, for the gate
 */
public record Variant(
    String id,
    String familyId,
    Role role,
    Exchange exchange,
    String transform,
    @Nullable String payloadId,
    Set<Category> targets,
    boolean heldBack) {
  public Variant {
    requireNonNull(id, "id");
    requireNonNull(familyId, "familyId");
    requireNonNull(role, "role");
    requireNonNull(exchange, "exchange");
    requireNonNull(transform, "transform");
    targets = Set.copyOf(targets);
    if (role == Role.ATTACK && targets.isEmpty()) {
      throw new IllegalArgumentException("attack variant " + id + " has no targets");
    }
  }

  /** What a variant is for. */
  public enum Role {
    ATTACK,
    TWIN;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}

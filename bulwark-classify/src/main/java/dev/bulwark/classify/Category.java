package dev.bulwark.classify;

import java.util.List;
import java.util.Optional;

/**
 * The constitution's categories, in a fixed order that model files rely on. A category's {@link #id()}
 * is what verdicts, thresholds and events use.
 */
public enum Category {
  CBRN_BIOLOGICAL("cbrn.biological"),
  CBRN_CHEMICAL("cbrn.chemical"),
  CBRN_RADIOLOGICAL("cbrn.radiological"),
  CBRN_NUCLEAR("cbrn.nuclear"),
  JAILBREAK("jailbreak"),
  HARMFUL_OTHER("harmful.other");

  /** All categories, in model order. */
  public static final List<Category> ALL = List.of(values());

  private final String id;

  Category(String id) {
    this.id = id;
  }

  /** The category's id, e.g. {@code cbrn.biological}. */
  public String id() {
    return id;
  }

  /** Whether this is one of the four CBRN categories. */
  public boolean cbrn() {
    return id.startsWith("cbrn.");
  }

  /** The category with this id. */
  public static Optional<Category> byId(String id) {
    for (Category c : values()) {
      if (c.id.equals(id)) {
        return Optional.of(c);
      }
    }
    return Optional.empty();
  }
}

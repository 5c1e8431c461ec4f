package dev.bulwark.classify.data;

import static java.util.Objects.requireNonNull;

/** A constitution file that cannot be used: the message names the offending field. */
public final class ConstitutionException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String field;

  /**
   * @param field the field's path, e.g. {@code categories.cbrn.chemical.vocabulary.targets[2].name}
   * @param problem what is wrong with it
   */
  public ConstitutionException(String field, String problem) {
    super("constitution field '" + requireNonNull(field, "field") + "': " + requireNonNull(problem, "problem"));
    this.field = field;
  }

  /** The path of the offending field ({@code <root>} for the document itself). */
  public String field() {
    return field;
  }
}

package dev.bulwark.store.diligence;

import static java.util.Objects.requireNonNull;

import dev.bulwark.store.internal.Checks;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What an adjustment covers: which models and which harm categories. Each list names at least one
 * entry; {@value #ALL} alone means "all", written out so that nobody grants everything by leaving a
 * field empty.
 *
 * @param models client-facing model names, or {@value #ALL}
 * @param categories category ids, or {@value #ALL}
 */
public record Scope(Set<String> models, Set<String> categories) {
  // Before EVERYTHING: static fields initialize in order, and its constructor uses them.
  private static final Pattern MODEL = Pattern.compile("\\*|[A-Za-z0-9][A-Za-z0-9._:/@+-]{0,127}");
  private static final Pattern CATEGORY = Pattern.compile("\\*|[a-z0-9][a-z0-9_.-]{0,63}");

  /** Matches every model, or every category. */
  public static final String ALL = "*";
  /** Every model and every category. */
  public static final Scope EVERYTHING = new Scope(Set.of(ALL), Set.of(ALL));

  public Scope {
    requireNonNull(models, "models");
    requireNonNull(categories, "categories");
    models = check("scope.models", models, MODEL);
    categories = check("scope.categories", categories, CATEGORY);
  }

  /** A scope from lists, as the API and the CLI give it. */
  public static Scope of(List<String> models, List<String> categories) {
    return new Scope(Set.copyOf(models), Set.copyOf(categories));
  }

  /**
   * Whether requests for {@code model} are covered. An unknown model (null: the request's body has
   * not been read yet) is covered only by {@value #ALL}: when in doubt, no adjustment.
   */
  public boolean coversModel(@Nullable String model) {
    return models.contains(ALL) || (model != null && models.contains(model));
  }

  /** Whether {@code category} is covered. */
  public boolean coversCategory(String category) {
    return categories.contains(ALL) || categories.contains(category);
  }

  private static Set<String> check(String field, Set<String> items, Pattern shape) {
    if (items.isEmpty()) {
      throw new IllegalArgumentException(field + ": name at least one, or '" + ALL + "' for all");
    }
    for (String item : items) {
      requireNonNull(item, field);
      Checks.matches(field, item, shape);
    }
    if (items.contains(ALL) && items.size() > 1) {
      throw new IllegalArgumentException(field + ": '" + ALL + "' already means all; list nothing else");
    }
    return Ids.sorted(items);
  }
}

package dev.bulwark.classify.canon;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A text and every view of it worth scoring, as {@link Canonicalizer} makes it. The first view is always
 * {@link View#RAW}; the {@link View#NORMALIZED} view, when present, is second; views with the same text
 * as an earlier one are dropped — the normalized view too, when normalizing changed nothing.
 */
public record CanonicalText(String original, List<View> views) {
  public CanonicalText {
    requireNonNull(original, "original");
    views = List.copyOf(views);
    if (views.isEmpty() || !views.get(0).name().equals(View.RAW)) {
      throw new IllegalArgumentException("the first view must be the raw text");
    }
  }

  /**
   * The normalized view if there is one, else the raw one. For a {@code CanonicalText} made by {@link
   * Canonicalizer}, its text is always the normalized text: the normalized view is missing only when it
   * equals the raw text.
   */
  public View primary() {
    for (View v : views) {
      if (v.name().equals(View.NORMALIZED)) {
        return v;
      }
    }
    return views.get(0);
  }
}

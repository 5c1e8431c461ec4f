package dev.bulwark.classify.model;

import static java.util.Objects.requireNonNull;

import dev.bulwark.classify.Category;
import java.util.List;
import java.util.Set;

/**
 * One training example for the stage-2 head: the embeddings of a text's windows and the categories the
 * text is positive for. The head is trained as it scores: a category's logit for the text is the
 * largest over its windows, so a long text labelled positive teaches the window that looks most
 * positive, not every window.
 *
 * @param group the split key: examples of one group land on the same side of the held-out split
 * @param windows one embedding per window, at least one, all of one length (the arrays are not copied:
 *     do not change them)
 * @param targets the categories the text is positive for; empty for a benign text
 */
public record Stage2Example(String group, List<float[]> windows, Set<Category> targets) {
  public Stage2Example {
    requireNonNull(group, "group");
    windows = List.copyOf(windows);
    targets = Set.copyOf(targets);
    if (windows.isEmpty()) {
      throw new IllegalArgumentException("example of group " + group + " has no windows");
    }
    int dims = windows.get(0).length;
    for (float[] w : windows) {
      if (w.length != dims || dims == 0) {
        throw new IllegalArgumentException("example of group " + group + " has windows of different or zero lengths");
      }
    }
  }
}

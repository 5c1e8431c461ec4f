package dev.bulwark.classify.data;

import java.util.List;

/**
 * What derived kinds are made from: prompts (data rows and base synthetic examples; only
 * single-turn harmful and benign prompts are used as payloads) and jailbreak templates.
 */
public record Pool(List<Example> examples, List<JailbreakTemplate> templates) {
  public Pool {
    examples = List.copyOf(examples);
    templates = List.copyOf(templates);
  }

  /** An empty pool. */
  public static Pool empty() {
    return new Pool(List.of(), List.of());
  }
}

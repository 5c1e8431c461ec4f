package dev.bulwark.monitor.analyzer;

import dev.bulwark.monitor.internal.BuiltIns;

/** The analyzers that ship with the monitor. */
public final class BuiltInAnalyzers {
  private BuiltInAnalyzers() {}

  /**
   * A registry builder holding the built-in analyzers, made from {@code env}:
   *
   * <ul>
   *   <li>{@code exchange_classifier}: the classifier cascade, stage 1 or stage 2;
   *   <li>{@code rules}: refusal streaks, rephrasing of refused requests, patterns;
   *   <li>{@code conversation}: a request split over turns or exchanges;
   *   <li>{@code exemplar_similarity}: nearest known jailbreaks and harmful requests;
   *   <li>{@code llm_judge}: a model judging against the constitution (available when configured).
   * </ul>
   *
   * Register more on the returned builder before building it.
   */
  public static AnalyzerRegistry.Builder registry(AnalyzerEnvironment env) {
    return BuiltIns.register(AnalyzerRegistry.builder(), env);
  }
}

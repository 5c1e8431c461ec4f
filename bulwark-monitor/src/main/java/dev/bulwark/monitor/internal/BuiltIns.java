package dev.bulwark.monitor.internal;

import dev.bulwark.monitor.analyzer.AnalyzerEnvironment;
import dev.bulwark.monitor.analyzer.AnalyzerRegistry;
import java.util.function.Supplier;

/** Registers the built-in analyzers (see {@code BuiltInAnalyzers}). */
public final class BuiltIns {
  private BuiltIns() {}

  public static AnalyzerRegistry.Builder register(AnalyzerRegistry.Builder b, AnalyzerEnvironment env) {
    Supplier<Classifiers> classifiers = ClassifierAnalyzer.classifiers(env);
    return b.register(ClassifierAnalyzer.factory(classifiers, env.releaseClassifier()))
        .register(RulesAnalyzer.factory(env))
        .register(ConversationAnalyzer.factory(classifiers))
        .register(ExemplarAnalyzer.factory(env))
        .register(JudgeAnalyzer.factory(env));
  }
}

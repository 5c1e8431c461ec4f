package dev.bulwark.monitor.analyzer;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The analyzers a flowchart may name, by name. Immutable. Built-in analyzers come from {@code
 * dev.bulwark.monitor.internal.BuiltInAnalyzers}; others are registered explicitly or found by
 * {@link Builder#loadServices(ClassLoader)} through {@link ServiceLoader} (an {@link AnalyzerFactory}
 * listed in {@code META-INF/services}), never by a class name read from a flowchart.
 */
public final class AnalyzerRegistry {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  private final Map<String, AnalyzerFactory> factories;

  private AnalyzerRegistry(Map<String, AnalyzerFactory> factories) {
    this.factories = Collections.unmodifiableMap(new LinkedHashMap<>(factories));
  }

  public static Builder builder() {
    return new Builder();
  }

  public Optional<AnalyzerFactory> get(String name) {
    return Optional.ofNullable(factories.get(name));
  }

  /** Every registered name, sorted. */
  public Set<String> names() {
    return new TreeSet<>(factories.keySet());
  }

  @Override
  public String toString() {
    return "AnalyzerRegistry" + names();
  }

  /** Builds an {@link AnalyzerRegistry}; a name registered twice is an error. */
  public static final class Builder {
    private final Map<String, AnalyzerFactory> factories = new LinkedHashMap<>();

    private Builder() {}

    public Builder register(AnalyzerFactory factory) {
      requireNonNull(factory, "factory");
      String name = factory.name();
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("analyzer name must match " + NAME + ", was '" + name + "'");
      }
      if (factories.putIfAbsent(name, factory) != null) {
        throw new IllegalArgumentException("analyzer '" + name + "' is already registered");
      }
      return this;
    }

    /** Registers every {@link AnalyzerFactory} that {@code loader}'s service files list. */
    public Builder loadServices(ClassLoader loader) {
      for (AnalyzerFactory f : ServiceLoader.load(AnalyzerFactory.class, loader)) {
        register(f);
      }
      return this;
    }

    public AnalyzerRegistry build() {
      return new AnalyzerRegistry(factories);
    }
  }
}

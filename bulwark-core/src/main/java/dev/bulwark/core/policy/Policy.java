package dev.bulwark.core.policy;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A tier's safeguard rules: how each stage runs, what is retained, and the per-key limits.
 * Immutable; build one with {@link #builder(String)}.
 */
public final class Policy {
  private final String name;
  private final int version;
  private final StagePolicy defaultStage;
  private final Map<String, StagePolicy> stages;
  private final Retention retention;
  private final RateLimits limits;

  private Policy(Builder b) {
    this.name = b.name;
    this.version = b.version;
    this.defaultStage = b.defaultStage;
    this.stages = Map.copyOf(b.stages);
    this.retention = b.retention;
    this.limits = b.limits;
  }

  /** A builder for a policy called {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** A builder pre-filled with this policy's settings. */
  public Builder toBuilder() {
    Builder b = new Builder(name);
    b.version = version;
    b.defaultStage = defaultStage;
    b.stages.putAll(stages);
    b.retention = retention;
    b.limits = limits;
    return b;
  }

  public String name() {
    return name;
  }

  /** Increases whenever an operator changes the policy; recorded on every decision. */
  public int version() {
    return version;
  }

  /** How the named stage runs under this policy (its own setting, else the policy's default). */
  public StagePolicy stage(String stageName) {
    return stages.getOrDefault(stageName, defaultStage);
  }

  /** Stage settings given explicitly, by stage name. */
  public Map<String, StagePolicy> stageOverrides() {
    return stages;
  }

  public StagePolicy defaultStage() {
    return defaultStage;
  }

  public Retention retention() {
    return retention;
  }

  public RateLimits limits() {
    return limits;
  }

  @Override
  public String toString() {
    return "Policy{" + name + " v" + version + "}";
  }

  /** Builds a {@link Policy}; every setter validates its argument. */
  public static final class Builder {
    private final String name;
    private int version = 1;
    private StagePolicy defaultStage = StagePolicy.DEFAULT;
    private final Map<String, StagePolicy> stages = new LinkedHashMap<>();
    private Retention retention = Retention.HASHES;
    private RateLimits limits = RateLimits.UNLIMITED;

    private Builder(String name) {
      requireNonNull(name, "name");
      if (!name.matches("[a-z0-9][a-z0-9_.-]{0,63}")) {
        throw new IllegalArgumentException(
            "policy name must be 1-64 of [a-z0-9_.-] starting with a letter or digit, was '"
                + name + "'");
      }
      this.name = name;
    }

    public Builder version(int version) {
      if (version < 1) {
        throw new IllegalArgumentException("version must be >= 1, was " + version);
      }
      this.version = version;
      return this;
    }

    public Builder defaultStage(StagePolicy stagePolicy) {
      this.defaultStage = requireNonNull(stagePolicy, "stagePolicy");
      return this;
    }

    public Builder stage(String stageName, StagePolicy stagePolicy) {
      requireNonNull(stageName, "stageName");
      requireNonNull(stagePolicy, "stagePolicy");
      @Nullable StagePolicy previous = stages.putIfAbsent(stageName, stagePolicy);
      if (previous != null) {
        throw new IllegalStateException("stage " + stageName + " was already set to " + previous);
      }
      return this;
    }

    public Builder retention(Retention retention) {
      this.retention = requireNonNull(retention, "retention");
      return this;
    }

    public Builder limits(RateLimits limits) {
      this.limits = requireNonNull(limits, "limits");
      return this;
    }

    public Policy build() {
      return new Policy(this);
    }
  }
}

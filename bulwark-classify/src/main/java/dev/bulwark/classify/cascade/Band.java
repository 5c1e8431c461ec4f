package dev.bulwark.classify.cascade;

/**
 * Stage 1's uncertainty band: a text whose highest stage-1 probability is in {@code [low, high)}
 * goes on to stage 2; below it stage 1 allows, at or above it stage 1 decides alone.
 */
public record Band(double low, double high) {
  /** Escalates nothing: stage 1 decides everything. */
  public static final Band NONE = new Band(1.0, 1.0);

  public Band {
    if (!(low >= 0.0 && low <= 1.0) || !(high >= 0.0 && high <= 1.0)) {
      throw new IllegalArgumentException("band bounds must be in [0, 1], were " + low + ", " + high);
    }
    if (low > high) {
      throw new IllegalArgumentException("band low " + low + " exceeds high " + high);
    }
  }

  /** Whether a stage-1 score escalates. */
  public boolean escalates(double stage1Max) {
    return stage1Max >= low && stage1Max < high;
  }
}

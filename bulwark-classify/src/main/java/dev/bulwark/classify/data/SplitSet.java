package dev.bulwark.classify.data;

import java.util.List;

/** Examples split three ways, each list in input order. */
public record SplitSet(List<Example> train, List<Example> calibration, List<Example> dev) {
  public SplitSet {
    train = List.copyOf(train);
    calibration = List.copyOf(calibration);
    dev = List.copyOf(dev);
  }

  /** One split's examples. */
  public List<Example> get(Split split) {
    return switch (split) {
      case TRAIN -> train;
      case CALIBRATION -> calibration;
      case DEV -> dev;
    };
  }

  /** The number of examples in all three. */
  public int size() {
    return train.size() + calibration.size() + dev.size();
  }
}

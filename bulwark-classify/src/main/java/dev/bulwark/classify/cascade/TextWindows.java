package dev.bulwark.classify.cascade;

/**
 * Stage 1's character windows: {@code size} characters every {@code size / 2}, so that any passage of
 * up to half a window lies whole inside one window. Stage 1 divides its feature sum by the square root
 * of the feature count, so a harmful sentence inside a long benign text would be diluted if the text
 * were scored whole; scored per window, it counts against at most one window's worth of other text.
 * The streaming form keeps the same windows, so the two agree exactly.
 */
record TextWindows(int size) {
  TextWindows {
    if (size < 16 || size % 2 != 0) {
      throw new IllegalArgumentException("window size must be even and at least 16, was " + size);
    }
  }

  int stride() {
    return size / 2;
  }

  /** The number of windows over a text of {@code length} characters (at least one). */
  int count(int length) {
    if (length <= size) {
      return 1;
    }
    // Windows start at 0, stride, 2*stride... while the previous window did not reach the end.
    return 1 + (length - size + stride() - 1) / stride();
  }

  int start(int index) {
    return index * stride();
  }

  int end(int index, int length) {
    return Math.min(length, index * stride() + size);
  }
}

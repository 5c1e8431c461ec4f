package dev.bulwark.classify.data;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Finds the shared data folder for tests that read it, or skips them when it is absent. */
final class SharedData {
  private SharedData() {}

  /** {@code ../shared/data} from the repository root or from a module folder. */
  static Path dir() {
    for (Path p : List.of(DataSets.DEFAULT_DIR, Path.of("..", "..", "shared", "data"))) {
      if (Files.isRegularFile(p.resolve("README.md"))) {
        return p;
      }
    }
    assumeTrue(false, "shared data folder not found; skipping");
    throw new AssertionError("unreachable");
  }

  /** A file of the shared folder, or a skip when it is absent. */
  static Path file(String name) {
    Path p = dir().resolve(name);
    assumeTrue(Files.isRegularFile(p), name + " not found; skipping");
    return p;
  }
}

package dev.bulwark.app.cli;

import dev.bulwark.classify.model.ProgressListener;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on the error stream: redrawn in place on a terminal-like stream, a line per
 * stage and per tenth otherwise, so that logs stay readable.
 */
final class ProgressBar implements ProgressListener {
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final boolean inPlace;
  private String stage = "";
  private long lastPercent = -1;
  private long startNanos = System.nanoTime();

  ProgressBar(PrintWriter err, boolean inPlace) {
    this.err = err;
    this.inPlace = inPlace;
  }

  @Override
  public synchronized void progress(String stage, long done, long total) {
    if (!stage.equals(this.stage)) {
      if (inPlace && !this.stage.isEmpty()) {
        err.println();
      }
      this.stage = stage;
      this.lastPercent = -1;
      this.startNanos = System.nanoTime();
    }
    long percent = total <= 0 ? 100 : Math.min(100, done * 100 / total);
    boolean draw = inPlace ? percent != lastPercent : percent / 10 != lastPercent / 10 || percent == 100 && lastPercent != 100;
    if (!draw) {
      return;
    }
    lastPercent = percent;
    int filled = (int) (percent * WIDTH / 100);
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    String line = String.format(Locale.ROOT, "%-28s [%s%s] %3d%% %d/%d %.0fs",
        stage, "#".repeat(filled), "-".repeat(WIDTH - filled), percent, done, total, seconds);
    if (inPlace) {
      err.print("\r" + line);
    } else {
      err.println(line);
    }
    err.flush();
  }

  /** Ends the last line. */
  synchronized void done() {
    if (inPlace && !stage.isEmpty()) {
      err.println();
      err.flush();
    }
  }
}

package dev.bulwark.app.cli;

import dev.bulwark.app.BulwarkServer;
import java.io.PrintWriter;

/** Lets tests print the start-up banner of a server they started. */
public final class BannerAccess {
  private BannerAccess() {}

  public static void print(PrintWriter out, BulwarkServer server) {
    Banner.print(out, server);
    out.flush();
  }
}

package dev.bulwark.app.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The version from the build, as {@code bulwark --version} prints it. */
public final class VersionProvider implements CommandLine.IVersionProvider {
  /** The project version written into the jar at build time. */
  public static String version() {
    try (InputStream in = VersionProvider.class.getResourceAsStream("/bulwark-version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {"bulwark " + version(), "Java " + System.getProperty("java.version")};
  }
}

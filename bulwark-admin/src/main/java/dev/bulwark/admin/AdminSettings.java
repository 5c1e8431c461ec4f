package dev.bulwark.admin;

import static java.util.Objects.requireNonNull;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the admin API listens. Immutable.
 *
 * @param host the address to bind; the default keeps the admin plane on the loopback interface
 * @param port the port; 0 picks a free one (see {@link AdminServer#port()})
 */
public record AdminSettings(String host, int port) {
  /** The default listen address. */
  public static final String DEFAULT_LISTEN = "127.0.0.1:8081";

  private static final Pattern LISTEN = Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]+):(\\d{1,5})");

  public AdminSettings {
    requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException("admin.listen: the host must not be blank");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("admin.listen: the port must be in [0, 65535], was " + port);
    }
  }

  /**
   * Parses {@code host:port} ({@code [::1]:8081} for IPv6).
   *
   * @throws IllegalArgumentException naming {@code admin.listen}
   */
  public static AdminSettings parse(String listen) {
    requireNonNull(listen, "listen");
    Matcher m = LISTEN.matcher(listen.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "admin.listen: must be host:port such as 127.0.0.1:8081, was '" + listen + "'");
    }
    String host = m.group(1);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    return new AdminSettings(host, Integer.parseInt(m.group(2)));
  }

  /** The defaults: {@value #DEFAULT_LISTEN}. */
  public static AdminSettings defaults() {
    return parse(DEFAULT_LISTEN);
  }
}

package dev.bulwark.gateway;

import static java.util.Objects.requireNonNull;

/**
 * A client-facing model name and where it goes.
 *
 * @param model the name clients ask for; {@code *} matches any name not routed otherwise
 * @param upstream the upstream's name
 * @param upstreamModel the upstream's name for the model; for {@code *} routes, {@code *} sends the
 *     client's name unchanged
 */
public record Route(String model, String upstream, String upstreamModel) {
  /** The catch-all model name. */
  public static final String ANY = "*";

  public Route {
    requireNonNull(model, "model");
    requireNonNull(upstream, "upstream");
    requireNonNull(upstreamModel, "upstreamModel");
    if (model.isBlank() || upstreamModel.isBlank()) {
      throw new IllegalArgumentException("route model names must not be blank");
    }
    if (ANY.equals(upstreamModel) && !ANY.equals(model)) {
      throw new IllegalArgumentException("upstream_model '*' is only allowed on the '*' route");
    }
  }

  /** The upstream model for a client's model name. */
  public String upstreamModelFor(String clientModel) {
    return ANY.equals(upstreamModel) ? clientModel : upstreamModel;
  }
}

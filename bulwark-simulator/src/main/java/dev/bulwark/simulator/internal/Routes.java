package dev.bulwark.simulator.internal;

/** The paths the simulator serves. */
final class Routes {
  static final String OPENAI = "/v1/chat/completions";
  static final String ANTHROPIC = "/v1/messages";
  static final String MODELS = "/v1/models";
  static final String HEALTH = "/healthz";
  static final String SIM_STATS = "/_sim/stats";
  static final String SIM_REQUESTS = "/_sim/requests";
  static final String SIM_RESET = "/_sim/reset";
  static final String SIM_SCRIPT = "/_sim/script";

  private Routes() {}
}

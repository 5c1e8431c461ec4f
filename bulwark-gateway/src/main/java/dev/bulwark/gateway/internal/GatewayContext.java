package dev.bulwark.gateway.internal;

import static java.util.Objects.requireNonNull;

import dev.bulwark.access.KeyDirectory;
import dev.bulwark.access.PolicyResolver;
import dev.bulwark.access.RateLimiter;
import dev.bulwark.core.Ticker;
import dev.bulwark.gateway.GatewaySettings;
import dev.bulwark.gateway.SafeguardPipeline;
import dev.bulwark.store.EventLog;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every request handler shares. Thread-safe: everything here is immutable or swapped atomically.
 */
public final class GatewayContext {
  final GatewaySettings settings;
  final Map<String, UpstreamClient> upstreams;
  final AtomicReference<SafeguardPipeline> pipeline;
  final KeyDirectory keys;
  final PolicyResolver policies;
  final RateLimiter limiter;
  final EventLog events;
  final GatewayMetrics metrics;
  final Clock clock;
  final Ticker ticker;

  GatewayContext(
      GatewaySettings settings,
      Map<String, UpstreamClient> upstreams,
      SafeguardPipeline pipeline,
      KeyDirectory keys,
      RateLimiter limiter,
      EventLog events,
      GatewayMetrics metrics,
      Clock clock,
      Ticker ticker) {
    this.settings = requireNonNull(settings, "settings");
    this.upstreams = Map.copyOf(upstreams);
    this.pipeline = new AtomicReference<>(requireNonNull(pipeline, "pipeline"));
    this.keys = requireNonNull(keys, "keys");
    this.policies = new PolicyResolver(keys, settings.policies());
    this.limiter = requireNonNull(limiter, "limiter");
    this.events = requireNonNull(events, "events");
    this.metrics = requireNonNull(metrics, "metrics");
    this.clock = requireNonNull(clock, "clock");
    this.ticker = requireNonNull(ticker, "ticker");
  }
}

package dev.bulwark.monitor.analyzer;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The LLM judge's model: an OpenAI-compatible chat completions server (the gateway's upstream kinds:
 * OpenAI, vLLM, Ollama, llama.cpp, or the simulator), and the limits the judge keeps to.
 *
 * @param baseUrl the server's root; {@code /v1/chat/completions} is appended (a trailing {@code /v1}
 *     is dropped first)
 * @param apiKey the bearer token, if the server needs one (never logged)
 * @param model the model to ask
 * @param timeout the most one attempt may take, response included
 * @param maxOutputTokens the verdict's token budget ({@code max_tokens})
 * @param maxInputTokens the exchange is cut to about this many tokens (4 characters each), keeping its
 *     end
 * @param retries further attempts after a failed one (a timeout, a 429 or 5xx, an unreadable verdict)
 * @param retryBackoff the wait before the first retry, doubling after each
 * @param tokensPerMinute the most tokens (input estimate plus {@code maxOutputTokens}) the judge
 *     spends per minute; 0 for no limit. A call over budget is not made, and the exchange gets a
 *     finding saying so
 * @param headers extra request headers (not credentials)
 */
public record JudgeSettings(
    URI baseUrl,
    @Nullable String apiKey,
    String model,
    Duration timeout,
    int maxOutputTokens,
    int maxInputTokens,
    int retries,
    Duration retryBackoff,
    long tokensPerMinute,
    Map<String, String> headers) {

  public JudgeSettings {
    requireNonNull(baseUrl, "baseUrl");
    requireNonNull(model, "model");
    requireNonNull(timeout, "timeout");
    requireNonNull(retryBackoff, "retryBackoff");
    headers = Map.copyOf(headers);
    String scheme = baseUrl.getScheme();
    if (!("http".equals(scheme) || "https".equals(scheme)) || baseUrl.getHost() == null) {
      throw new IllegalArgumentException("monitor.judge.base_url: must be an http or https URL, was " + baseUrl);
    }
    if (model.isBlank()) {
      throw new IllegalArgumentException("monitor.judge.model: must not be blank");
    }
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException("monitor.judge.timeout: must be positive, was " + timeout);
    }
    if (maxOutputTokens < 16 || maxOutputTokens > 100_000) {
      throw new IllegalArgumentException("monitor.judge.max_tokens: must be between 16 and 100000, was " + maxOutputTokens);
    }
    if (maxInputTokens < 64 || maxInputTokens > 1_000_000) {
      throw new IllegalArgumentException("monitor.judge.max_input_tokens: must be between 64 and 1000000, was " + maxInputTokens);
    }
    if (retries < 0 || retries > 10) {
      throw new IllegalArgumentException("monitor.judge.retries: must be between 0 and 10, was " + retries);
    }
    if (retryBackoff.isNegative()) {
      throw new IllegalArgumentException("monitor.judge.retry_backoff: must not be negative");
    }
    if (tokensPerMinute < 0) {
      throw new IllegalArgumentException("monitor.judge.tokens_per_minute: must be >= 0, was " + tokensPerMinute);
    }
  }

  /** Sensible limits for {@code model} at {@code baseUrl}: 10 s, 256 output tokens, 2 retries. */
  public static JudgeSettings of(URI baseUrl, @Nullable String apiKey, String model) {
    return new JudgeSettings(baseUrl, apiKey, model, Duration.ofSeconds(10), 256, 4_000, 2,
        Duration.ofMillis(200), 0, Map.of());
  }

  @Override
  public String toString() {
    return "JudgeSettings{baseUrl=" + baseUrl + ", apiKey=" + (apiKey == null ? "null" : "<masked>") + ", model="
        + model + ", timeout=" + timeout + ", maxOutputTokens=" + maxOutputTokens + ", maxInputTokens="
        + maxInputTokens + ", retries=" + retries + ", tokensPerMinute=" + tokensPerMinute + "}";
  }
}

/**
 * The gateway: an OpenAI- and Anthropic-compatible HTTP proxy that runs every request through the
 * safeguard pipeline. Build one with {@link dev.bulwark.gateway.Gateway#builder()}.
 *
 * <p>Everything under {@code internal} is implementation and may change without notice.
 */
@NullMarked
package dev.bulwark.gateway;

import org.jspecify.annotations.NullMarked;

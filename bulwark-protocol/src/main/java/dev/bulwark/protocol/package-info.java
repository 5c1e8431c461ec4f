/**
 * The OpenAI Chat Completions and Anthropic Messages wire formats, translated through one canonical
 * model ({@link dev.bulwark.protocol.model}).
 *
 * <p>Every request, response and stream is parsed into the canonical model and encoded from it, so
 * either client protocol can reach either upstream protocol, streaming included, and the safeguard
 * pipeline sees one shape whatever the protocol.
 */
@NullMarked
package dev.bulwark.protocol;

import org.jspecify.annotations.NullMarked;

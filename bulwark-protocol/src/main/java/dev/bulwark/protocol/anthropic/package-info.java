/**
 * The Anthropic Messages wire format ({@code POST /v1/messages}). Start at {@link
 * dev.bulwark.protocol.anthropic.AnthropicCodec}, which documents the mapping to the canonical model.
 */
@NullMarked
package dev.bulwark.protocol.anthropic;

import org.jspecify.annotations.NullMarked;

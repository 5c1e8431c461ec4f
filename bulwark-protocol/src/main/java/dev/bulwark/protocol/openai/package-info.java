/**
 * The OpenAI Chat Completions wire format ({@code POST /v1/chat/completions}) and compatible servers
 * (vLLM, DeepSeek and others that add {@code reasoning_content}). Start at {@link
 * dev.bulwark.protocol.openai.OpenAiCodec}, which documents the mapping to the canonical model.
 */
@NullMarked
package dev.bulwark.protocol.openai;

import org.jspecify.annotations.NullMarked;

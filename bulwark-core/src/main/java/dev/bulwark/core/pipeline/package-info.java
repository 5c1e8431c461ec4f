/**
 * The safeguard pipeline's service-provider interface and its runtime.
 *
 * <p>Three kinds of stage plug in:
 *
 * <ul>
 *   <li>{@link dev.bulwark.core.pipeline.PromptStage}: reads the whole prompt before the model sees it;
 *   <li>{@link dev.bulwark.core.pipeline.StreamingStage}: opens one {@link
 *       dev.bulwark.core.pipeline.StreamSession} per completion and is fed chunk by chunk, on every
 *       channel (text, thinking, tool name, tool arguments) of every choice;
 *   <li>{@link dev.bulwark.core.pipeline.CompletionStage}: reads the finished completion.
 * </ul>
 *
 * <p>Stages return {@link dev.bulwark.core.pipeline.Assessment}s. The runtime ({@link
 * dev.bulwark.core.pipeline.Guard} for whole texts, {@link dev.bulwark.core.pipeline.StreamingGuard}
 * for streams) turns them into {@link dev.bulwark.core.Verdict}s by
 * applying the tier's {@link dev.bulwark.core.policy.Policy}: monitor-only mode, fail-open or
 * fail-closed on errors and timeouts, and latency measurement. Each stage is wrapped as a decorator
 * around the rest of the chain, so any stage can be tested alone and the chain short-circuits at
 * the first stage that stops the exchange.
 */
@NullMarked
package dev.bulwark.core.pipeline;

import org.jspecify.annotations.NullMarked;

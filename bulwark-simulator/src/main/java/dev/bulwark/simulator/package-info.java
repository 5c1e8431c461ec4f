/**
 * A simulated model server that speaks the OpenAI Chat Completions and Anthropic Messages APIs, for
 * trials, load tests and the gateway's own tests.
 *
 * <p>Start one with {@link dev.bulwark.simulator.SimulatedUpstream#start}; by default it listens on
 * an ephemeral port of 127.0.0.1 and echoes the last user message, as fast as it can. A {@link
 * dev.bulwark.simulator.Script} makes it say other things, call tools, think, fail, or misbehave, and
 * {@link dev.bulwark.simulator.SimulatorConfig} paces it. What a command line needs:
 *
 * <pre>{@code
 * SimulatorConfig.Builder b = SimulatorConfig.builder().port(port);
 * if (scriptFile != null) {
 *   b.scriptFile(scriptFile); // throws ScriptException naming the line, entry and field
 * }
 * SimulatorConfig config = b.ttft(Duration.ofMillis(ttftMs)).tokensPerSecond(rate).build();
 * SimulatedUpstream sim = SimulatedUpstream.start(vertx, config).await();
 * System.out.println("simulating at " + sim.baseUrl());
 * }</pre>
 *
 * <p>Everything is generated as the protocol module's canonical {@link
 * dev.bulwark.protocol.model.ChatResponse} or {@link dev.bulwark.protocol.model.StreamEvent}s and
 * written by that protocol's encoder, so the simulator sends exactly what the gateway itself would
 * send a client.
 */
@NullMarked
package dev.bulwark.simulator;

import org.jspecify.annotations.NullMarked;

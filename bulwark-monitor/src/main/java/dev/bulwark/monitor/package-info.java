/**
 * The asynchronous monitor (layer 3): a durable consumer of the gateway's outbox that runs every
 * exchange through a flowchart of analyzers, keeps a decayed risk score per account, and acts on what
 * it finds (flags, incidents, the review queue, step-downs, key suspensions, webhooks), each action
 * exactly once and audited.
 *
 * <p>Start with {@link dev.bulwark.monitor.Monitor#builder()}. Everything in {@code
 * dev.bulwark.monitor.internal} may change without notice.
 */
@NullMarked
package dev.bulwark.monitor;

import org.jspecify.annotations.NullMarked;

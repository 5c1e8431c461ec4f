/**
 * Proliferation: from one or a few examples of an attack, many variants of it, deterministic for a
 * seed. The wrapper is separated from the payload, other requests from the training pool are swapped
 * in, and the result is transformed; benign-payload twins are made as hard negatives. Payloads are
 * always existing headline-level requests: nothing here writes harmful content.
 */
@NullMarked
package dev.bulwark.response.proliferate;

import org.jspecify.annotations.NullMarked;

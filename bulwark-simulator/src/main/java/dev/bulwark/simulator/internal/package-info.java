/**
 * The simulator's machinery: script parsing, tokenization, response planning, the HTTP handler and
 * the timed stream writer. Not an API; may change without notice.
 */
@NullMarked
package dev.bulwark.simulator.internal;

import org.jspecify.annotations.NullMarked;

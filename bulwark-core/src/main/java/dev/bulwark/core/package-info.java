/**
 * Bulwark's domain vocabulary: what a safeguard decides ({@link dev.bulwark.core.Verdict}), about whom
 * ({@link dev.bulwark.core.Principal}), under which rules ({@link dev.bulwark.core.policy.Policy}).
 *
 * <p>This module does no I/O and depends on nothing but JSpecify, so every other module can depend on
 * it without pulling in a server, a database or a model runtime.
 */
@NullMarked
package dev.bulwark.core;

import org.jspecify.annotations.NullMarked;

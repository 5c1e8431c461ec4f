/**
 * Layer 1, access controls: API keys ({@link dev.bulwark.access.ApiKeys}), authentication against an
 * in-memory directory with no database read on the hot path ({@link dev.bulwark.access.KeyDirectory}),
 * the tier's policy ({@link dev.bulwark.access.PolicyResolver}) and per-key limits ({@link
 * dev.bulwark.access.RateLimiter}).
 */
@NullMarked
package dev.bulwark.access;

import org.jspecify.annotations.NullMarked;

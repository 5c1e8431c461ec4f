/**
 * Layer 1, access controls: API keys ({@link dev.bulwark.access.ApiKeys}), authentication against an
 * in-memory directory with no database read on the hot path ({@link dev.bulwark.access.KeyDirectory}),
 * the effective tier's policy, with grants and step-downs applied ({@link
 * dev.bulwark.access.PolicyResolver}), and per-key limits ({@link dev.bulwark.access.RateLimiter}).
 * The enhanced due-diligence process that grants adjusted tiers is in {@code
 * dev.bulwark.access.diligence}.
 */
@NullMarked
package dev.bulwark.access;

import org.jspecify.annotations.NullMarked;

/**
 * Policies: what a tier's traffic goes through. A policy is immutable and versioned; a running gateway
 * swaps whole policies atomically rather than editing one in place.
 */
@NullMarked
package dev.bulwark.core.policy;

import org.jspecify.annotations.NullMarked;

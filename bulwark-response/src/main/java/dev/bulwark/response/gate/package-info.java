/**
 * The validation gate: a candidate release goes live only if it blocks the reported family's
 * held-back variants, does not raise benign false positives, still blocks every earlier family's
 * regression corpus, and (when configured) agrees with the running version on live traffic during a
 * shadow period. Every decision is stored with its checks.
 */
@NullMarked
package dev.bulwark.response.gate;

import org.jspecify.annotations.NullMarked;

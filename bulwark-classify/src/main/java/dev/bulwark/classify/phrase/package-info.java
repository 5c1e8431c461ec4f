/**
 * The built-in phrase and pattern stage: a configurable list of literal phrases (matched
 * case-insensitively with any run of whitespace standing for one space) and bounded regular
 * expressions, applied to prompts and to streamed completions.
 *
 * <p>It is deliberately simple: operators use it for canary strings, signature rules with a fixed
 * marker, and house rules; the trained classifiers plug in beside it through the same pipeline.
 */
@NullMarked
package dev.bulwark.classify.phrase;

import org.jspecify.annotations.NullMarked;

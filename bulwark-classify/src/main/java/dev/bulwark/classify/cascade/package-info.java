/**
 * The classifier cascade: every view of a text scored by stage 1 (hashed n-grams, microseconds),
 * stage 2 (MiniLM encoder and head, milliseconds) only where stage 1 lands in its uncertainty band;
 * the same for streamed completions, incrementally. {@link dev.bulwark.classify.cascade.ClassifierBundle}
 * is the deployable unit: both stages for prompts and for completions, thresholds and provenance in
 * one verified archive.
 */
@NullMarked
package dev.bulwark.classify.cascade;

import org.jspecify.annotations.NullMarked;

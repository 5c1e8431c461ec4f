/**
 * Training and evaluation data.
 *
 * <ul>
 *   <li>{@link dev.bulwark.classify.data.Constitution}: what each category disallows and allows, and
 *       the generator's headline-level vocabulary ({@code constitution/constitution-v1.yaml}).
 *   <li>{@link dev.bulwark.classify.data.ExampleReader} and {@link
 *       dev.bulwark.classify.data.ExampleWriter}: the JSON Lines format of the shared data files and of
 *       {@code bulwark eval --data} / {@code bulwark train --data}; malformed lines are reported, never
 *       dropped silently.
 *   <li>{@link dev.bulwark.classify.data.DataSets}: the shared data files read in place, with their
 *       rows mapped to training targets ({@link dev.bulwark.classify.data.TargetRules}) and their
 *       jailbreak templates kept apart ({@link dev.bulwark.classify.data.JailbreakTemplate}).
 *   <li>{@link dev.bulwark.classify.data.SyntheticGenerator}: deterministic, constitution-driven
 *       examples (CBRN requests and hard negatives, jailbreak fills, encodings, noise, completions).
 *   <li>{@link dev.bulwark.classify.data.Splits} and {@link dev.bulwark.classify.data.TrainingCorpus}:
 *       train / calibration / dev by held-out source and group hash, assembled with a summary for
 *       provenance.
 * </ul>
 */
@NullMarked
package dev.bulwark.classify.data;

import org.jspecify.annotations.NullMarked;

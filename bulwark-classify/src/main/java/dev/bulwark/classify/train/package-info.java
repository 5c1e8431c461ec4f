/**
 * Training the deployable classifier: both stages for prompts and completions on an assembled
 * corpus, the band and thresholds calibrated on the calibration split, figures on the held-out dev
 * split, and provenance for every input.
 */
@NullMarked
package dev.bulwark.classify.train;

import org.jspecify.annotations.NullMarked;

/**
 * The trained classifiers and their artifacts.
 *
 * <p>Stage 1 is a cheap linear model over hashed character and word n-grams ({@link
 * dev.bulwark.classify.model.FeatureHasher}, {@link dev.bulwark.classify.model.Stage1Model}) that
 * scores a streamed completion at constant work per character, trained by {@link
 * dev.bulwark.classify.model.Stage1Trainer} and calibrated with {@link
 * dev.bulwark.classify.model.PlattScaling}. Models travel as a {@link
 * dev.bulwark.classify.model.ModelArchive}: one versioned, digest-checked file that a loader refuses
 * whole when any byte is wrong.
 */
@NullMarked
package dev.bulwark.classify.model;

import org.jspecify.annotations.NullMarked;

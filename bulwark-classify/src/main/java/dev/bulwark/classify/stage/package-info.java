/**
 * The classifier cascade as safeguard-pipeline stages: a prompt stage and a streaming completion
 * stage that apply a tier's thresholds and monitor-only categories.
 */
@NullMarked
package dev.bulwark.classify.stage;

import org.jspecify.annotations.NullMarked;

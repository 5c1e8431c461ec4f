/**
 * Patches, each a versioned artifact with provenance: exemplar patches (the family joins the
 * nearest-neighbour index), prompt patches (a system-prompt addendum per policy), classifier patches
 * (stage 1 and the prompt stage-2 head fine-tuned on the family's variants with replay, then
 * recalibrated so that benign false positives do not rise) and signature rules (a phrase every
 * example shares and no benign text has).
 */
@NullMarked
package dev.bulwark.response.patch;

import org.jspecify.annotations.NullMarked;

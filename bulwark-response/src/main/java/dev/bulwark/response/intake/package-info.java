/** Intake: reports from every source, deduplicated and grouped into attack families by similarity. */
@NullMarked
package dev.bulwark.response.intake;

import org.jspecify.annotations.NullMarked;

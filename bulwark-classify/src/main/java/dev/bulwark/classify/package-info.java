/**
 * Layer 2's classifiers: the categories they score ({@link dev.bulwark.classify.Category}), and the
 * packages that make them — canonicalization against obfuscation ({@code canon}), training data and
 * the constitution ({@code data}), the models and their artifacts ({@code model}), evaluation ({@code
 * eval}) and the rule stage ({@code phrase}).
 */
@NullMarked
package dev.bulwark.classify;

import org.jspecify.annotations.NullMarked;

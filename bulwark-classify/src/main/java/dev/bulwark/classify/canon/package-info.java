/**
 * Canonicalization against obfuscation: one pass per text produces the views the classifiers score —
 * the raw text, its normalized form, and each decoding that applies (base64, hex, URL and HTML escapes,
 * letter shifts, reversal, spaced-out letters, leetspeak), bounded in depth, size and time.
 *
 * <p>{@link dev.bulwark.classify.canon.Canonicalizer} makes a {@link
 * dev.bulwark.classify.canon.CanonicalText} of a whole text; {@link
 * dev.bulwark.classify.canon.StreamingNormalizer} makes the same normalized text chunk by chunk for
 * streamed completions; {@link dev.bulwark.classify.canon.EnglishScore} is the English-likeness test
 * the letter-shift and reversal decodings use.
 */
@NullMarked
package dev.bulwark.classify.canon;

import org.jspecify.annotations.NullMarked;

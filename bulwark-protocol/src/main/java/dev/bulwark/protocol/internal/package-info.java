/**
 * Helpers shared by the codecs: the JSON mapper, field readers that validate and name the JSON path
 * of what they reject, and the error vocabulary. Not part of the module's API.
 */
@NullMarked
package dev.bulwark.protocol.internal;

import org.jspecify.annotations.NullMarked;

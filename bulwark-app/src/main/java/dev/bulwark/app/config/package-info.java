/**
 * The YAML configuration: loading, validation with messages that name the field and the allowed values,
 * environment overrides for secrets, and the embedded defaults.
 */
@NullMarked
package dev.bulwark.app.config;

import org.jspecify.annotations.NullMarked;

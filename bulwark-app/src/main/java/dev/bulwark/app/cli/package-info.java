/** The subcommands of {@code bulwark}. */
@NullMarked
package dev.bulwark.app.cli;

import org.jspecify.annotations.NullMarked;

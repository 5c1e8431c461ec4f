/** The {@code bulwark} command: wiring of every module, and the subcommands. */
@NullMarked
package dev.bulwark.app;

import org.jspecify.annotations.NullMarked;

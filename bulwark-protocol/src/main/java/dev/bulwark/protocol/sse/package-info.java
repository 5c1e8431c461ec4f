/** Server-sent events: an incremental parser and the frame writer. */
@NullMarked
package dev.bulwark.protocol.sse;

import org.jspecify.annotations.NullMarked;

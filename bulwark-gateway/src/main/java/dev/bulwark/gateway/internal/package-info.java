/** The gateway's implementation. Not an API. */
@NullMarked
package dev.bulwark.gateway.internal;

import org.jspecify.annotations.NullMarked;

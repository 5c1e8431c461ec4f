/** Implementation of the store; not an API. Other modules use {@code dev.bulwark.store} only. */
@NullMarked
package dev.bulwark.store.internal;

import org.jspecify.annotations.NullMarked;

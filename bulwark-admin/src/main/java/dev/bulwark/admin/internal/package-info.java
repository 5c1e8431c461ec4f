/** Implementation of the admin API; not an API. */
@NullMarked
package dev.bulwark.admin.internal;

import org.jspecify.annotations.NullMarked;

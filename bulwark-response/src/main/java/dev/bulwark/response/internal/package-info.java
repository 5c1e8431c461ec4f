/** Internals of rapid response: JDBC helpers, JSON mapping, ids and audit records. Not an API. */
@NullMarked
package dev.bulwark.response.internal;

import org.jspecify.annotations.NullMarked;

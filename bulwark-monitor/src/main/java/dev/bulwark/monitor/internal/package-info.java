/**
 * The monitor's implementation: the SQL queue, the worker, the analyzers, actions and risk.
 * Not an API: it may change without notice.
 */
@NullMarked
package dev.bulwark.monitor.internal;

import org.jspecify.annotations.NullMarked;

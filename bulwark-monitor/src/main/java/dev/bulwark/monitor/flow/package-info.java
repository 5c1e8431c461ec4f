/**
 * Flowcharts: the YAML definition of analyzer nodes and conditional edges ending in actions,
 * validated at load, versioned, and swapped atomically while the monitor runs.
 */
@NullMarked
package dev.bulwark.monitor.flow;

import org.jspecify.annotations.NullMarked;

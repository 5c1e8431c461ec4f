/**
 * What analysts read and change: incidents, the monitor's actions (each reversible), runs
 * (with {@code explain}), dead letters and cost reports.
 */
@NullMarked
package dev.bulwark.monitor.incident;

import org.jspecify.annotations.NullMarked;

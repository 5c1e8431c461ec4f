/**
 * The HTTP load generator ({@link dev.bulwark.bench.LoadGenerator}) and the report that turns its
 * results into {@code results.json} and markdown tables ({@link dev.bulwark.bench.Report}). Run both
 * through {@code bench/gateway.sh}.
 */
@NullMarked
package dev.bulwark.bench;

import org.jspecify.annotations.NullMarked;

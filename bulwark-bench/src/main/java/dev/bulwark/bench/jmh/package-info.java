/**
 * JMH microbenchmarks of the safeguard hot paths. Run them with {@code bench/jmh.sh} (all of them) or
 * {@code java -jar bulwark-bench/target/bulwark-bench.jar REGEX} after a build. The streaming relay's
 * benchmark lives in {@code dev.bulwark.gateway.internal}, beside the package-private class it measures.
 */
@NullMarked
package dev.bulwark.bench.jmh;

import org.jspecify.annotations.NullMarked;

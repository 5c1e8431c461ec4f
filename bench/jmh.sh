#!/usr/bin/env bash
# bench/jmh.sh: Bulwark's JMH microbenchmarks. Results: docs/benchmarks.md.
#
# What it does: builds bulwark-bench (./mvnw package; skip with BENCH_SKIP_BUILD=1), then runs
# org.openjdk.jmh.Main from bulwark-bench/target/bulwark-bench.jar, average time per operation in ns
# with JMH's 99.9% error, one fork, 3 x 2 s warm-up and 5 x 2 s measurement per benchmark:
#   PhraseStageBenchmark    the phrase stage with the embedded defaults' rules: per streamed ~4-char
#                           token, a 500-word prompt, and the same prompt through the prompt guard
#   ProtocolCodecBenchmark  the protocol steps of the per-event path apart: SSE parse, decode, encode
#   StreamRelayBenchmark    the gateway's StreamRelay + StreamingGuardSession per streamed event, the
#                           whole per-event path (SSE bytes -> decoder -> relay -> encoder), and one
#                           complete 40-token stream; with no stages and with the phrase stage
# Results go to stdout and to $BENCH_WORK/jmh.json (JMH's JSON).
#
# How long: about 5 minutes for everything (15 benchmark-parameter pairs x 16 s, plus JVM starts).
# What it needs: Java 17+.
#
# Arguments are passed to JMH: a regex selects benchmarks (bench/jmh.sh StreamRelay), -h lists
# JMH's options (-f forks, -wi/-i iterations, -prof gc for allocation per operation, ...).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/bulwark-bench}"
JAR="$ROOT/bulwark-bench/target/bulwark-bench.jar"
if [ "${BENCH_SKIP_BUILD:-}" != 1 ]; then
  echo "[jmh] building bulwark-bench (./mvnw -q -B -DskipTests package) ..." >&2
  (cd "$ROOT" && ./mvnw -q -B -DskipTests -pl bulwark-bench -am package) >&2
fi
[ -f "$JAR" ] || { echo "[jmh] $JAR is missing; run without BENCH_SKIP_BUILD" >&2; exit 1; }
mkdir -p "$WORK"
exec java -jar "$JAR" -rf json -rff "$WORK/jmh.json" "$@"

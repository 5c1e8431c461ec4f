#!/usr/bin/env bash
# bench/monitor.sh: the asynchronous monitor's benchmark, in one command. Results: docs/benchmarks.md.
#
# What it does: builds bulwark-bench (./mvnw package; skip with BENCH_SKIP_BUILD=1), then runs
# dev.bulwark.bench.MonitorBench from bulwark-bench/target/bulwark-bench.jar:
#   1. Throughput: a backlog of gateway-shaped exchanges (prompts and completions from the shared data
#      sets, 5% harmful by default, 500 accounts, a tenth of them follow-ups in a conversation) drained
#      by one in-process worker (2 analysis threads, batches of 512) through the default flowchart's cheap stages
#      (triage = stage-1 classifier, rules, conversation), each exchange committed with its run record
#      and acknowledged as in production; on SQLite, then on PostgreSQL. Then a smaller backlog through
#      the whole default flowchart, with its cost report (share of exchanges reaching each node, cost
#      units per thousand exchanges).
#   2. Cascade: on the classifier's held-out dev split of the shared data, for triage thresholds from
#      0.05 to 0.6, the share of benign exchanges escalated to stage 2 against the share of what stage
#      2 run on every exchange finds that the cascade still finds; for ordinary benign traffic, for the
#      over-refusal sets, and for both.
# Results go to stdout (markdown) and to $BENCH_WORK/monitor-results.json, with the machine's load
# average (a shared machine gives lower figures).
#
# How long: about a minute after the build (20,000 exchanges per store, stage 2 on ~1,500 dev rows).
# What it needs: Java 17+; ../shared/data beside the repository (or BENCH_DATA=DIR); PostgreSQL on 127.0.0.1:5432, database
# 'test', user 'postgres' with trust authentication (or --pg-url URL --pg-user USER; --pg-url none
# skips it).
#
# Arguments go to MonitorBench: --exchanges N (20000), --full N (2000), --accounts N (500),
# --harmful SHARE (0.05), --data DIR, --pg-url URL, --pg-user USER, --work DIR, --out FILE.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/bulwark-bench}"
JAR="$ROOT/bulwark-bench/target/bulwark-bench.jar"
if [ "${BENCH_SKIP_BUILD:-}" != 1 ]; then
  echo "[monitor] building bulwark-bench (./mvnw -q -B -DskipTests package) ..." >&2
  (cd "$ROOT" && ./mvnw -q -B -DskipTests -pl bulwark-bench -am package) >&2
fi
[ -f "$JAR" ] || { echo "[monitor] $JAR is missing; run without BENCH_SKIP_BUILD" >&2; exit 1; }
mkdir -p "$WORK"
exec java -Xmx2g -cp "$JAR" dev.bulwark.bench.MonitorBench --data "${BENCH_DATA:-$ROOT/../shared/data}" --work "$WORK" "$@" \
  2> "$WORK/monitor-bench.log"

#!/usr/bin/env bash
# bench/gateway.sh: Bulwark's HTTP benchmark, in one command. Results: docs/benchmarks.md.
#
# What it does
#   1. Builds the app jar (bulwark-app/target/bulwark.jar) and the bench jar
#      (bulwark-bench/target/bulwark-bench.jar) with ./mvnw, unless BENCH_SKIP_BUILD=1.
#   2. Installs Portkey's open-source gateway (@portkey-ai/gateway, PORTKEY_VERSION) from npm into
#      $BENCH_WORK/portkey, outside the repository, and makes a copy of its server with a one-line
#      fix for a Node bug that breaks every streamed response (see "Portkey" below).
#   3. Starts ONE simulated upstream (bulwark simulate-upstream: ttft 0, unthrottled tokens, 2 event
#      loops), which echoes the prompt back: the same ~40-word prompt streams back as ~40 tokens.
#   4. For each system, in turn (only the system under test runs beside the simulator):
#        direct          the load generator talks to the simulator itself: the baseline
#        portkey         Portkey -> simulator (provider openai, x-portkey-custom-host, no guardrails)
#        bulwark-pass    Bulwark, no stages (stages: {}) -> simulator
#        bulwark-phrase  Bulwark, the default phrase stage on prompts and every streamed chunk (the
#                        embedded defaults with the classifier stage off in the policy) -> simulator
#        bulwark-default Bulwark as shipped: the embedded defaults' phrase stage and classifier cascade
#                        (stage 1 on every prompt and streamed chunk, stage 2 where stage 1 is unsure,
#                        on the stage pool) -> simulator
#      it starts the system, checks that one streamed request goes through it to the simulator, and
#      runs the load generator (a separate JVM, dev.bulwark.bench.LoadGenerator; one per system) for
#      each cell: streaming at concurrency 1, 16 and 64, and not streaming at 64 (closed loops: each
#      finished request starts the next), then an open loop of 500 streamed requests a second over at
#      most 64 connections (requests go out on time whether or not earlier ones have finished, so a
#      system that falls behind shows it in its latency). First an unrecorded
#      system warm-up over all the cells (JIT compilation, connection pools), then per cell a warm-up
#      and the measured window.
#   5. Writes $BENCH_WORK/results.json (every cell, the machine, the command) and prints markdown
#      tables (also $BENCH_WORK/results.md): latency p50/p99 (time to first token and total),
#      throughput, errors, CPU per request, and the latency each gateway adds to the direct baseline.
#      The work dir also keeps each process's log, the generated configurations and Bulwark's store
#      (bulwark-data/, about 1.5 GB after a run; the next run starts it afresh).
#
# How long: 5 systems x (20 s system warm-up + 5 cells x (5 s warm-up + 15 s)) = about 10 minutes of
# load, plus start-ups (about 9 minutes in all); the first build takes 1-2 minutes more.
#
# What it needs: Java 17+, curl, Linux (/proc, for CPU accounting). For Portkey: node 18+ and npm
# with access to the npm registry on the first run (without them Portkey is skipped, with a warning).
# Five free loopback ports from BENCH_PORT (default 18080).
#
# Settings (environment variables):
#   BENCH_WORK               work dir (default ${TMPDIR:-/tmp}/bulwark-bench); results, configs, logs
#   BENCH_DURATION           measured seconds per cell (default 15)
#   BENCH_WARMUP             warm-up seconds per cell (default 5)
#   BENCH_SYSTEM_WARMUP      unrecorded seconds of load on each system before its cells, shared out
#                            over the cells, so that JIT compilation is over (default 20)
#   BENCH_CONCURRENCY        streaming concurrencies (default "1 16 64")
#   BENCH_WHOLE_CONCURRENCY  non-streaming concurrencies (default "64"; "" for none)
#   BENCH_OPEN_CELLS         open-loop cells, MODE:C@RATE (default "stream:64@500": 500 requests a second
#                            over at most 64 connections, a load every system here can carry; "" for none)
#   BENCH_SIM_TPS            the simulated model's tokens per second (default 0: as fast as it can);
#                            e.g. 50 to see what a gateway adds to time to first token at a real
#                            model's pace (with BENCH_CONCURRENCY=1)
#   BENCH_SYSTEMS            systems to run (default "direct portkey bulwark-pass bulwark-phrase
#                            bulwark-default")
#   BENCH_PORT               first of five ports: simulator, Portkey, Bulwark pass-through, phrase,
#                            default
#   BENCH_SKIP_BUILD=1       use the jars already built
#   BENCH_JFR=1              record a JFR profile of each Bulwark process into $BENCH_WORK/*.jfr
#   BULWARK_JAVA_OPTS        extra JVM options for Bulwark and the simulator (default: none)
#   PORTKEY_VERSION          default 1.15.2
#
# Portkey: 1.15.2 on Node 20 answers every streamed request with {"status":"failure"} ("TypeError:
# immutable" in ResponseService.updateHeaders: @hono/node-server's lightweight Response hands back the
# upstream fetch's immutable Headers; Portkey-AI/gateway issues #1389 and #1550). The copy we run,
# build/start-server.bulwark-bench.js, adds one expression before the headers are changed,
# "this.context.isStreaming&&void e.type;", which makes hono build the real Response (with its own,
# mutable, copy of the headers) that it would otherwise build a moment later to send the body. The
# package's files are left as installed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WORK="${BENCH_WORK:-${TMPDIR:-/tmp}/bulwark-bench}"
DURATION="${BENCH_DURATION:-15}"
WARMUP="${BENCH_WARMUP:-5}"
SYSTEM_WARMUP="${BENCH_SYSTEM_WARMUP:-20}"
CONCURRENCY="${BENCH_CONCURRENCY:-1 16 64}"
WHOLE_CONCURRENCY="${BENCH_WHOLE_CONCURRENCY-64}"
OPEN_CELLS="${BENCH_OPEN_CELLS-stream:64@500}"
SIM_TPS="${BENCH_SIM_TPS:-0}"
SYSTEMS="${BENCH_SYSTEMS:-direct portkey bulwark-pass bulwark-phrase bulwark-default}"
PORT="${BENCH_PORT:-18080}"
PORTKEY_VERSION="${PORTKEY_VERSION:-1.15.2}"
SIM_PORT=$PORT
PORTKEY_PORT=$((PORT + 1))
PASS_PORT=$((PORT + 2))
PHRASE_PORT=$((PORT + 3))
DEFAULT_PORT=$((PORT + 4))
APP_JAR="$ROOT/bulwark-app/target/bulwark.jar"
BENCH_JAR="$ROOT/bulwark-bench/target/bulwark-bench.jar"
CLK_TCK="$(getconf CLK_TCK 2>/dev/null || echo 100)"
COMMAND_LINE="bench/gateway.sh (BENCH_DURATION=$DURATION BENCH_WARMUP=$WARMUP BENCH_SYSTEM_WARMUP=$SYSTEM_WARMUP BENCH_CONCURRENCY='$CONCURRENCY' BENCH_WHOLE_CONCURRENCY='$WHOLE_CONCURRENCY' BENCH_OPEN_CELLS='$OPEN_CELLS' BENCH_SYSTEMS='$SYSTEMS' BENCH_SIM_TPS=$SIM_TPS)"
# The load generator's own JVM: a fixed, small heap, so that heap resizing does not move its numbers.
GEN_JAVA_OPTS="${BENCH_GENERATOR_JAVA_OPTS:--Xms256m -Xmx512m}"

PIDS=()
log() { printf '[bench %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

cleanup() {
  local pid
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop() {
  local pid="$1" kept=() p
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${PIDS[@]}"; do [ "$p" != "$pid" ] && kept+=("$p"); done
  PIDS=("${kept[@]:-}")
}

# Waits until URL answers (any HTTP status), or fails after 60 s.
wait_http() {
  local url="$1" name="$2" pid="$3" i
  for i in $(seq 1 600); do
    if curl -s -o /dev/null --max-time 1 "$url"; then return 0; fi
    kill -0 "$pid" 2>/dev/null || die "$name exited during start-up; see its log in $WORK"
    sleep 0.1
  done
  die "$name did not answer on $url within 60 s"
}

# Streams the simulator has started so far.
sim_streams() {
  curl -s "http://127.0.0.1:$SIM_PORT/_sim/stats" | sed -n 's/.*"streams_started":\([0-9]*\).*/\1/p'
}

# One streamed request through a system, checked to reach the simulator and to come back whole.
check_one() {
  local name="$1" url="$2"; shift 2
  local before after out
  before="$(sim_streams)"
  out="$(curl -sN --max-time 10 "$url/v1/chat/completions" -H 'content-type: application/json' "$@" \
    -d '{"model":"bench","stream":true,"max_tokens":64,"messages":[{"role":"user","content":"check one two three"}]}')" || true
  after="$(sim_streams)"
  case "$out" in
    *'[DONE]'*) ;;
    *) die "$name: a streamed request did not complete; it answered: $(printf '%s' "$out" | head -c 400)";;
  esac
  [ "$after" -gt "$before" ] || die "$name: the request did not reach the simulator"
  log "$name: one streamed request went through to the simulator (simulator streams started: $before -> $after)"
}

# Runs every cell for one system in one load-generator JVM (so that its JIT compilers are done before
# the measured cells): run_cells NAME URL WATCH-ARGS... -- HEADER-ARGS...
run_cells() {
  local name="$1" url="$2"; shift 2
  local watch=() headers=() cells=() c
  while [ $# -gt 0 ] && [ "$1" != "--" ]; do watch+=("$1"); shift; done
  [ $# -gt 0 ] && shift
  headers=("$@")
  for c in $CONCURRENCY; do cells+=(--cell "stream:$c"); done
  for c in $WHOLE_CONCURRENCY; do cells+=(--cell "whole:$c"); done
  for c in $OPEN_CELLS; do cells+=(--cell "$c"); done
  # shellcheck disable=SC2086
  java $GEN_JAVA_OPTS -cp "$BENCH_JAR" dev.bulwark.bench.LoadGenerator \
    --url "$url" --system "$name" "${cells[@]}" --system-warmup "$SYSTEM_WARMUP" \
    --duration "$DURATION" --warmup "$WARMUP" --clock-ticks "$CLK_TCK" \
    "${watch[@]}" "${headers[@]}" --json-dir "$WORK/cells" \
    || log "$name: some cell recorded no successful request"
}

write_config() {
  local file="$1" port="$2" stages="$3" policy_stages="${4:-}"
  cat > "$file" <<EOF
# Written by bench/gateway.sh. Bulwark in front of the simulated upstream on port $SIM_PORT.
server:
  host: 127.0.0.1
  port: $port
store:
  url: jdbc:sqlite:$WORK/bulwark-data/bulwark.db
  durability: normal
upstreams:
  sim:
    protocol: openai
    base_url: http://127.0.0.1:$SIM_PORT
    max_connections: 256
routes:
  - {model: "*", upstream: sim, upstream_model: "*"}
$stages
policies:
  bench:
    version: 1
    retention: hashes
    # Limits on, but far above the load, so that the limiter runs without refusing.
    limits: {requests_per_minute: 100000000, max_concurrent: 100000}
$policy_stages
tiers:
  standard: bench
# Two Bulwarks run side by side here; neither needs the admin API (default port 8081).
admin:
  enabled: false
EOF
}

start_bulwark() {
  local name="$1" config="$2" port="$3" jfr=()
  if [ "${BENCH_JFR:-}" = 1 ]; then
    jfr=("-XX:StartFlightRecording=filename=$WORK/$name.jfr,settings=profile,dumponexit=true")
  fi
  # shellcheck disable=SC2086
  java ${BULWARK_JAVA_OPTS:-} "${jfr[@]}" -jar "$APP_JAR" serve --config "$config" \
    > "$WORK/$name.out" 2> "$WORK/$name.log" &
  BULWARK_PID=$!
  PIDS+=("$BULWARK_PID")
  wait_http "http://127.0.0.1:$port/healthz" "$name" "$BULWARK_PID"
}

# --- 1. build -------------------------------------------------------------------------------------
mkdir -p "$WORK"
if [ "${BENCH_SKIP_BUILD:-}" != 1 ]; then
  log "building bulwark-app and bulwark-bench (./mvnw -q -B -DskipTests package) ..."
  (cd "$ROOT" && ./mvnw -q -B -DskipTests -pl bulwark-bench -am package) >&2
fi
[ -f "$APP_JAR" ] || die "$APP_JAR is missing; run without BENCH_SKIP_BUILD"
[ -f "$BENCH_JAR" ] || die "$BENCH_JAR is missing; run without BENCH_SKIP_BUILD"

rm -rf "$WORK/cells" "$WORK/bulwark-data" "$WORK"/*.log "$WORK"/*.out "$WORK"/*.jfr
mkdir -p "$WORK/cells"

# --- 2. Portkey -----------------------------------------------------------------------------------
PORTKEY_JS=""
if [[ " $SYSTEMS " == *" portkey "* ]]; then
  if command -v node >/dev/null && command -v npm >/dev/null; then
    pk="$WORK/portkey"
    pkg="$pk/node_modules/@portkey-ai/gateway"
    if [ ! -f "$pkg/package.json" ] || ! grep -q "\"version\": \"$PORTKEY_VERSION\"" "$pkg/package.json"; then
      log "installing @portkey-ai/gateway@$PORTKEY_VERSION into $pk ..."
      mkdir -p "$pk"
      printf '{"private":true}\n' > "$pk/package.json"
      (cd "$pk" && npm install --no-audit --no-fund --loglevel=error "@portkey-ai/gateway@$PORTKEY_VERSION") >&2
    fi
    anchor='updateHeaders(e,t,a){return '
    [ "$(grep -o "$anchor" "$pkg/build/start-server.js" | wc -l)" = 1 ] \
      || die "Portkey's build/start-server.js has changed: the patch's anchor '$anchor' is not found exactly once"
    sed "s/updateHeaders(e,t,a){return /updateHeaders(e,t,a){this.context.isStreaming\&\&void e.type;return /" \
      "$pkg/build/start-server.js" > "$pkg/build/start-server.bulwark-bench.js"
    PORTKEY_JS="$pkg/build/start-server.bulwark-bench.js"
  else
    log "warning: node and npm are needed for Portkey; skipping it"
    SYSTEMS="${SYSTEMS//portkey/}"
  fi
fi

# --- 3. the simulated upstream --------------------------------------------------------------------
log "starting the simulated upstream on port $SIM_PORT ..."
# shellcheck disable=SC2086
java ${BULWARK_JAVA_OPTS:-} -jar "$APP_JAR" simulate-upstream --port "$SIM_PORT" --instances 2 \
  --ttft-ms 0 --tokens-per-second "$SIM_TPS" > "$WORK/simulator.out" 2> "$WORK/simulator.log" &
SIM_PID=$!
PIDS+=("$SIM_PID")
wait_http "http://127.0.0.1:$SIM_PORT/healthz" simulator "$SIM_PID"

# --- Bulwark's configurations and key -------------------------------------------------------------
write_config "$WORK/bulwark-pass.yaml" "$PASS_PORT" "stages: {}"
write_config "$WORK/bulwark-phrase.yaml" "$PHRASE_PORT" "# stages: not given, so the embedded defaults apply." \
  "    stages: {classifier: {mode: 'off'}}   # the phrase stage alone"
write_config "$WORK/bulwark-default.yaml" "$DEFAULT_PORT" "# stages: not given, so the embedded defaults apply (phrase stage and classifier)."
KEY=""
if [[ " $SYSTEMS " == *" bulwark-"* ]]; then
  KEY="$(java -jar "$APP_JAR" keys create --org bench --tier standard --json --config "$WORK/bulwark-pass.yaml" 2>>"$WORK/keys.log" \
    | sed -n 's/.*"key":"\([^"]*\)".*/\1/p')"
  [ -n "$KEY" ] || die "could not create an API key; see $WORK/keys.log"
fi

# --- 4. the systems -------------------------------------------------------------------------------
for system in $SYSTEMS; do
  case "$system" in
    direct)
      log "direct: the load generator against the simulator"
      check_one direct "http://127.0.0.1:$SIM_PORT"
      run_cells direct "http://127.0.0.1:$SIM_PORT" --watch "simulator=$SIM_PID" --
      ;;
    portkey)
      log "portkey: starting @portkey-ai/gateway@$PORTKEY_VERSION on port $PORTKEY_PORT (NODE_ENV=production, headless) ..."
      (cd "$WORK/portkey" && NODE_ENV=production exec node "$PORTKEY_JS" --port="$PORTKEY_PORT" --headless) \
        > "$WORK/portkey.out" 2> "$WORK/portkey.log" &
      pk_pid=$!
      PIDS+=("$pk_pid")
      wait_http "http://127.0.0.1:$PORTKEY_PORT/" portkey "$pk_pid"
      pk_headers=(-H "x-portkey-provider: openai" -H "x-portkey-custom-host: http://127.0.0.1:$SIM_PORT/v1"
        -H "authorization: Bearer sk-bench-unused")
      check_one portkey "http://127.0.0.1:$PORTKEY_PORT" "${pk_headers[@]}"
      run_cells portkey "http://127.0.0.1:$PORTKEY_PORT" --watch "simulator=$SIM_PID" --watch "gateway=$pk_pid" -- "${pk_headers[@]}"
      stop "$pk_pid"
      ;;
    bulwark-pass | bulwark-phrase | bulwark-default)
      case "$system" in
        bulwark-pass) port=$PASS_PORT;;
        bulwark-phrase) port=$PHRASE_PORT;;
        *) port=$DEFAULT_PORT;;
      esac
      log "$system: starting Bulwark on port $port ($WORK/$system.yaml) ..."
      start_bulwark "$system" "$WORK/$system.yaml" "$port"
      check_one "$system" "http://127.0.0.1:$port" -H "authorization: Bearer $KEY"
      run_cells "$system" "http://127.0.0.1:$port" --watch "simulator=$SIM_PID" --watch "gateway=$BULWARK_PID" -- \
        -H "authorization: Bearer $KEY"
      stop "$BULWARK_PID"
      ;;
    *) die "unknown system '$system' in BENCH_SYSTEMS";;
  esac
done

# --- 5. the report --------------------------------------------------------------------------------
java -cp "$BENCH_JAR" dev.bulwark.bench.Report --cells "$WORK/cells" --json "$WORK/results.json" \
  --markdown "$WORK/results.md" --command "$COMMAND_LINE" \
  --node "$(node --version 2>/dev/null || echo none)" --portkey "$PORTKEY_VERSION"
log "results: $WORK/results.json and $WORK/results.md"

#!/usr/bin/env bash
# bench/respond.sh: the rapid-response benchmark in one command.
#
# What it does
#   1. Writes a development set of attack families from the shared data (bulwark respond dev-families):
#      five jailbreak-template families (templates the built-in classifier never trained on, from its
#      held-out split), three cipher families (decimal character codes, words spelled backwards,
#      Morse) and two payload-splitting families (numbered words, string variables), each wrapped
#      around held-apart harmful requests (headline-level requests from the data sets' held-out split;
#      observed examples and test lines carry different requests), plus benign.jsonl (the held-out
#      split's benign prompts) and harmful.jsonl (its plain harmful requests, to measure what each
#      patch costs the detection of everything else). In-distribution = the same wrapper, other
#      requests; out-of-distribution = the family with transforms the observed examples lack (other wordings, casing, look-alike
#      letters, personas, role-play framings, many-shot padding, an enciphered request).
#   2. Runs bulwark respond bench over them: for each family, with 1 and with 5 observed examples, a
#      report goes through intake, proliferation, patches, the validation gate and deployment, from the
#      built-in classifier as the base, each family on its own. Prints a table and writes
#      metrics.json (and report.json with every gate decision and timing) to the work dir.
#
# How long: about 4 minutes on 2 cores at the default 200 lines per test file (the first run builds
# the jar, a minute or two more); two benches at once take about 6.
# Everything is written outside the sources: $BENCH_WORK (default target/respond-bench).
#
# Settings (environment variables):
#   BENCH_WORK   work dir (default target/respond-bench under the repository root; git-ignored)
#   BENCH_DATA   the shared data folder (default ../shared/data)
#   BENCH_SEED   seed for the family set, the observed samples and proliferation (default 1)
#   BENCH_TESTS  lines per test file (default 200: 1,000 harmful lines per test split over the five families
#                that pass the base, so one passing line is a ~0.1% step; at 40 one line moved the
#                out-of-distribution factor from 14.8x to 19.7x, and 200 lines measured 13x where 40 showed 20x)
#   BULWARK_JAVA_OPTS  extra JVM options
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="${BENCH_WORK:-$here/target/respond-bench}"
data="${BENCH_DATA:-$here/../shared/data}"
seed="${BENCH_SEED:-1}"
tests="${BENCH_TESTS:-200}"
mkdir -p "$work"
rm -rf "$work/families"
"$here/bulwark" respond dev-families --data "$data" --out "$work/families" --seed "$seed" --tests "$tests"
"$here/bulwark" respond bench --families "$work/families" --benign "$work/families/benign.jsonl" \
  --harmful "$work/families/harmful.jsonl" --out "$work" --data "$data" --seed "$seed" | tee "$work/bench.log"
echo "metrics: $work/metrics.json"

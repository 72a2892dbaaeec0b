#!/usr/bin/env bash
# The page benchmark: the built site against a bare reference page (bench/bare.html) in
# Debian's Chromium, plus the science's wasm32 throughput against native. Prints a table;
# it is a benchmark, not a test (it fails only when something cannot be measured).
#
# Usage: bench/browser.sh [--smoke] [--no-throughput] [DIST] [-- PAGE.MJS OPTIONS]
#   DIST             the built site to measure (default: $DIST, else dist/ of this
#                    repository, which is built with `trunk build --release` if missing)
#   --smoke          short durations and one repetition: checks that every row can still
#                    be measured (for CI); its figures mean nothing
#   --no-throughput  skip row 6 (it compiles the workloads natively and for wasm32)
#   after --          passed to bench/page.mjs, e.g. -- --memory-seconds 60 --json out.json
#
# Needs what scripts/setup.sh installs (Chromium, chromedriver, wasm-bindgen-test-runner,
# playwright-core in e2e/node_modules).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
me=browser.sh smoke=false throughput=true dist=${DIST:-} extra=()
. bench/lib.sh

while [ $# -gt 0 ]; do
    case $1 in
        --smoke) smoke=true ;;
        --no-throughput) throughput=false ;;
        --) shift; extra=("$@"); break ;;
        *) other_arg "$1" ;;
    esac
    shift
done

ensure_dist
make_work

page_args=()
$smoke && page_args+=(--smoke)

# Row 6: the same workloads natively and as wasm32 in Chromium (bench/workloads.rs).
if $throughput; then
    reps=()
    $smoke && reps=(BENCH_REPS=1)
    echo "browser.sh: native throughput (cargo bench --bench throughput)" >&2
    env "${reps[@]}" cargo bench --quiet --bench throughput >"$work/native.txt"
    echo "browser.sh: wasm32 throughput in Chromium (tests/throughput_web.rs)" >&2
    env "${reps[@]}" CHROMEDRIVER=/usr/bin/chromedriver \
        CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner WASM_BINDGEN_TEST_TIMEOUT=900 \
        cargo test --release --target wasm32-unknown-unknown --test throughput_web -- --nocapture \
        >"$work/wasm.txt" 2>&1 || { cat "$work/wasm.txt" >&2; exit 1; }
    grep -q 'wasm32: selection LOOP' "$work/wasm.txt" || {
        echo "browser.sh: the wasm32 run printed no figures:" >&2
        cat "$work/wasm.txt" >&2
        exit 1
    }
    page_args+=(--native "$work/native.txt" --wasm "$work/wasm.txt")
fi

# Serve the site under /site/ and the bare page under /bare/ from one origin.
mkdir -p "$work/www/bare"
ln -s "$dist" "$work/www/site"
cp bench/bare.html "$work/www/bare/index.html"
serve_dir "$work/www" site/

node bench/page.mjs --site "http://127.0.0.1:$port/site/" --bare "http://127.0.0.1:$port/bare/" \
    --dist "$dist" "${page_args[@]}" "${extra[@]}"

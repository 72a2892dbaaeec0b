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
root=$PWD
export PATH="$HOME/.cargo/bin:$PATH"

smoke=false throughput=true dist=${DIST:-} extra=()
while [ $# -gt 0 ]; do
    case $1 in
        --smoke) smoke=true ;;
        --no-throughput) throughput=false ;;
        --) shift; extra=("$@"); break ;;
        -h | --help) sed -n '2,16p' "$0"; exit 0 ;;
        -*) echo "browser.sh: unknown option $1" >&2; exit 2 ;;
        *) dist=$1 ;;
    esac
    shift
done

if [ -z "$dist" ]; then
    dist=$root/dist
    if [ ! -f "$dist/index.html" ]; then
        echo "browser.sh: no dist/ yet, building it (trunk build --release)" >&2
        trunk build --release >&2
    fi
fi
[ -f "$dist/index.html" ] || { echo "browser.sh: no index.html in $dist" >&2; exit 1; }
dist=$(cd "$dist" && pwd)
[ -d e2e/node_modules/playwright-core ] || { echo "browser.sh: no e2e/node_modules: run scripts/setup.sh" >&2; exit 1; }

work=$(mktemp -d)
server=
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

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
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/www" >"$work/http.log" 2>&1 &
server=$!
for _ in $(seq 100); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/site/')" 2>/dev/null && break
    sleep 0.1
done

node bench/page.mjs --site "http://127.0.0.1:$port/site/" --bare "http://127.0.0.1:$port/bare/" \
    --dist "$dist" "${page_args[@]}" "${extra[@]}"

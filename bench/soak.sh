#!/usr/bin/env bash
# The soak: every animated figure at its top speed, all at once, for a long session (ten
# minutes by default), sampling JS heap, wasm memory, frame intervals, long tasks, page
# errors and panics per window (bench/soak.mjs says exactly how). Prints a table.
#
# Usage: bench/soak.sh [--minutes M] [--window-seconds S] [--smoke] [--json OUT] [DIST]
#   DIST       the built site (default: $DIST, else dist/, built with trunk if missing)
#   --smoke    one minute in windows of 10 s, and fail on a page error, a panic or memory
#              growth beyond the bounds in bench/soak.mjs (the CI version is
#              e2e/tests/soak.test.js)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
export PATH="$HOME/.cargo/bin:$PATH"

dist=${DIST:-} args=()
while [ $# -gt 0 ]; do
    case $1 in
        --minutes | --window-seconds | --json) args+=("$1" "$2"); shift ;;
        --smoke) args+=(--smoke) ;;
        -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
        -*) echo "soak.sh: unknown option $1" >&2; exit 2 ;;
        *) dist=$1 ;;
    esac
    shift
done

if [ -z "$dist" ]; then
    dist=$root/dist
    if [ ! -f "$dist/index.html" ]; then
        echo "soak.sh: no dist/ yet, building it (trunk build --release)" >&2
        trunk build --release >&2
    fi
fi
[ -f "$dist/index.html" ] || { echo "soak.sh: no index.html in $dist" >&2; exit 1; }
[ -d e2e/node_modules/playwright-core ] || { echo "soak.sh: no e2e/node_modules: run scripts/setup.sh" >&2; exit 1; }

server=
log=$(mktemp)
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -f "$log"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$dist" >"$log" 2>&1 &
server=$!
for _ in $(seq 100); do
    python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
    sleep 0.1
done

echo "soak: $(uname -srm), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
node bench/soak.mjs --site "http://127.0.0.1:$port/" "${args[@]}"
echo "soak: load at the end $(cut -d' ' -f1-3 /proc/loadavg)"

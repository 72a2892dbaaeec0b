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
me=soak.sh dist=${DIST:-} args=()
. bench/lib.sh

while [ $# -gt 0 ]; do
    case $1 in
        --minutes | --window-seconds | --json) args+=("$1" "$2"); shift ;;
        --smoke) args+=(--smoke) ;;
        *) other_arg "$1" ;;
    esac
    shift
done

ensure_dist
make_work
serve_dir "$dist"

echo "soak: $(uname -srm), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u '+%Y-%m-%d %H:%M UTC')"
node bench/soak.mjs --site "http://127.0.0.1:$port/" "${args[@]}"
echo "soak: load at the end $(cut -d' ' -f1-3 /proc/loadavg)"

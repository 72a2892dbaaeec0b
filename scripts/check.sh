#!/usr/bin/env bash
# The whole check, exactly what CI runs: installs what is missing, then formatting, lints on
# both targets, native tests, browser unit tests, the release build, its size, and the
# end-to-end tests against the built site. Every step runs even if an earlier one failed
# (except those that need the build); the exit status is non-zero if anything failed.
#
# The last line is "N passed, N failed, N skipped": the tests that cargo and node counted,
# plus one failure for each non-test step (fmt, clippy, build, size) that failed and each
# test step that failed without reporting its tests (e.g. it did not compile).
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

scripts/setup.sh || {
    echo "check: setup failed"
    echo "0 passed, 1 failed"
    exit 1
}
export PATH="$HOME/.cargo/bin:$PATH"

logs=$(mktemp -d)
cleanup() {
    # The end-to-end server, if a run was cut short while it was up.
    [ -f "$logs/server.pid" ] && kill "$(cat "$logs/server.pid")" 2>/dev/null
    rm -rf "$logs"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

passed=0 failed=0 skipped=0
summary=()
started=$SECONDS

# Adds the counts from cargo's "test result:" lines and node's TAP summary in $1 (a
# cancelled node test counts as failed, an ignored or skipped one as skipped).
count_tests() {
    local counts
    counts=$(awk '
        /^test result: / { for (i = 1; i <= NF; i++) {
            if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) s += $i } n++ }
        /^# (pass|fail|cancelled|skipped|todo) [0-9]+$/ {
            if ($2 == "pass") p += $3; else if ($2 == "fail" || $2 == "cancelled") f += $3; else s += $3; n++ }
        END { printf "%d %d %d %d", p, f, s, n }' "$1")
    read -r p f s n <<<"$counts"
    passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
    reported=$n
}

# step KIND NAME COMMAND...: runs the command, shows its output, and records the outcome.
# KIND is "test" for a test runner whose counts are read, "check" for anything else.
step() {
    local kind=$1 name=$2
    shift 2
    local log="$logs/step.log" t0=$SECONDS status
    echo
    echo "==> $name"
    "$@" 2>&1 | tee "$log"
    status=${PIPESTATUS[0]}
    reported=0
    [ "$kind" = test ] && count_tests "$log"
    if [ "$status" -eq 0 ]; then
        summary+=("ok      $name ($((SECONDS - t0)) s)")
    else
        summary+=("FAILED  $name ($((SECONDS - t0)) s)")
        # A failed step that counted no failing test adds one failure of its own.
        if [ "$kind" = check ] || [ "$reported" -eq 0 ] || ! grep -qE '^test result: FAILED|^# (fail|cancelled) [1-9]' "$log"; then
            failed=$((failed + 1))
        fi
    fi
    return "$status"
}

skip() {
    echo
    echo "==> $1: skipped ($2)"
    summary+=("skipped $1 ($2)")
}

# Serves dist/ on a free port of 127.0.0.1, runs the end-to-end tests against it, and stops
# the server whatever happens.
e2e() {
    local port server status
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    python3 -m http.server "$port" --bind 127.0.0.1 --directory dist >"$logs/http.log" 2>&1 &
    server=$!
    echo "$server" >"$logs/server.pid"
    for _ in $(seq 100); do
        python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break
        sleep 0.1
    done
    (
        cd e2e || exit 1
        # Every *.test.js and *.test.mjs file under e2e/, outside node_modules.
        mapfile -t files < <(find . -name node_modules -prune -o -type f \( -name '*.test.js' -o -name '*.test.mjs' \) -print | sort)
        echo "running ${#files[@]} test files: ${files[*]}"
        E2E_BASE_URL="http://127.0.0.1:$port/" timeout 1800 node --test \
            --test-reporter=spec --test-reporter-destination=stdout \
            --test-reporter=tap --test-reporter-destination="$logs/e2e.tap" \
            "${files[@]}"
    )
    status=$?
    # Only the TAP summary is counted, so the spec lines above are not counted twice.
    grep -E '^# (pass|fail|cancelled|skipped|todo) ' "$logs/e2e.tap"
    kill "$server" 2>/dev/null
    wait "$server" 2>/dev/null
    rm -f "$logs/server.pid"
    return "$status"
}

step check "cargo fmt --check" cargo fmt --all --check
step check "clippy (native)" cargo clippy --all-targets -- -D warnings
step check "clippy (wasm32)" cargo clippy --target wasm32-unknown-unknown --lib --bins -- -D warnings
step test "cargo test --release" cargo test --release --no-fail-fast

if [ -f tests/web.rs ]; then
    step test "browser unit tests (tests/web.rs)" \
        env CHROMEDRIVER=/usr/bin/chromedriver CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
        cargo test --target wasm32-unknown-unknown --no-fail-fast --test web
else
    skip "browser unit tests" "tests/web.rs does not exist yet"
fi

rm -rf dist
if step check "trunk build --release" trunk build --release; then
    step check "size of dist/" scripts/size.sh
    step test "end-to-end tests (e2e/)" e2e
    # The page benchmark, only as a check that it still runs (its figures are in bench/).
    step check "page benchmark (smoke)" bench/browser.sh --smoke --no-throughput dist
else
    skip "size of dist/" "no build"
    skip "end-to-end tests" "no build"
    skip "page benchmark (smoke)" "no build"
fi

echo
echo "==> summary ($((SECONDS - started)) s; screenshots in $root/e2e/screenshots/)"
printf '  %s\n' "${summary[@]}"
echo
if [ "$skipped" -gt 0 ]; then
    echo "$passed passed, $failed failed, $skipped skipped"
else
    echo "$passed passed, $failed failed"
fi
[ "$failed" -eq 0 ] && ! printf '%s\n' "${summary[@]}" | grep -q '^FAILED'

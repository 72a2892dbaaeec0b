# What bench/browser.sh and bench/soak.sh share. Sourced from the repository root by a
# script that has set `me` (its name, for messages) and `dist` (the DIST it was given, or
# empty).

export PATH="$HOME/.cargo/bin:$PATH"

# other_arg ARG: an argument that none of the script's own options matched. -h and --help
# print the script's opening comment (its usage), another option is an error, anything
# else is DIST.
other_arg() {
    case $1 in
        -h | --help) sed -n '2,/^set /p' "$0"; exit 0 ;;
        -*) echo "$me: unknown option $1" >&2; exit 2 ;;
        *) dist=$1 ;;
    esac
}

# ensure_dist: makes $dist the absolute path of the built site: as given, else dist/ of
# this repository, built with `trunk build --release` if missing. Exits if it has no
# index.html, or if e2e/node_modules has no playwright-core.
ensure_dist() {
    if [ -z "$dist" ]; then
        dist=$PWD/dist
        if [ ! -f "$dist/index.html" ]; then
            echo "$me: no dist/ yet, building it (trunk build --release)" >&2
            trunk build --release >&2
        fi
    fi
    [ -f "$dist/index.html" ] || { echo "$me: no index.html in $dist" >&2; exit 1; }
    dist=$(cd "$dist" && pwd)
    [ -d e2e/node_modules/playwright-core ] || { echo "$me: no e2e/node_modules: run scripts/setup.sh" >&2; exit 1; }
}

# make_work: makes the scratch directory $work; on exit the server (see serve_dir), if one
# was started, is stopped and $work removed.
make_work() {
    work=$(mktemp -d)
    server=
    trap cleanup EXIT
    trap 'exit 130' INT TERM
}
cleanup() {
    if [ -n "$server" ]; then
        kill "$server" 2>/dev/null || true
        wait "$server" 2>/dev/null || true
    fi
    rm -rf "$work"
}

# serve_dir DIR [PATH]: serves DIR with `python3 -m http.server` on a free port of
# 127.0.0.1, its log in $work/http.log (after make_work), and waits (10 s at most) until
# http://127.0.0.1:$port/PATH answers. Sets $port and $server.
serve_dir() {
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    python3 -m http.server "$port" --bind 127.0.0.1 --directory "$1" >"$work/http.log" 2>&1 &
    server=$!
    for _ in $(seq 100); do
        python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/${2:-}')" 2>/dev/null && break
        sleep 0.1
    done
}

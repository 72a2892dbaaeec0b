#!/usr/bin/env bash
# Installs what is missing, then builds the site in release mode and serves it at
# http://127.0.0.1:8080/ (PORT=9000 scripts/serve.sh for another port), rebuilding on edits.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
port=${PORT:-${1:-8080}}
echo "serve: building, then serving at http://127.0.0.1:$port/ (Ctrl-C stops)"
exec trunk serve --release --address 127.0.0.1 --port "$port"

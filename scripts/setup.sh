#!/usr/bin/env bash
# Installs everything the build and the tests need on a Debian 12 machine, and only what is
# missing: a second run does nothing and takes a few seconds. Prints one line per tool.
#
# Every tool comes from a package registry (crates.io, npm, Debian); nothing is downloaded
# from anywhere else, and no browser is fetched by Playwright.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export PATH="$HOME/.cargo/bin:$PATH"
export DEBIAN_FRONTEND=noninteractive
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

TRUNK_VERSION=0.21.14
BINARYEN_VERSION=132
PLAYWRIGHT_CORE_VERSION=1.65.1

started=$SECONDS
report() { printf '  %-24s %s\n' "$1" "$2"; }
die() {
    echo "setup: $*" >&2
    exit 1
}

# Root can run apt-get and npm -g directly; anyone else needs sudo for those two.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_updated=false
apt_install() {
    if [ "$apt_updated" = false ]; then
        as_root apt-get update -qq
        apt_updated=true
    fi
    as_root apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

echo "setup: checking tools"
command -v cargo >/dev/null && command -v rustup >/dev/null || die "rustup and cargo are required"

# --- Rust target and components -------------------------------------------------------------
if rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    report "wasm32 target" present
else
    rustup target add wasm32-unknown-unknown
    report "wasm32 target" installed
fi

installed_components=$(rustup component list --installed)
for component in rustfmt clippy; do
    if grep -q "^$component" <<<"$installed_components"; then
        report "$component" present
    else
        rustup component add "$component"
        report "$component" installed
    fi
done

# --- trunk -------------------------------------------------------------------------------------
# 0.21.14 is the newest trunk that builds with this rustc; a cold compile takes ~20 min.
if [ "$(trunk --version 2>/dev/null || true)" = "trunk $TRUNK_VERSION" ]; then
    report "trunk $TRUNK_VERSION" present
else
    cargo install trunk --version "$TRUNK_VERSION" --locked
    report "trunk $TRUNK_VERSION" installed
fi

# --- wasm-bindgen-cli: must equal the wasm-bindgen crate in Cargo.lock --------------------------
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$bindgen_version" ] || die "no wasm-bindgen package in Cargo.lock"
if [ "$(wasm-bindgen --version 2>/dev/null || true)" = "wasm-bindgen $bindgen_version" ] &&
    command -v wasm-bindgen-test-runner >/dev/null; then
    report "wasm-bindgen $bindgen_version" present
else
    # Without --locked: the CLI's own lockfile names a crate version crates.io no longer has.
    cargo install wasm-bindgen-cli --version "$bindgen_version" --force
    report "wasm-bindgen $bindgen_version" installed
fi

# --- wasm-opt from npm's binaryen ---------------------------------------------------------------
# Debian's binaryen (108) emits wasm that fails at run time, so it must not be on PATH.
if dpkg-query -W -f='${Status}' binaryen 2>/dev/null | grep -q "install ok installed"; then
    as_root apt-get remove -y -qq binaryen >/dev/null
    report "debian binaryen" removed
fi
command -v npm >/dev/null || apt_install nodejs npm
if wasm-opt --version 2>/dev/null | grep -q "version $BINARYEN_VERSION\b"; then
    report "wasm-opt $BINARYEN_VERSION" present
else
    as_root npm install -g --no-progress "binaryen@$BINARYEN_VERSION.0.0" >/dev/null
    hash -r
    wasm-opt --version | grep -q "version $BINARYEN_VERSION\b" ||
        die "wasm-opt on PATH is not version $BINARYEN_VERSION: $(command -v wasm-opt)"
    report "wasm-opt $BINARYEN_VERSION" installed
fi

# --- Chromium and ChromeDriver from Debian -------------------------------------------------------
if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
    report "chromium" present
else
    apt_install chromium chromium-driver
    report "chromium" installed
fi

# --- python3 serves dist/ for the end-to-end tests ---------------------------------------------
if command -v python3 >/dev/null; then
    report "python3" present
else
    apt_install python3
    report "python3" installed
fi

# --- playwright-core and axe-core for the end-to-end tests ---------------------------------------
# A stamp of package.json + package-lock.json tells whether node_modules is stale; `npm ci`
# installs exactly the lockfile's versions (axe-core included), and again only when it changes.
stamp=e2e/node_modules/.setup-stamp
if [ -f e2e/package-lock.json ]; then
    want=$(cat e2e/package.json e2e/package-lock.json | sha256sum | cut -d' ' -f1)
    if [ -d e2e/node_modules/playwright-core ] && [ -d e2e/node_modules/axe-core ] && [ "$(cat "$stamp" 2>/dev/null || true)" = "$want" ]; then
        report "playwright-core" present
    else
        (cd e2e && npm ci --no-progress --loglevel=error >/dev/null)
        echo "$want" >"$stamp"
        report "playwright-core" installed
    fi
else
    # First time only: make the lockfile, which is then committed.
    (cd e2e && npm install --no-progress --loglevel=error --save-exact "playwright-core@$PLAYWRIGHT_CORE_VERSION" >/dev/null)
    cat e2e/package.json e2e/package-lock.json | sha256sum | cut -d' ' -f1 >"$stamp"
    report "playwright-core" "installed (new e2e/package-lock.json: commit it)"
fi

# --- crates -------------------------------------------------------------------------------------
# trunk builds with `cargo --offline` (Trunk.toml), so every crate must be downloaded first.
cargo fetch --quiet
report "crates" fetched

echo "setup: done in $((SECONDS - started)) s"

#!/usr/bin/env bash
# Runs Cashfree's own Node SDK (npm `cashfree-verification`, pinned in
# tests/node-sdk/package-lock.json) against the local sandbox: see
# tests/node-sdk/check.js for what it asserts.
#
#   bash tests/node-sdk.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v npm >/dev/null; then
    sudo_=""
    [ "$(id -u)" -eq 0 ] || sudo_="sudo"
    $sudo_ apt-get install -y -q nodejs npm >/dev/null 2>&1 \
        || { $sudo_ apt-get update -q >/dev/null && $sudo_ apt-get install -y -q nodejs npm >/dev/null; }
fi
node --version

cargo build --quiet --locked -p cashfree-vkyc-sandbox
(cd tests/node-sdk && npm ci --no-audit --no-fund --loglevel=error)
node tests/node-sdk/check.js target/debug/cashfree-vkyc-sandbox

#!/usr/bin/env bash
# Runs Cashfree's own Node SDK (npm `cashfree-verification`, pinned in
# tests/node-sdk/package-lock.json) against the local sandbox: see
# tests/node-sdk/check.js for what it asserts.
#
#   bash tests/node-sdk.sh
set -euo pipefail
cd "$(dirname "$0")/.."

command -v npm >/dev/null || { echo "Node.js and npm are required (Debian: nodejs npm)" >&2; exit 1; }
node --version

cargo build --quiet --locked -p cashfree-vkyc-sandbox
(cd tests/node-sdk && npm ci --no-audit --no-fund --loglevel=error)
node tests/node-sdk/check.js target/debug/cashfree-vkyc-sandbox

#!/usr/bin/env bash
# Checks the sandbox against the normalized specs with schemathesis: every
# answer must be documented (status code, content type, body schema), and
# no request may cause a 5xx.
#
#   bash tests/schemathesis.sh [SECONDS_PER_SPEC]   (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"

if ! command -v st >/dev/null; then
    python3 -m pip install --quiet --disable-pip-version-check 'schemathesis>=4,<5'
fi

cargo build --quiet --locked -p cashfree-vkyc-sandbox
out="$(mktemp)"
./target/debug/cashfree-vkyc-sandbox --port 0 >"$out" 2>/dev/null &
sandbox=$!
trap 'kill "$sandbox" 2>/dev/null || true; rm -f "$out"' EXIT
for _ in $(seq 100); do
    [ -s "$out" ] && break
    sleep 0.1
done
base="$(head -n 1 "$out")"
[ -n "$base" ] || { echo "the sandbox did not start" >&2; exit 1; }

checks=not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance
status=0
for spec in ppi verification-suite; do
    url="$base"
    [ "$spec" = verification-suite ] && url="$base/verification"
    echo "== schemathesis: specs/openapi/$spec.json against $url"
    report="$(mktemp)"
    if st run "specs/openapi/$spec.json" --url "$url" \
        -H "x-client-id: schemathesis" -H "x-client-secret: schemathesis-secret" \
        --checks "$checks" --max-time "$seconds" --warnings off >"$report" 2>&1; then
        sed -n '/SUMMARY/,$p' "$report"
    else
        # What failed, and how to replay it.
        sed -n '/FAILURES/,$p' "$report"
        status=1
    fi
    rm -f "$report"
done
exit "$status"

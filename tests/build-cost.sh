#!/usr/bin/env bash
# What the facade adds to a downstream crate's clean build: two scratch
# crates outside the workspace, one depending on `cashfree-vkyc` (default
# features), one on reqwest (same TLS, `json`) and serde_json alone, built
# alternately with empty target folders. Prints each build's seconds and
# each round's ratio, then the median ratio.
#
#   bash tests/build-cost.sh [ROUNDS]   (default 3)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# A copy of the workspace as it is now, so that edits during the run do not
# change what is measured.
mkdir -p "$work/facade/src" "$work/plain/src" "$work/workspace"
tar -C "$root" --exclude=./target --exclude=./.git --exclude=./tests/fuzz -cf - . | tar -C "$work/workspace" -xf -
cat >"$work/facade/Cargo.toml" <<EOF
[package]
name = "facade"
version = "0.1.0"
edition = "2024"

[dependencies]
cashfree-vkyc = { path = "$work/workspace/crates/cashfree-vkyc" }

[workspace]

# Built as the registry's copy would be: cargo compiles path dependencies
# incrementally, which costs a clean build seconds, and registry
# dependencies never.
[profile.dev.package.cashfree-vkyc]
incremental = false
[profile.dev.package.cashfree-vkyc-raw]
incremental = false
EOF
cat >"$work/facade/src/main.rs" <<'EOF'
fn main() {
    let client = cashfree_vkyc::Client::new("id", "secret", cashfree_vkyc::Environment::Sandbox);
    println!("{}", client.is_ok());
}
EOF
cat >"$work/plain/Cargo.toml" <<'EOF'
[package]
name = "plain"
version = "0.1.0"
edition = "2024"

[dependencies]
reqwest = { version = "0.13", default-features = false, features = ["json", "rustls"] }
serde_json = "1"

[workspace]
EOF
cat >"$work/plain/src/main.rs" <<'EOF'
fn main() {
    let client = reqwest::Client::builder().build();
    println!("{} {}", client.is_ok(), serde_json::json!({"a": 1}));
}
EOF
# The same dependency versions on both sides: the facade's lock file.
cp "$root/Cargo.lock" "$work/facade/Cargo.lock"
cp "$root/Cargo.lock" "$work/plain/Cargo.lock"
for c in facade plain; do
    (cd "$work/$c" && cargo fetch --quiet)
done

build() {
    rm -rf "$work/$1/target"
    local start end
    start=$(date +%s.%N)
    (cd "$work/$1" && cargo build --quiet --offline)
    end=$(date +%s.%N)
    echo "$end - $start" | bc
}

# One untimed build first: the first build after copying the tree reads
# every source from disk and would count that against whichever crate
# goes first.
build facade >/dev/null

ratios=()
for round in $(seq "$rounds"); do
    f=$(build facade)
    p=$(build plain)
    r=$(printf '%.3f' "$(echo "scale=4; $f / $p" | bc)")
    ratios+=("$r")
    printf 'round %s: facade %.1f s, reqwest + serde_json %.1f s, ratio %s\n' "$round" "$f" "$p" "$r"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "median ratio over $rounds rounds: $median"

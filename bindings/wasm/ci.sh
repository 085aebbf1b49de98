#!/usr/bin/env bash
# CI for @hookshield/wasm: toolchain, npm ci, build (dist/web + dist/node), tests.
# Run from the repository root: bash bindings/wasm/ci.sh
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$repo"

echo "== wasm: toolchain"
rustup target add wasm32-unknown-unknown
WASM_BINDGEN_VERSION=0.2.130
bindgen_root="$HOME/.cache/hookshield/wasm-bindgen-cli-$WASM_BINDGEN_VERSION"
if ! "$bindgen_root/bin/wasm-bindgen" --version 2>/dev/null | grep -qx "wasm-bindgen $WASM_BINDGEN_VERSION"; then
  echo "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION into $bindgen_root (takes a few minutes)"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --root "$bindgen_root"
fi
export WASM_BINDGEN="$bindgen_root/bin/wasm-bindgen"

echo "== wasm: format"
cargo fmt -p hookshield-wasm -- --check

cd bindings/wasm
echo "== wasm: npm ci"
npm ci --no-audit --no-fund

echo "== wasm: build"
npm run build
wasm=dist/web/hookshield_wasm_bg.wasm
echo "$wasm: $(wc -c < "$wasm") bytes, $(gzip -9 -c "$wasm" | wc -c) bytes gzipped (gzip -9)"

echo "== wasm: benchmark smoke run (figures are not checked)"
BENCH_TIME_MS=200 node bench/verify.bench.mjs

echo "== wasm: tests (size, workerd, Deno; then the JavaScript layer's tests, shared with the native package, against this build)"
(cd ../node && npm ci --no-audit --no-fund --loglevel=error) # their dev dependencies (Express, Fastify, TypeScript)
npm test

echo "== wasm: the Hono example under workerd (examples/node/hono-worker, over this build; the examples' npm deps and the native package come from bindings/node/ci.sh)"
(cd ../../examples/node && npm ci --no-audit --no-fund --loglevel=error && HOOKSHIELD_REQUIRE_WASM=1 node --test --test-name-pattern=workerd examples.test.js)

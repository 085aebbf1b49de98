#!/usr/bin/env bash
# CI for the Node binding (npm package `hookshield`), run from anywhere (.ci/run calls it
# from the repo root): install the npm dev dependencies, build the release addon with
# the napi CLI, check that the committed generated loader (index.js/index.d.ts) is what
# the build generates, type-check, run every test (API, vectors, integrations over HTTP,
# tsc checks, RedisStore against a real redis-server, which must be on PATH) and the
# examples' smoke test.
set -euo pipefail
cd "$(dirname "$0")"

echo "== node $(node --version), npm $(npm --version)"
npm ci --no-audit --no-fund --loglevel=error

echo "== napi build --release"
npm run build --silent

echo "== generated files are up to date"
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  changed="$(git status --porcelain -- index.js index.d.ts)"
  if [ -n "$changed" ]; then
    echo "index.js / index.d.ts differ from what \`npm run build\` generates; commit the regenerated files:" >&2
    echo "$changed" >&2
    git --no-pager diff -- index.js index.d.ts | head -50 >&2
    exit 1
  fi
else
  echo "(not a git checkout: skipped)"
fi

echo "== typecheck"
npm run typecheck --silent

echo "== tests (the RedisStore tests start their own redis-server: $(command -v redis-server || echo 'NOT FOUND'))"
HOOKSHIELD_REQUIRE_REDIS=1 npm test --silent

echo "== examples (examples/node, over HTTP on 127.0.0.1)"
(cd ../../examples/node && npm ci --no-audit --no-fund --loglevel=error && HOOKSHIELD_REQUIRE_REDIS=1 npm test --silent)

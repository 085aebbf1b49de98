#!/usr/bin/env bash
# The Python binding's CI: run from the repository root.
#
#   bindings/python/ci.sh
#
# Creates (or reuses) bindings/python/.venv, installs the test tools and the package
# itself with `pip install ./bindings/python` (maturin builds the abi3 wheel, in
# $CARGO_TARGET_DIR when set, else the workspace's target/), then runs pytest (vectors,
# API, Flask, FastAPI, Django, the WSGI and ASGI apps, RedisStore, the inbox on SQLite
# and Redis, README snippets, examples, typing with mypy and pyright), the benchmark
# code once without timing, and mypy's stubtest. Exits non-zero on any failure. The
# Redis tests start `redis-server` (Debian package redis-server, which .ci/run
# installs) on free 127.0.0.1 ports and stop it.
set -euo pipefail

cd "$(dirname "$0")/../.."
ROOT="$(pwd)"
PKG="$ROOT/bindings/python"
VENV="${HOOKSHIELD_PY_VENV:-$PKG/.venv}"
PYTHON="${PYTHON:-python3}"

if [ ! -x "$VENV/bin/python" ]; then
    echo "==> creating $VENV"
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
"$PY" -m pip install --quiet --upgrade pip
echo "==> installing test tools"
"$PY" -m pip install --quiet -r "$PKG/requirements-dev.txt"
echo "==> pip install ./bindings/python"
"$PY" -m pip install --quiet --force-reinstall --no-deps ./bindings/python

# Tests import the installed package, never the source tree's `python/` folder.
cd "$PKG"
if ! command -v redis-server >/dev/null; then
    echo "redis-server is not on PATH: the RedisStore tests need it (apt-get install redis-server)" >&2
    exit 1
fi
echo "==> pytest"
"$PY" -m pytest -q -p no:cacheprovider tests
echo "==> benchmarks (run once, untimed)"
"$PY" -m pytest -q -p no:cacheprovider benches --benchmark-disable
echo "==> stubtest"
"$PY" -m mypy.stubtest hookshield --allowlist "$PKG/stubtest-allowlist.txt"
echo "==> mypy --strict on the package and the examples"
"$PY" -m mypy --strict --no-incremental -p hookshield
"$PY" -m mypy --strict --no-incremental "$ROOT/examples/python"
echo "python binding: all checks passed"

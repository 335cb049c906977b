#!/usr/bin/env bash
# The README's first command: install what is missing, build, run the demo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh demo
cmake --preset release -DTRACEWIRE_BUILD_TESTS=OFF -DTRACEWIRE_BUILD_BENCH=OFF >/dev/null
cmake --build --preset release --target quickstart
./build/release/examples/quickstart

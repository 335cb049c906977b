#!/usr/bin/env bash
# The README's second command: install what is missing, then build and run every test with
# g++ and with clang++ (warnings are errors), and check that an installed tracewire works
# from another CMake project through find_package.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test
if [ -f tests/peers/package-lock.json ]; then
  npm ci --prefix tests/peers --no-audit --no-fund --loglevel=error
fi

for preset in ci-gcc ci-clang; do
  echo "=== $preset: configure, build, test"
  cmake --preset "$preset" >/dev/null
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done

echo "=== find_package(tracewire) from a separate project"
prefix=$(pwd)/build/ci-gcc/install-root
rm -rf "$prefix" build/cmake-import
cmake --install build/ci-gcc --prefix "$prefix" >/dev/null
cmake -S tests/cmake_import -B build/cmake-import -G Ninja -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build build/cmake-import
ctest --test-dir build/cmake-import --output-on-failure

#!/usr/bin/env bash
# The README's second command: install what is missing, then build and run every test with
# g++ (Debug) and with clang++ under AddressSanitizer and UndefinedBehaviorSanitizer
# (warnings are errors in both), and check that an installed tracewire works from another
# CMake project through find_package.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh test

# Any sanitizer report fails the test that produced it, leaks included. The allocation-
# counting suite replaces the global operator new, which also replaces ASan's; its counts
# still hold, so it runs under ASan too.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

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

#!/usr/bin/env bash
# Builds every test suite with clang++ under AddressSanitizer and UndefinedBehaviorSanitizer
# into build/sanitize and runs it with ctest. Any report fails the test that produced it
# (-fno-sanitize-recover=all, halt_on_error), leaks included.
# Usage: scripts/sanitize.sh [ctest arguments, e.g. -L propagation]
set -euo pipefail
cd "$(dirname "$0")/.."
build=build/sanitize
sanitizers="-fsanitize=address,undefined -fno-sanitize-recover=all"

# -O1 with line tables: fast enough to build on two cores and to run the suites, and still
# symbolized stacks in the reports. Benchmarks and fuzzers are not test suites.
cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE= \
  -DCMAKE_CXX_FLAGS="-O1 -gline-tables-only -fno-omit-frame-pointer $sanitizers" \
  -DCMAKE_EXE_LINKER_FLAGS="$sanitizers" \
  -DTRACEWIRE_WARNINGS_AS_ERRORS=ON -DTRACEWIRE_BUILD_TESTS=ON -DTRACEWIRE_BUILD_EXAMPLES=ON \
  -DTRACEWIRE_BUILD_BENCH=OFF -DTRACEWIRE_BUILD_FUZZERS=OFF >/dev/null
cmake --build "$build" -j2

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# tracewire_allocation_tests replaces the global operator new to count allocations on the
# application thread; under ASan that replacement takes the place of ASan's own operator new
# (losing its new/delete mismatch checks) and the counts still hold, so it runs here too.
ctest --test-dir "$build" --output-on-failure "$@"

#!/usr/bin/env bash
# The README's second command: install what is missing, then build and run every test with
# g++ (Debug, every component required, the API reference) and with clang++ under
# AddressSanitizer and UndefinedBehaviorSanitizer (warnings are errors in both), then the
# packaging tests (tests/packaging: installs, the vcpkg port, the Conan recipe, consumer
# projects). Ends with the list of test suites it skipped and why.
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
  cmake --preset "$preset"
  cmake --build --preset "$preset"
  ctest --preset "$preset"
done

echo "=== packaging: installs, the vcpkg port, the Conan recipe, consumer projects (tests/packaging)"
rm -rf build/packaging
cmake -S tests/packaging -B build/packaging -G Ninja
ctest --test-dir build/packaging --output-on-failure -j2

echo "=== skipped test suites"
skipped=false
for preset in ci-gcc ci-clang; do
  list=build/$preset/tests/skipped-suites.txt
  if [ -s "$list" ]; then
    sed "s/^/$preset: /" "$list"
    skipped=true
  fi
done
[ "$skipped" = true ] || echo "none"

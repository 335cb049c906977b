#!/usr/bin/env bash
# Every test suite built by clang++ under AddressSanitizer and UndefinedBehaviorSanitizer
# (the ci-clang preset, which scripts/test.sh also runs) and run with ctest.
# Usage: scripts/sanitize.sh [ctest arguments, e.g. -L propagation]
set -euo pipefail
cd "$(dirname "$0")/.."
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
cmake --preset ci-clang
cmake --build --preset ci-clang
ctest --preset ci-clang "$@"

#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) into build/fuzz and runs each for
# SECONDS (default 60) on a copy of its committed seed corpus. Fails on the first crash,
# leak, sanitizer report or broken property; the input that did it is left in build/fuzz/.
# Usage: tests/fuzz/run.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
build=build/fuzz
targets=(fuzz_trace_context fuzz_baggage fuzz_jaeger fuzz_b3 fuzz_xray fuzz_partial_success fuzz_proto_reader
         fuzz_retry_after)

cmake -S . -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DTRACEWIRE_BUILD_FUZZERS=ON -DTRACEWIRE_BUILD_TESTS=OFF -DTRACEWIRE_BUILD_EXAMPLES=OFF \
  -DTRACEWIRE_BUILD_BENCH=OFF -DTRACEWIRE_WARNINGS_AS_ERRORS=ON >/dev/null
cmake --build "$build" --target "${targets[@]}" -j2

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
for target in "${targets[@]}"; do
  corpus="$build/corpus/$target"
  mkdir -p "$corpus" "$build/artifacts/$target"
  # Baggage headers are propagated up to 8192 bytes; the other formats are short.
  max_len=4096
  [ "$target" = fuzz_baggage ] && max_len=12000
  echo "=== $target: ${seconds}s"
  "$build/tests/fuzz/$target" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$target/" "$corpus" "tests/fuzz/corpus/$target" 2>"$build/$target.log" || {
    tail -n 60 "$build/$target.log"
    echo "$target FAILED (log: $build/$target.log)" >&2
    exit 1
  }
  grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb)" "$build/$target.log" || true
done

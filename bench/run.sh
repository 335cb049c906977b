#!/usr/bin/env bash
# One command for the whole benchmark suite: installs what it needs (Debian packages),
# builds tracewire_bench in Release, runs every benchmark and prints the table of
# measures against the targets of bench/README.md.
#
# Usage: bench/run.sh [--readme] [extra Google Benchmark flags, e.g. --benchmark_filter=Span]
#   --readme  also rewrites the cost table of README.md from this run (machine, compiler,
#             date, commit): the only way its figures change. Use it with the whole suite.
# Environment: BUILD_DIR (default build/bench-release), REPETITIONS (default 5),
#              CXX (compiler, default the system's c++), JOBS (default 2).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$root/build/bench-release}
repetitions=${REPETITIONS:-5}

readme=()
if [ "${1:-}" = --readme ]; then
  shift
  readme=(--readme "$root/README.md" --commit "$(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet HEAD || echo '+changes')")
fi

"$root/scripts/install-deps.sh" bench
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DTRACEWIRE_BUILD_BENCH=ON \
  -DTRACEWIRE_BUILD_TESTS=OFF -DTRACEWIRE_BUILD_EXAMPLES=OFF ${CXX:+-DCMAKE_CXX_COMPILER="$CXX"} >/dev/null
cmake --build "$build" --target tracewire_bench -j"${JOBS:-2}"

# Medians of several repetitions: this machine is shared and noisy.
json=$build/bench.json
"$build/bench/tracewire_bench" --benchmark_repetitions="$repetitions" --benchmark_report_aggregates_only=true \
  --benchmark_out="$json" --benchmark_out_format=json "$@"
echo
/usr/bin/python3 "$root/bench/report.py" "$json" "${readme[@]}"
echo
echo "JSON: $json"

// Inlining hints for the span hot path.
#pragma once

// The span hot path keeps its commonest cases in small inline functions and moves the rest
// out of line: a large function inlined into every caller saves and restores many
// registers even when it takes its shortest path, which is most of an unsampled span's cost
// (guarded by `BM_SpanUnsampledChild` in bench/bench_tracer.cpp). Portable code falls back
// to the compiler's choice.
#if defined(__GNUC__)
#define TRACEWIRE_NOINLINE __attribute__((noinline))
#define TRACEWIRE_COLD __attribute__((noinline, cold))
#else
#define TRACEWIRE_NOINLINE
#define TRACEWIRE_COLD
#endif

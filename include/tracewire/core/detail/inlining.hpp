// Inlining hints for the span hot path.
#pragma once

// The span hot path keeps its commonest cases in small inline functions and moves the rest
// out of line: a large function inlined into every caller saves and restores many
// registers even when it takes its shortest path, which is most of an unsampled span's cost
// (guarded by `BM_SpanUnsampledChild` in bench/bench_tracer.cpp). Portable code falls back
// to the compiler's choice.
// TRACEWIRE_ALWAYS_INLINE is for a helper that several callers share but that must compile
// as if written out in each (its arguments would otherwise be passed on the stack).
#if defined(__GNUC__)
#define TRACEWIRE_NOINLINE __attribute__((noinline))
#define TRACEWIRE_COLD __attribute__((noinline, cold))
#define TRACEWIRE_ALWAYS_INLINE __attribute__((always_inline)) inline
#else
#define TRACEWIRE_NOINLINE
#define TRACEWIRE_COLD
#define TRACEWIRE_ALWAYS_INLINE inline
#endif

// Span start+end costs on the application thread, against the clock reads a span needs;
// and resident memory while the backend is down.
#include <benchmark/benchmark.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/pipeline.hpp"
#include "tracewire/core/clock.hpp"
#include "tracewire/trace/span_exporter.hpp"
#include "tracewire/trace/batch_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"

// Counts operator new calls on threads that ask for it, so the span benchmarks report
// allocations per span next to their time (the test tests/test_allocations.cpp proves 0).
namespace {
thread_local bool count_allocations = false;
thread_local std::uint64_t allocation_count = 0;
}  // namespace

// Out of line: inlined into callers, g++ would pair this malloc with their delete and warn.
#if defined(__GNUC__)
#define TRACEWIRE_BENCH_NOINLINE __attribute__((noinline))
#else
#define TRACEWIRE_BENCH_NOINLINE
#endif
TRACEWIRE_BENCH_NOINLINE void* operator new(std::size_t size) {
  if (count_allocations) ++allocation_count;
  if (void* memory = std::malloc(size ? size : 1)) return memory;
  throw std::bad_alloc();
}
TRACEWIRE_BENCH_NOINLINE void operator delete(void* memory) noexcept { std::free(memory); }
TRACEWIRE_BENCH_NOINLINE void operator delete(void* memory, std::size_t) noexcept { std::free(memory); }

namespace {

using namespace tracewire;
using tracewire_bench::Pipeline;
using tracewire_bench::sampled_pipeline;

// The report names the compiler and build next to the machine Google Benchmark describes.
const bool context_added = [] {
#if defined(__clang__)
  benchmark::AddCustomContext("compiler", "clang++ " __clang_version__);
#elif defined(__GNUC__)
  benchmark::AddCustomContext("compiler", "g++ " __VERSION__);
#endif
#if defined(NDEBUG)
  benchmark::AddCustomContext("tracewire_build", "Release (NDEBUG)");
#else
  benchmark::AddCustomContext("tracewire_build", "not Release: figures are meaningless");
#endif
  return true;
}();

/// Brackets a single-threaded span loop: counts allocations, then checks after a flush that
/// every span reached the exporter (or was counted as dropped), so nothing was optimised away.
class SpanLoopCheck {
 public:
  SpanLoopCheck(benchmark::State& state, Pipeline& pipeline) : state_(state), pipeline_(pipeline) {
    pipeline.provider->force_flush();  // spans of an earlier benchmark are not this one's
    exported_before_ = pipeline.sink->exported();
    dropped_before_ = pipeline.processor->stats().dropped_queue_full;
    allocation_count = 0;
    count_allocations = true;
  }
  /// `extra_spans`: spans ended outside the loop (a parent), which the exporter also sees.
  void finish(bool sampled, std::uint64_t extra_spans = 0) {
    count_allocations = false;
    const auto spans = static_cast<double>(state_.iterations());
    state_.counters["allocations_per_span"] = static_cast<double>(allocation_count) / spans;
    pipeline_.provider->force_flush();
    const double exported = static_cast<double>(pipeline_.sink->exported() - exported_before_);
    const double dropped = static_cast<double>(pipeline_.processor->stats().dropped_queue_full - dropped_before_);
    state_.counters["dropped_per_span"] = dropped / spans;
    if (exported + dropped != (sampled ? spans + static_cast<double>(extra_spans) : 0.0))
      state_.SkipWithError("the exporter did not see every span");
    state_.SetItemsProcessed(static_cast<std::int64_t>(spans));
  }

 private:
  benchmark::State& state_;
  Pipeline& pipeline_;
  std::size_t exported_before_ = 0;
  std::uint64_t dropped_before_ = 0;
};

/// The two clock reads one sampled span performs (start and end).
void BM_ClockReads(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(now_unix_nano());
    benchmark::DoNotOptimize(now_unix_nano());
  }
}
BENCHMARK(BM_ClockReads);

void BM_SpanSampled(benchmark::State& state) {
  Pipeline& pipeline = sampled_pipeline();
  if (state.threads() > 1) {
    // Both threads share the pipeline; the per-thread figure is CPU time per span.
    for (auto _ : state) {
      auto span = pipeline.tracer.start_span("operation");
      benchmark::DoNotOptimize(span.context());
    }
    state.SetItemsProcessed(state.iterations());
    return;
  }
  SpanLoopCheck check(state, pipeline);
  for (auto _ : state) {
    auto span = pipeline.tracer.start_span("operation");
    benchmark::DoNotOptimize(span.context());
  }
  check.finish(true);
}
BENCHMARK(BM_SpanSampled);
BENCHMARK(BM_SpanSampled)->Threads(2)->UseRealTime();

void BM_SpanSampledAttrsEvent(benchmark::State& state) {
  Pipeline& pipeline = sampled_pipeline();
  SpanLoopCheck check(state, pipeline);
  for (auto _ : state) {
    auto span = pipeline.tracer.start_span("operation");
    span.set_attribute("http.request.method", "GET");
    span.set_attribute("http.response.status_code", 200);
    span.set_attribute("app.ratio", 0.25);
    span.add_event("decoded", {{"happened", true}});
  }
  check.finish(true);
}
BENCHMARK(BM_SpanSampledAttrsEvent);

/// A root span under always_off: not recorded, but its context still propagates.
void BM_SpanUnsampled(benchmark::State& state) {
  static Pipeline pipeline(std::make_shared<AlwaysOffSampler>());
  SpanLoopCheck check(state, pipeline);
  for (auto _ : state) {
    auto span = pipeline.tracer.start_span("operation");
    benchmark::DoNotOptimize(span.context());
  }
  check.finish(false);
}
BENCHMARK(BM_SpanUnsampled);

/// A span whose (current) parent was not sampled, under the default parent-based sampler.
void BM_SpanUnsampledChild(benchmark::State& state) {
  static Pipeline pipeline(std::make_shared<ParentBasedSampler>(std::make_shared<AlwaysOnSampler>()));
  SpanContext parent{TraceId::from_halves(1, 2), SpanId::from_u64(3), TraceFlags(0), {}, true};
  Scope scope(Context(std::move(parent)));
  SpanLoopCheck check(state, pipeline);
  for (auto _ : state) {
    auto span = pipeline.tracer.start_span("operation");
    benchmark::DoNotOptimize(span.context());
  }
  check.finish(false);
}
BENCHMARK(BM_SpanUnsampledChild);

/// What making a span current and restoring the previous context costs on its own, done as
/// a span does it (the thread's activation stack, keeping the current baggage): the floor
/// under every span that is current, sampled or not.
void BM_ContextActivation(benchmark::State& state) {
  const SpanContext context{TraceId::from_halves(1, 2), SpanId::from_u64(3), TraceFlags(0), {}, false};
  for (auto _ : state) {
    detail::ThreadContext& thread = detail::ThreadContext::get();
    const detail::Activation activation = thread.push(context, nullptr);
    benchmark::DoNotOptimize(Context::current().span_context());
    thread.pop(activation);
  }
}
BENCHMARK(BM_ContextActivation);

void BM_SpanChild(benchmark::State& state) {
  Pipeline& pipeline = sampled_pipeline();
  std::optional<Span> parent(pipeline.tracer.start_span("parent"));
  SpanLoopCheck check(state, pipeline);
  for (auto _ : state) {
    auto child = pipeline.tracer.start_span("child");
    benchmark::DoNotOptimize(child.context());
  }
  parent.reset();
  check.finish(true, 1);
}
BENCHMARK(BM_SpanChild);

/// Sampled spans started at a fixed rate (the argument, in thousands per second; the
/// producer busy-waits between spans and runs flat out when it cannot keep the rate) into a
/// batch processor with the default queue (2048) and batch (512) sizes. `dropped_per_span`
/// stays 0 up to the rate the pipeline sustains: bench/report.py reports the highest such
/// rate, and the last argument is beyond any producer (a free-running one).
void BM_SpanPaced(benchmark::State& state) {
  static Pipeline pipeline(std::make_shared<AlwaysOnSampler>(), BatchSpanProcessorOptions().max_queue_size);
  const auto interval = std::chrono::nanoseconds(1000000 / state.range(0));
  SpanLoopCheck check(state, pipeline);
  auto next = std::chrono::steady_clock::now();
  for (auto _ : state) {
    while (std::chrono::steady_clock::now() < next) {}
    next += interval;
    auto span = pipeline.tracer.start_span("operation");
    benchmark::DoNotOptimize(span.context());
  }
  check.finish(true);
}
BENCHMARK(BM_SpanPaced)
    ->Arg(250)
    ->Arg(500)
    ->Arg(1000)
    ->Arg(2000)
    ->Arg(4000)
    ->Arg(8000)
    ->Arg(16000)
    ->UseRealTime()
    ->MinTime(0.5);

/// A backend that is down: every export fails after a connection timeout.
class DownBackendExporter final : public SpanExporter {
 public:
  ExportResult export_spans(ArrayView<const SpanData*>) noexcept override {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return ExportResult::failure;
  }
};

double resident_mib() {
  long pages = 0;
  long resident = 0;
  if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(statm, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(statm);
  }
  return static_cast<double>(resident) * 4096.0 / (1024.0 * 1024.0);
}

/// Produces spans at full speed for 10 s into a batch processor (queue 8192) whose backend
/// is down. Resident memory is read after a 1 s warm-up (queue and record pools full) and at
/// the end: it stays flat because the queue bounds what is held, and every span is either
/// failed or counted as dropped.
void BM_BackendDownRss(benchmark::State& state) {
  for (auto _ : state) {
    BatchSpanProcessorOptions batch;
    batch.max_queue_size = 8192;
    auto batch_processor = std::make_unique<BatchSpanProcessor>(std::make_unique<DownBackendExporter>(), batch);
    BatchSpanProcessor& processor = *batch_processor;
    TracerProviderOptions options;
    options.processors.push_back(std::move(batch_processor));
    TracerProvider provider(std::move(options));
    Tracer tracer = provider.tracer("bench");

    const auto start = std::chrono::steady_clock::now();
    double rss_start = 0;
    bool warmed_up = false;
    std::uint64_t spans = 0;
    for (;;) {
      for (int i = 0; i < 1024; ++i, ++spans) {
        auto span = tracer.start_span("operation");
        span.set_attribute("http.request.method", "GET");
        span.set_attribute("http.response.status_code", 200);
      }
      const auto elapsed = std::chrono::steady_clock::now() - start;
      if (!warmed_up && elapsed >= std::chrono::seconds(1)) {
        rss_start = resident_mib();
        warmed_up = true;
      }
      if (elapsed >= std::chrono::seconds(10)) break;
    }
    const double rss_end = resident_mib();
    provider.shutdown(std::chrono::milliseconds(1000));
    const BatchSpanProcessorStats stats = processor.stats();
    const std::uint64_t accounted =
        stats.exported + stats.failed + stats.dropped_queue_full + stats.dropped_after_shutdown;
    state.counters["rss_start_mib"] = rss_start;
    state.counters["rss_end_mib"] = rss_end;
    state.counters["spans"] = static_cast<double>(spans);
    state.counters["dropped"] = static_cast<double>(stats.dropped_queue_full + stats.dropped_after_shutdown);
    state.counters["failed"] = static_cast<double>(stats.failed);
    state.counters["unaccounted_spans"] = static_cast<double>(spans) - static_cast<double>(accounted);
  }
}
BENCHMARK(BM_BackendDownRss)->Iterations(1)->Repetitions(1)->Unit(benchmark::kMillisecond);

}  // namespace

// Span start+end costs on the application thread, against the clock reads a span needs.
#include <benchmark/benchmark.h>

#include <atomic>
#include <memory>

#include "tracewire/core/clock.hpp"
#include "tracewire/export/span_exporter.hpp"
#include "tracewire/trace/batch_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"

namespace {

using namespace tracewire;

/// Counts spans and discards them, so the benchmark measures tracewire, not I/O.
class DiscardingExporter final : public SpanExporter {
 public:
  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    exported.fetch_add(batch.size(), std::memory_order_relaxed);
    return ExportResult::success;
  }
  std::atomic<std::size_t> exported{0};
};

struct Pipeline {
  DiscardingExporter* sink = nullptr;
  std::unique_ptr<TracerProvider> provider;
  Tracer tracer;

  explicit Pipeline(std::shared_ptr<Sampler> sampler) {
    auto exporter = std::make_unique<DiscardingExporter>();
    sink = exporter.get();
    TracerProviderOptions options;
    options.sampler = std::move(sampler);
    BatchSpanProcessorOptions batch;
    batch.max_queue_size = 8192;
    options.processors.push_back(std::make_unique<BatchSpanProcessor>(std::move(exporter), batch));
    provider = std::make_unique<TracerProvider>(std::move(options));
    tracer = provider->tracer("bench");
  }
};

Pipeline& sampled_pipeline() {
  static Pipeline pipeline(std::make_shared<AlwaysOnSampler>());
  return pipeline;
}

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
  for (auto _ : state) {
    auto span = pipeline.tracer.start_span("operation");
    benchmark::DoNotOptimize(span.context());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpanSampled);
BENCHMARK(BM_SpanSampled)->Threads(2)->UseRealTime();

void BM_SpanSampledAttrsEvent(benchmark::State& state) {
  Pipeline& pipeline = sampled_pipeline();
  for (auto _ : state) {
    auto span = pipeline.tracer.start_span("operation");
    span.set_attribute("http.request.method", "GET");
    span.set_attribute("http.response.status_code", 200);
    span.set_attribute("app.ratio", 0.25);
    span.add_event("decoded", {{"happened", true}});
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpanSampledAttrsEvent);

void BM_SpanUnsampled(benchmark::State& state) {
  static Pipeline pipeline(std::make_shared<AlwaysOffSampler>());
  for (auto _ : state) {
    auto span = pipeline.tracer.start_span("operation");
    benchmark::DoNotOptimize(span.context());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpanUnsampled);

void BM_SpanChild(benchmark::State& state) {
  Pipeline& pipeline = sampled_pipeline();
  auto parent = pipeline.tracer.start_span("parent");
  for (auto _ : state) {
    auto child = pipeline.tracer.start_span("child");
    benchmark::DoNotOptimize(child.context());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpanChild);

}  // namespace

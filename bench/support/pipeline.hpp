// Pipeline: a provider whose batch processor (queue 8192) feeds a discarding exporter, warmed
// up to steady state, for the benchmarks that measure what a span costs on their thread.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "tracewire/export/discarding_exporter.hpp"
#include "tracewire/trace/batch_span_processor.hpp"
#include "tracewire/trace/tracer_provider.hpp"

namespace tracewire_bench {

struct Pipeline {
  /// Counts spans and discards them, so the benchmark measures tracewire, not I/O.
  tracewire::DiscardingExporter* sink = nullptr;
  tracewire::BatchSpanProcessor* processor = nullptr;
  std::unique_ptr<tracewire::TracerProvider> provider;
  tracewire::Tracer tracer;

  /// `queue_size`: the batch processor's queue (8192 unless a benchmark measures the default).
  explicit Pipeline(std::shared_ptr<tracewire::Sampler> sampler, std::size_t queue_size = 8192) {
    auto exporter = std::make_unique<tracewire::DiscardingExporter>();
    sink = exporter.get();
    tracewire::TracerProviderOptions options;
    options.sampler = std::move(sampler);
    tracewire::BatchSpanProcessorOptions batch;
    batch.max_queue_size = queue_size;
    auto batch_processor = std::make_unique<tracewire::BatchSpanProcessor>(std::move(exporter), batch);
    processor = batch_processor.get();
    options.processors.push_back(std::move(batch_processor));
    provider = std::make_unique<tracewire::TracerProvider>(std::move(options));
    tracer = provider->tracer("bench");
    warm_up(batch.max_queue_size + batch.max_export_batch_size);
  }

  /// Steady state: the calling thread's record pool grows to the most spans it ever has in
  /// flight (a full queue plus a batch being exported, after an exporter stall), and each
  /// record's buffers to the largest span. Reach that before measuring.
  void warm_up(std::size_t spans) {
    std::vector<tracewire::Span> open;
    open.reserve(spans);
    for (std::size_t i = 0; i < spans; ++i) {
      open.push_back(tracer.start_span("warm-up", tracewire::SpanStartOptions().not_current()));
      open.back().set_attribute("http.request.method", "GET");
      open.back().set_attribute("http.response.status_code", 200);
      open.back().set_attribute("app.ratio", 0.25);
      open.back().add_event("decoded", {{"happened", true}});
    }
    open.clear();
    provider->force_flush();
  }
};

/// The sampled pipeline the benchmarks share (one provider, one warm-up).
inline Pipeline& sampled_pipeline() {
  static Pipeline pipeline(std::make_shared<tracewire::AlwaysOnSampler>());
  return pipeline;
}

}  // namespace tracewire_bench

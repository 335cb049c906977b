// DiscardingExporter: counts exported spans and keeps nothing, for measuring the pipeline itself.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "tracewire/trace/span_exporter.hpp"

namespace tracewire {
inline namespace v0 {

/// Takes every batch, counts its spans and drops them: no encoding, no I/O. For benchmarks,
/// load tests and measuring what the pipeline (tracer, processor, queue, record pools) costs
/// without an exporter's share (`tracewire-gen`'s `OTEL_TRACES_EXPORTER=discard`). The count
/// is an atomic that any thread may read while spans are being exported; a processor usually
/// owns the exporter, so keep a pointer and read it while the processor lives. After
/// `shutdown`, exports fail (and are not counted), as SpanExporter says.
///
/// **Example**:
/// ```
/// auto exporter = std::make_unique<tracewire::DiscardingExporter>();
/// const tracewire::DiscardingExporter& sink = *exporter;
/// options.processors.push_back(std::make_unique<tracewire::BatchSpanProcessor>(std::move(exporter)));
/// ... provider->force_flush(); std::uint64_t spans = sink.exported();
/// ```
class DiscardingExporter final : public SpanExporter {
 public:
  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    if (shut_down_.load(std::memory_order_relaxed)) return ExportResult::failure;
    exported_.fetch_add(batch.size(), std::memory_order_relaxed);
    return ExportResult::success;
  }

  bool shutdown(std::chrono::milliseconds /*timeout*/) noexcept override {
    shut_down_.store(true, std::memory_order_relaxed);
    return true;
  }

  std::string describe() const override { return "DiscardingExporter"; }

  /// `spans_exported` is the count; nothing is ever sent, failed or rejected.
  ExportStats stats() const noexcept override {
    ExportStats stats;
    stats.spans_exported = exported();
    return stats;
  }

  /// Spans exported (and discarded) so far. Any thread; after the processor's `force_flush`
  /// returns, it includes every span that ended before the call.
  std::uint64_t exported() const noexcept { return exported_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> exported_{0};
  std::atomic<bool> shut_down_{false};
};

}  // namespace v0
}  // namespace tracewire

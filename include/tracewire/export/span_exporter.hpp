// SpanExporter: the interface every wire format implements.
#pragma once

#include <chrono>
#include <string>

#include "tracewire/core/attribute_value.hpp"
#include "tracewire/core/span_data.hpp"
#include "tracewire/export/export_stats.hpp"

namespace tracewire {
inline namespace v0 {

enum class ExportResult {
  success,
  failure,  ///< the batch is lost (after any retries); the processor counts its spans
};

/// Sends finished spans somewhere. A processor never calls `export_spans` concurrently,
/// but `force_flush` and `shutdown` may come from another thread. The records in a batch
/// are valid only during the call: copy what must be kept. No method may throw.
///
/// **Example**: a dozen-line exporter that counts spans:
/// ```
/// class Counting : public tracewire::SpanExporter {
///  public:
///   tracewire::ExportResult export_spans(tracewire::ArrayView<const tracewire::SpanData*> batch) noexcept override {
///     count += batch.size();
///     return tracewire::ExportResult::success;
///   }
///   std::atomic<size_t> count{0};
/// };
/// ```
class SpanExporter {
 public:
  virtual ~SpanExporter() = default;

  /// Exports one batch, bounded by the exporter's own timeout.
  virtual ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept = 0;
  /// Completes anything the exporter buffers itself.
  virtual bool force_flush(std::chrono::milliseconds /*timeout*/) noexcept { return true; }
  /// Releases resources; later exports fail. Safe to call twice.
  virtual bool shutdown(std::chrono::milliseconds /*timeout*/) noexcept { return true; }
  /// One line for the startup log, e.g. `OtlpHttpExporter{endpoint=http://localhost:4318/v1/traces}`.
  virtual std::string describe() const { return "SpanExporter"; }
  /// What the exporter has sent and lost so far (network and file exporters count; the
  /// default is all zeros). Callable from any thread.
  virtual ExportStats stats() const noexcept { return {}; }
};

}  // namespace v0
}  // namespace tracewire

// SpanExporter: the interface every wire format implements (the processors' side of it).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "tracewire/core/attribute_value.hpp"
#include "tracewire/core/span_data.hpp"

namespace tracewire {
inline namespace v0 {

/// A snapshot of a network exporter's counters. Every span handed to `export_spans` ends
/// up in exactly one of `spans_exported`, `spans_failed` (the request was lost: refused,
/// timed out, a final error status, or shut down), `spans_rejected` (the receiver
/// accepted the request but reported these spans as dropped in a partial success) and
/// `spans_too_large` (a single span whose encoding exceeds the transport's size limit,
/// e.g. a 65000-byte Jaeger UDP datagram). For UDP, a "request" is one datagram, and
/// exported means the kernel took it: a datagram is never acknowledged.
struct ExportStats {
  std::uint64_t spans_exported = 0;
  std::uint64_t spans_failed = 0;
  std::uint64_t spans_rejected = 0;
  std::uint64_t spans_too_large = 0;
  std::uint64_t requests_sent = 0;     ///< attempts, retries included
  std::uint64_t requests_retried = 0;  ///< attempts that were retries
  std::uint64_t requests_failed = 0;   ///< exports that ended in failure
  /// Encoded bytes handed to the transport (before HTTP compression), retries included.
  std::uint64_t bytes_sent = 0;
};

/// What became of a batch: `ExportResult::success` (the receiver has it),
/// `ExportResult::failure` (lost after any retries; the processor counts its spans as
/// failed), or `ExportResult::partial_success(n)`: accepted, but the receiver reported `n`
/// of its spans as rejected (an OTLP partial success), which the processor counts as
/// rejected rather than exported. An exporter returns one of the first two as it would an
/// enum; comparisons look at the outcome only.
class ExportResult {
 public:
  enum Code : std::uint8_t { success, failure };

  constexpr ExportResult(Code code) noexcept
      : code_(code) {}  // NOLINT(google-explicit-constructor): `return ExportResult::success;`
  static constexpr ExportResult partial_success(std::uint64_t rejected) noexcept {
    ExportResult result(success);
    result.rejected_ = rejected;
    return result;
  }

  constexpr Code code() const noexcept { return code_; }
  /// Spans of an accepted batch that the receiver reported as rejected.
  constexpr std::uint64_t rejected() const noexcept { return rejected_; }

  friend constexpr bool operator==(ExportResult a, ExportResult b) noexcept { return a.code_ == b.code_; }
  friend constexpr bool operator!=(ExportResult a, ExportResult b) noexcept { return a.code_ != b.code_; }

 private:
  Code code_;
  std::uint64_t rejected_ = 0;
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

  /// Exports one batch, bounded by the exporter's own timeout. A batch never holds a null
  /// record (and a processor never passes an empty one).
  virtual ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept = 0;
  /// Exports one batch, giving up at `deadline` if the exporter's own timeout is not reached
  /// first: what a processor calls, so that its export timeout and the deadlines of
  /// `force_flush` and `shutdown` bound every export. The default calls `export_spans`;
  /// exporters that wait on I/O override it.
  virtual ExportResult export_spans_until(ArrayView<const SpanData*> batch,
                                          std::chrono::steady_clock::time_point /*deadline*/) noexcept {
    return export_spans(batch);
  }
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

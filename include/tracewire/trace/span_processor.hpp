// SpanProcessor: what happens to a span when it starts and when it ends.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "tracewire/core/span_data.hpp"
#include "tracewire/trace/context.hpp"

namespace tracewire {
inline namespace v0 {

/// What became of the spans a processor received (ended and sampled). At a quiet moment
/// (after force_flush), `received == exported + rejected + failed + dropped_queue_full +
/// dropped_after_shutdown`; while spans wait for export, `queued` holds the difference.
struct ProcessorStats {
  std::uint64_t received = 0;
  std::uint64_t exported = 0;
  std::uint64_t rejected = 0;            ///< accepted by the receiver, then reported as rejected (OTLP partial success)
  std::uint64_t failed = 0;              ///< in batches the exporter reported lost
  std::uint64_t dropped_queue_full = 0;  ///< the queue was full: dropped, never waited for
  std::uint64_t dropped_after_shutdown = 0;  ///< ended after shutdown, or still queued when its deadline passed
  std::uint64_t queued = 0;                  ///< waiting for export, or being exported

  ProcessorStats& operator+=(const ProcessorStats& other) noexcept {
    received += other.received;
    exported += other.exported;
    rejected += other.rejected;
    failed += other.failed;
    dropped_queue_full += other.dropped_queue_full;
    dropped_after_shutdown += other.dropped_after_shutdown;
    queued += other.queued;
    return *this;
  }
};

/// The deadline of `force_flush()` and `shutdown()` called without one (the OpenTelemetry
/// SDKs' 30 s). A default argument of a virtual function comes from the static type of the
/// call, so every override names this one constant rather than repeating a number.
inline constexpr std::chrono::milliseconds default_flush_timeout{30000};

/// Receives spans from the TracerProvider. `on_start` and `on_end` run on the application
/// thread that starts or ends the span, possibly many at once: they must be thread-safe,
/// fast, non-blocking, and must not throw. `force_flush` and `shutdown` may be called from
/// any thread, are safe to call twice, and return false if their deadline passed.
class SpanProcessor {
 public:
  virtual ~SpanProcessor() = default;

  /// Called with the live record right after a recorded span starts (only if
  /// `wants_on_start()` is true, so processors that do not need it cost nothing).
  virtual void on_start(SpanData& /*span*/, const Context& /*parent*/) noexcept {}
  virtual bool wants_on_start() const noexcept { return false; }

  /// Called with the finished record of every recorded span (sampled or not: check
  /// `span->context().sampled()` before exporting).
  virtual void on_end(SpanDataPtr span) noexcept = 0;

  virtual bool force_flush(std::chrono::milliseconds timeout = default_flush_timeout) noexcept = 0;
  virtual bool shutdown(std::chrono::milliseconds timeout = default_flush_timeout) noexcept = 0;
  /// One line for the startup log, e.g. `BatchSpanProcessor{max_queue=2048, batch=512, delay=5000ms}`.
  virtual std::string describe() const = 0;
  /// What became of the spans so far (all zero for a processor that does not count).
  virtual ProcessorStats stats() const noexcept { return {}; }
};

}  // namespace v0
}  // namespace tracewire

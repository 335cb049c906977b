// SpanProcessor: what happens to a span when it starts and when it ends.
#pragma once

#include <chrono>
#include <string>

#include "tracewire/core/span_data.hpp"
#include "tracewire/trace/context.hpp"

namespace tracewire {
inline namespace v0 {

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

  virtual bool force_flush(std::chrono::milliseconds timeout = std::chrono::milliseconds(30000)) noexcept = 0;
  virtual bool shutdown(std::chrono::milliseconds timeout = std::chrono::milliseconds(30000)) noexcept = 0;
  /// One line for the startup log, e.g. `BatchSpanProcessor{max_queue=2048, batch=512, delay=5000ms}`.
  virtual std::string describe() const = 0;
};

}  // namespace v0
}  // namespace tracewire

// OtlpExportState: what the OTLP/HTTP and OTLP/gRPC exporters share around one send.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include "tracewire/core/logger.hpp"
#include "tracewire/export/detail/http_sender.hpp"
#include "tracewire/export/export_stats.hpp"
#include "tracewire/export/otlp/otlp_encoder.hpp"
#include "tracewire/export/otlp/otlp_partial_success.hpp"
#include "tracewire/export/span_exporter.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// The bookkeeping of an OTLP exporter that does not depend on the transport: the
/// counters, the two rate-limited diagnostics (a failed export; a partial success), the
/// reading of `ExportTraceServiceResponse`, and the gate that lets `shutdown` wait for the
/// export in progress and refuse later ones. Transport-specific code sends; this counts.
/// `endpoint` names the receiver in diagnostics (never a header value).
class OtlpExportState {
 public:
  explicit OtlpExportState(std::string endpoint) : endpoint_(std::move(endpoint)) {}

  /// Marks an export in progress for its lifetime, unless the exporter is shut down.
  class Export {
   public:
    explicit Export(OtlpExportState& state) : state_(state) {
      std::lock_guard<std::mutex> lock(state_.mutex_);
      open_ = !state_.shut_down_;
      state_.exporting_ = state_.exporting_ || open_;
    }
    Export(const Export&) = delete;
    Export& operator=(const Export&) = delete;
    ~Export() {
      if (!open_) return;
      {
        std::lock_guard<std::mutex> lock(state_.mutex_);
        state_.exporting_ = false;
      }
      state_.idle_.notify_all();
    }
    /// False once shut down: fail the batch.
    bool open() const noexcept { return open_; }

   private:
    OtlpExportState& state_;
    bool open_ = false;
  };

  /// Refuses new exports, calls `interrupt` (which stops the send in progress: a retry
  /// wait, a gRPC call), then waits up to `timeout` for that export to return.
  template <class Interrupt>
  bool shutdown(std::chrono::milliseconds timeout, Interrupt interrupt) noexcept {
    std::unique_lock<std::mutex> lock(mutex_);
    shut_down_ = true;
    interrupt();
    return idle_.wait_for(lock, timeout, [this] { return !exporting_; });
  }

  bool shut_down() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return shut_down_;
  }

  /// Counts an accepted request of `spans` spans: a partial success in the response
  /// (`body`, in the request's encoding) counts its rejected spans and is logged, never
  /// retried (specification); the rest count as exported.
  ///
  /// `body_truncated`: the client kept only the beginning of a longer body (only a huge
  /// error message makes a response that long). A partial success is then read from that
  /// beginning, where receivers write its count. When a partial success begins there but
  /// its count does not, how many spans the receiver kept is unknown: the batch counts as
  /// failed — never as exported on an answer that could not be read — the export returns
  /// failure, and this is reported (rate-limited: once, then once a minute). A beginning
  /// that holds no partial success is read like any other body (a garbage 200 is a success).
  ExportResult accepted(std::uint64_t spans, std::string_view body, OtlpEncoding encoding,
                        bool body_truncated = false) {
    std::optional<OtlpPartialSuccess> partial;
    if (body_truncated) {
      OtlpPartialSuccess::PrefixReading reading = OtlpPartialSuccess::parse_prefix(body, encoding);
      if (reading.partial_success && !reading.result) {
        counters_.add(counters_.spans_failed, spans);
        counters_.add(counters_.requests_failed, 1);
        unreadable_log_(LogLevel::warn,
                        "OTLP export to {}: the receiver accepted the request, but its partial-success response was "
                        "longer than the {} bytes read and its count of rejected spans could not be read; {} spans "
                        "counted as failed",
                        endpoint_, body.size(), spans);
        return ExportResult::failure;
      }
      partial = std::move(reading.result);
    } else {
      partial = OtlpPartialSuccess::parse(body, encoding);
    }
    const std::uint64_t rejected =
        partial && partial->rejected_spans > 0
            ? std::min<std::uint64_t>(spans, static_cast<std::uint64_t>(partial->rejected_spans))
            : 0;
    counters_.add(counters_.spans_exported, spans - rejected);
    if (partial) {
      counters_.add(counters_.spans_rejected, rejected);
      partial_log_(LogLevel::warn, "OTLP export to {}: the receiver rejected {} of {} spans: {}{}", endpoint_, rejected,
                   spans, body_excerpt(partial->error_message), body_truncated ? " (response cut)" : "");
    }
    return ExportResult::partial_success(rejected);
  }

  /// Counts `spans` as lost and reports `reason` (rate-limited: first failure, then once a
  /// minute with the number suppressed).
  ExportResult fail(std::uint64_t spans, std::string_view reason) noexcept {
    counters_.add(counters_.spans_failed, spans);
    counters_.add(counters_.requests_failed, 1);
    failure_log_(LogLevel::error, "OTLP export to {} failed, {} spans lost: {}", endpoint_, spans, reason);
    return ExportResult::failure;
  }

  static std::uint64_t count_spans(ArrayView<const SpanData*> batch) noexcept {
    std::uint64_t count = 0;
    for (const SpanData* span : batch) count += span != nullptr;
    return count;
  }

  ExportCounters& counters() noexcept { return counters_; }
  ExportStats stats() const noexcept { return counters_.snapshot(); }

 private:
  std::string endpoint_;
  ExportCounters counters_;
  // Per exporter, so each one reports its own first failure (then once a minute).
  RateLimitedLog failure_log_;
  RateLimitedLog partial_log_;
  RateLimitedLog unreadable_log_;
  mutable std::mutex mutex_;
  std::condition_variable idle_;
  bool exporting_ = false;
  bool shut_down_ = false;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire

// XRayUdpExporter: spans as AWS X-Ray segment documents, over UDP to the X-Ray daemon.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "tracewire/core/logger.hpp"
#include "tracewire/export/detail/export_gate.hpp"
#include "tracewire/export/export_stats.hpp"
#include "tracewire/trace/span_exporter.hpp"
#include "tracewire/export/xray/xray_encoder.hpp"
#include "tracewire/transport/udp_sender.hpp"

namespace tracewire {
inline namespace v0 {

/// Where and how an XRayUdpExporter sends. `config/xray_from_environment.hpp` reads these
/// from `AWS_XRAY_DAEMON_ADDRESS` and `OTEL_EXPORTER_XRAY_INDEXED_ATTRIBUTES`.
struct XRayUdpExporterOptions {
  /// The daemon's UDP address (the AWS SDKs' default `127.0.0.1:2000`).
  std::string host = "127.0.0.1";
  std::uint16_t port = 2000;
  XRayEncoderOptions encoder;
  /// No datagram is larger: 65507 bytes is the largest IPv4 UDP payload, just under the
  /// 64 KiB that the daemon reads and that X-Ray allows a segment document.
  std::size_t max_datagram_size = 65507;
};

/// Sends each span to the AWS X-Ray daemon as its own UDP datagram: the daemon's header
/// `{"format":"json","version":1}`, a newline, and the span's segment document (see
/// XRayEncoder for the mapping). A server or root span is a segment; every other span is
/// an independent subsegment naming its parent, which is how the X-Ray SDKs stream
/// subsegments, so no document ever has to hold a whole trace.
///
/// **The 64 KiB rule.** A span whose datagram would exceed `max_datagram_size` (in
/// practice: many large attributes or exception messages) is dropped, counted in
/// `stats().spans_too_large` and reported by a rate-limited warning; the other spans of
/// the batch are sent. Splitting would not help: one span is already the smallest
/// document, and cutting its metadata silently would lose data without saying so.
///
/// X-Ray rejects a trace whose id does not start with a time within the last 30 days (see
/// XRayIdGenerator). Such spans are still sent (a local daemon or emulator may take them),
/// and the exporter warns once, naming `OTEL_TRACES_ID_GENERATOR=xray`.
///
/// UDP cannot confirm delivery: a span counts as exported once the kernel took its
/// datagram. `export_spans` returns failure if any datagram could not be sent.
///
/// **Example**:
/// ```
/// tracewire::XRayUdpExporterOptions options;
/// options.encoder.indexed_attributes = {"customer.tier"};
/// auto exporter = std::make_unique<tracewire::XRayUdpExporter>(options);
/// ```
class XRayUdpExporter final : public SpanExporter {
 public:
  /// The line every datagram starts with.
  static constexpr std::string_view header = "{\"format\":\"json\",\"version\":1}\n";

  explicit XRayUdpExporter(XRayUdpExporterOptions options = {})
      : options_(std::move(options)), encoder_(options_.encoder), sender_(options_.host, options_.port) {}

  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    detail::ExportGate::Pass pass(gate_);
    if (!pass.open()) {
      counters_.add(counters_.spans_failed, batch.size());
      return ExportResult::failure;
    }
    std::size_t failed = 0;
    for (const SpanData* span : batch) {
      if (!send(*span)) ++failed;
    }
    return failed == 0 ? ExportResult::success : ExportResult::failure;
  }

  /// Refuses new exports and closes the socket once the export in progress is done.
  bool shutdown(std::chrono::milliseconds timeout) noexcept override {
    const bool idle = gate_.shutdown(timeout);
    if (idle) sender_.close();
    return idle;
  }

  std::string describe() const override {
    return fmt::format("XRayUdpExporter{{daemon=udp://{}:{}, indexed_attributes={}}}", options_.host, options_.port,
                       options_.encoder.index_all_attributes
                           ? std::string("*")
                           : fmt::format("{}", options_.encoder.indexed_attributes.size()));
  }

  /// Spans exported, failed and too large; datagrams sent and failed; bytes sent.
  ExportStats stats() const noexcept override { return counters_.snapshot(); }
  const XRayUdpExporterOptions& options() const noexcept { return options_; }

 private:
  // Returns false if the span was lost (a send or encoding failure); a span dropped as
  // too large does not fail the batch, as with the Jaeger agent exporter.
  bool send(const SpanData& span) noexcept {
    try {
      warn_if_not_xray_id(span.trace_id());
      datagram_.assign(header);
      encoder_.encode(span, datagram_);
      if (datagram_.size() > options_.max_datagram_size) {
        counters_.add(counters_.spans_too_large, 1);
        too_large_log_(
            LogLevel::warn,
            "XRayUdpExporter: dropped span {:?} (trace {}): its segment document is {} bytes, over the {}-byte "
            "UDP limit (fewer or shorter attributes would fit)",
            std::string(span.name()), span.trace_id().to_hex(), datagram_.size(), options_.max_datagram_size);
        return true;
      }
      counters_.add(counters_.requests_sent, 1);
      auto sent = sender_.send(datagram_);
      if (sent) {
        counters_.add(counters_.spans_exported, 1);
        counters_.add(counters_.bytes_sent, datagram_.size());
        return true;
      }
      counters_.add(counters_.requests_failed, 1);
      counters_.add(counters_.spans_failed, 1);
      send_failure_log_(LogLevel::warn, "XRayUdpExporter: a span was lost: {}", sent.error().message);
    } catch (...) {  // out of memory while encoding
      counters_.add(counters_.spans_failed, 1);
      encode_failure_log_(LogLevel::error, "XRayUdpExporter: encoding span {:?} failed", std::string(span.name()));
    }
    return false;
  }

  void warn_if_not_xray_id(const TraceId& trace_id) {
    if (warned_about_id_) return;
    const std::int64_t now = static_cast<std::int64_t>(std::time(nullptr));
    if (detail::is_xray_trace_id(trace_id, now)) return;
    warned_about_id_ = true;
    detail::log(LogLevel::warn,
                "XRayUdpExporter: trace id {} cannot be an X-Ray trace id (X-Ray reads its first 8 hex digits as the "
                "trace's start time and rejects times more than 30 days old or in the future); set "
                "OTEL_TRACES_ID_GENERATOR=xray or use tracewire::XRayIdGenerator. Said once.",
                trace_id.to_hex());
  }

  XRayUdpExporterOptions options_;
  XRayEncoder encoder_;
  UdpSender sender_;
  std::string datagram_;  // reused: the processor never calls export_spans concurrently
  detail::ExportGate gate_;
  bool warned_about_id_ = false;  // exporter thread only
  detail::ExportCounters counters_;
  detail::RateLimitedLog send_failure_log_;
  detail::RateLimitedLog too_large_log_;
  detail::RateLimitedLog encode_failure_log_;
};

}  // namespace v0
}  // namespace tracewire

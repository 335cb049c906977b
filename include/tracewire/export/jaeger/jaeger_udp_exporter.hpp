// JaegerUdpExporter: spans to a Jaeger agent (or Tempo's thrift_compact/thrift_binary receiver) over UDP.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include <fmt/format.h>

#include "tracewire/core/logger.hpp"
#include "tracewire/export/detail/export_gate.hpp"
#include "tracewire/export/export_stats.hpp"
#include "tracewire/export/jaeger/jaeger_encoder.hpp"
#include "tracewire/export/jaeger/thrift_protocol.hpp"
#include "tracewire/trace/span_exporter.hpp"
#include "tracewire/transport/udp_sender.hpp"

namespace tracewire {
inline namespace v0 {

/// Where and how a JaegerUdpExporter sends.
struct JaegerUdpExporterOptions {
  /// The agent's host. `OTEL_EXPORTER_JAEGER_AGENT_HOST`.
  std::string host = "localhost";
  /// The agent's port: 6831 takes compact, 6832 binary. `OTEL_EXPORTER_JAEGER_AGENT_PORT`
  /// (default 6832 when the protocol is binary).
  std::uint16_t port = 6831;
  /// `OTEL_EXPORTER_JAEGER_PROTOCOL` `udp/thrift.compact` or `udp/thrift.binary`.
  ThriftProtocol protocol = ThriftProtocol::compact;
  /// No datagram is larger: the agent reads at most 65000 bytes per packet.
  std::size_t max_packet_size = 65000;
};

/// Sends spans to a Jaeger agent as one-way `Agent.emitBatch` Thrift messages, one per
/// UDP datagram, in the compact (port 6831) or binary (6832) protocol. A batch larger
/// than `max_packet_size` is split across datagrams so that no span is lost to an
/// oversized packet; a span too large for a datagram on its own is dropped, counted in
/// `stats().spans_too_large` and reported by a rate-limited warning. UDP cannot
/// confirm delivery: a span counts as exported once the kernel took its datagram.
///
/// `export_spans` returns failure if any datagram could not be sent (those spans are
/// counted as failed); spans dropped as too large do not fail the batch.
///
/// **Example**: `auto exporter = std::make_unique<tracewire::JaegerUdpExporter>(
///     tracewire::make_jaeger_udp_exporter_options_from_environment(tracewire::ProcessEnvironment()));`
class JaegerUdpExporter final : public SpanExporter {
 public:
  explicit JaegerUdpExporter(JaegerUdpExporterOptions options = {})
      : options_(std::move(options)), encoder_(options_.protocol), sender_(options_.host, options_.port) {}

  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    const std::size_t spans = batch.size();
    detail::ExportGate::Pass pass(gate_);
    if (!pass.open()) {
      counters_.add(counters_.spans_failed, spans);
      return ExportResult::failure;
    }
    std::size_t exported = 0;
    std::size_t failed = 0;
    try {
      const std::size_t too_large = encoder_.encode_agent_packets(
          batch, options_.max_packet_size, [&](std::string_view packet, std::size_t count) {
            counters_.add(counters_.requests_sent, 1);
            auto sent = sender_.send(packet);
            if (sent) {
              counters_.add(counters_.bytes_sent, packet.size());
              exported += count;
              counters_.add(counters_.spans_exported, count);
            } else {
              counters_.add(counters_.requests_failed, 1);
              failed += count;
              send_failure_log_(LogLevel::warn, "JaegerUdpExporter: {} spans lost: {}", count, sent.error().message);
            }
          });
      if (too_large > 0) {
        counters_.add(counters_.spans_too_large, too_large);
        too_large_log_(LogLevel::warn,
                       "JaegerUdpExporter: dropped {} span(s) whose encoding alone exceeds the {}-byte UDP packet "
                       "limit (fewer or shorter attributes and events would fit)",
                       too_large, options_.max_packet_size);
      }
    } catch (...) {  // out of memory while encoding: what was not sent is lost
      failed = spans - exported;
      encode_failure_log_(LogLevel::error, "JaegerUdpExporter: encoding a batch of {} spans failed", spans);
    }
    counters_.add(counters_.spans_failed, failed);
    return failed == 0 ? ExportResult::success : ExportResult::failure;
  }

  /// Refuses new exports and closes the socket once the export in progress (a few
  /// datagrams: UDP does not wait for the agent) is done.
  bool shutdown(std::chrono::milliseconds timeout) noexcept override {
    const bool idle = gate_.shutdown(timeout);
    if (idle) sender_.close();
    return idle;
  }

  std::string describe() const override {
    return fmt::format("JaegerUdpExporter{{agent=udp://{}:{}, protocol={}, max_packet_size={}}}", options_.host,
                       options_.port, to_string(options_.protocol), options_.max_packet_size);
  }

  /// Spans exported, failed and too large, and datagrams sent and failed so far.
  ExportStats stats() const noexcept override { return counters_.snapshot(); }
  const JaegerUdpExporterOptions& options() const noexcept { return options_; }

 private:
  JaegerUdpExporterOptions options_;
  JaegerEncoder encoder_;
  UdpSender sender_;
  detail::ExportGate gate_;
  detail::ExportCounters counters_;
  detail::RateLimitedLog send_failure_log_;
  detail::RateLimitedLog too_large_log_;
  detail::RateLimitedLog encode_failure_log_;
};

}  // namespace v0
}  // namespace tracewire

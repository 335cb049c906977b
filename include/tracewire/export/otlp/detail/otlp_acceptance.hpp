// OtlpAcceptance: how the OTLP exporters count a request the receiver accepted.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>

#include "tracewire/core/logger.hpp"
#include "tracewire/export/detail/export_report.hpp"
#include "tracewire/export/detail/http_export_channel.hpp"
#include "tracewire/export/otlp/otlp_encoder.hpp"
#include "tracewire/export/otlp/otlp_partial_success.hpp"
#include "tracewire/trace/span_exporter.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// Reads the `ExportTraceServiceResponse` of an accepted OTLP request (HTTP 2xx, gRPC OK)
/// for both OTLP exporters: a partial success counts its rejected spans and is logged,
/// never retried (specification); the rest count as exported.
///
/// A response cut by the client (`body_truncated`: only a huge error message makes one that
/// long) is read from its beginning, where receivers write the count. When a partial
/// success begins there but its count does not, how many spans the receiver kept is
/// unknown: the batch counts as failed — never as exported on an answer that could not be
/// read — and this is reported. A beginning that holds no partial success is read like any
/// other body (a garbage 200 is a success).
class OtlpAcceptance {
 public:
  ExportResult accept(ExportReport& report, std::uint64_t spans, std::string_view body, OtlpEncoding encoding,
                      bool body_truncated) noexcept {
    try {
      std::optional<OtlpPartialSuccess> partial;
      if (body_truncated) {
        OtlpPartialSuccess::PrefixReading reading = OtlpPartialSuccess::parse_prefix(body, encoding);
        if (reading.partial_success && !reading.result) {
          ExportCounters& counters = report.counters();
          counters.add(counters.spans_failed, spans);
          counters.add(counters.requests_failed, 1);
          unreadable_log_(LogLevel::warn,
                          "{}: export to {}: the receiver accepted the request, but its partial-success response "
                          "was longer than the {} bytes read and its count of rejected spans could not be read; {} "
                          "spans counted as failed",
                          report.exporter(), report.target(), body.size(), spans);
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
      report.exported(spans - rejected);
      if (partial) {
        ExportCounters& counters = report.counters();
        counters.add(counters.spans_rejected, rejected);
        partial_log_(LogLevel::warn, "{}: export to {}: the receiver rejected {} of {} spans: {}{}", report.exporter(),
                     report.target(), rejected, spans, body_excerpt(partial->error_message),
                     body_truncated ? " (response cut)" : "");
      }
      return ExportResult::partial_success(rejected);
    } catch (...) {
      return report.fail(spans, "out of memory while reading the response");
    }
  }

 private:
  RateLimitedLog partial_log_;
  RateLimitedLog unreadable_log_;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire

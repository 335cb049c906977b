// ExportReport: how a network exporter counts what it sent and reports what it lost.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "tracewire/core/logger.hpp"
#include "tracewire/export/export_stats.hpp"
#include "tracewire/trace/span_exporter.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// The counters of one network exporter and its failure diagnostic: `ExporterName: export
/// to <target> failed, N spans lost: <reason>`, rate-limited per exporter (its first failure,
/// then once a minute with the number held back). `target` names the receiver without
/// credentials; reasons never hold a header value.
class ExportReport {
 public:
  ExportReport(std::string exporter, std::string target) : exporter_(std::move(exporter)), target_(std::move(target)) {}

  /// Counts `spans` as exported.
  ExportResult exported(std::uint64_t spans) noexcept {
    counters_.add(counters_.spans_exported, spans);
    return ExportResult::success;
  }

  /// Counts `spans` as lost and reports `reason`.
  ExportResult fail(std::uint64_t spans, std::string_view reason) noexcept {
    counters_.add(counters_.spans_failed, spans);
    counters_.add(counters_.requests_failed, 1);
    failure_log_(LogLevel::error, "{}: export to {} failed, {} spans lost: {}", exporter_, target_, spans, reason);
    return ExportResult::failure;
  }

  ExportCounters& counters() noexcept { return counters_; }
  ExportStats stats() const noexcept { return counters_.snapshot(); }
  const std::string& exporter() const noexcept { return exporter_; }
  const std::string& target() const noexcept { return target_; }

 private:
  std::string exporter_;
  std::string target_;
  ExportCounters counters_;
  RateLimitedLog failure_log_;
};

}  // namespace detail
}  // namespace v0
}  // namespace tracewire

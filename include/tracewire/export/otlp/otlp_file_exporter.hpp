// OtlpFileExporter: OTLP/JSON lines to a file or stdout (the Collector's file format).
#pragma once

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "tracewire/core/logger.hpp"
#include "tracewire/export/detail/export_gate.hpp"
#include "tracewire/export/export_stats.hpp"
#include "tracewire/export/otlp/otlp_encoder.hpp"
#include "tracewire/trace/span_exporter.hpp"

namespace tracewire {
inline namespace v0 {

/// Writes each batch as one OTLP/JSON `ExportTraceServiceRequest` on its own line: the
/// format the Collector's `file` exporter writes and its `otlpjsonfile` receiver reads,
/// so the output can be replayed into any OTLP backend. The path is opened for appending
/// on construction; `"-"` or an empty path means stdout. A write error loses that batch
/// (counted in `spans_failed`, logged rate-limited) without stopping later ones.
///
/// **Example**: `tracewire::OtlpFileExporter exporter("/var/log/app/traces.jsonl");`
class OtlpFileExporter final : public SpanExporter {
 public:
  explicit OtlpFileExporter(std::string path = "-") : path_(std::move(path)) {
    if (path_.empty() || path_ == "-") {
      file_ = stdout;
      path_ = "-";
    } else {
      file_ = std::fopen(path_.c_str(), "ab");
      owned_ = file_ != nullptr;
      if (!file_) {
        detail::log(LogLevel::error, "OtlpFileExporter cannot open {}: {}; spans will be dropped", path_,
                    std::strerror(errno));
      }
    }
  }
  OtlpFileExporter(const OtlpFileExporter&) = delete;
  OtlpFileExporter& operator=(const OtlpFileExporter&) = delete;
  ~OtlpFileExporter() override { close(); }

  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    const std::uint64_t spans = batch.size();
    detail::ExportGate::Pass pass(gate_);
    if (!pass.open()) {
      counters_.add(counters_.spans_failed, spans);
      return ExportResult::failure;
    }
    try {
      std::string_view body = encoder_.encode(batch, OtlpEncoding::json);
      if (file_ && std::fwrite(body.data(), 1, body.size(), file_) == body.size() && std::fputc('\n', file_) != EOF &&
          std::fflush(file_) == 0) {
        counters_.add(counters_.spans_exported, spans);
        counters_.add(counters_.bytes_sent, body.size() + 1);
        return ExportResult::success;
      }
    } catch (...) {}
    counters_.add(counters_.spans_failed, spans);
    counters_.add(counters_.requests_failed, 1);
    failure_log_(LogLevel::error, "OtlpFileExporter could not write {} spans to {}", spans, path_);
    return ExportResult::failure;
  }

  bool force_flush(std::chrono::milliseconds /*timeout*/) noexcept override {
    detail::ExportGate::Pass pass(gate_);
    return !pass.open() || !file_ || std::fflush(file_) == 0;  // stdio locks the stream itself
  }

  /// Refuses new exports and closes the file once the write in progress is done.
  bool shutdown(std::chrono::milliseconds timeout) noexcept override {
    if (!gate_.shutdown(timeout)) return false;
    close();
    return true;
  }

  std::string describe() const override { return fmt::format("OtlpFileExporter{{path={}}}", path_); }
  ExportStats stats() const noexcept override { return counters_.snapshot(); }

 private:
  void close() noexcept {
    if (file_ && owned_) std::fclose(file_);
    if (file_ && !owned_) std::fflush(file_);
    file_ = nullptr;
    owned_ = false;
  }

  std::string path_;
  std::FILE* file_ = nullptr;
  bool owned_ = false;
  detail::ExportGate gate_;
  OtlpEncoder encoder_;
  detail::ExportCounters counters_;
  detail::RateLimitedLog failure_log_;
};

}  // namespace v0
}  // namespace tracewire

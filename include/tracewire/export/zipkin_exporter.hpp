// ZipkinExporter: spans as Zipkin v2 JSON to Zipkin, Tempo or Jaeger on port 9411.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "tracewire/config/environment.hpp"
#include "tracewire/core/logger.hpp"
#include "tracewire/export/detail/http_export.hpp"
#include "tracewire/export/detail/zipkin_encoder.hpp"
#include "tracewire/export/exporter_stats.hpp"
#include "tracewire/export/span_exporter.hpp"
#include "tracewire/transport/detail/http_auth.hpp"
#include "tracewire/transport/http_client.hpp"

namespace tracewire {
inline namespace v0 {

/// Where and how a ZipkinExporter posts.
struct ZipkinExporterOptions {
  /// `OTEL_EXPORTER_ZIPKIN_ENDPOINT`.
  std::string endpoint = "http://localhost:9411/api/v2/spans";
  /// Per request. `OTEL_EXPORTER_ZIPKIN_TIMEOUT` (milliseconds).
  std::chrono::milliseconds timeout{10000};
  /// Further request headers (values are never logged).
  HttpHeaders headers;
  /// Marks every span `"debug": true`, asking Zipkin to keep it whatever its sampling
  /// (the OpenTelemetry model carries no per-span debug flag).
  bool debug = false;

  /// Reads the variables above from `environment`; a bad value is reported once and the
  /// default kept.
  static ZipkinExporterOptions from_environment(const Environment& environment) {
    ZipkinExporterOptions options;
    if (auto endpoint = environment.get("OTEL_EXPORTER_ZIPKIN_ENDPOINT")) options.endpoint = *endpoint;
    options.timeout = env::get_milliseconds(environment, "OTEL_EXPORTER_ZIPKIN_TIMEOUT", options.timeout);
    return options;
  }
};

/// Posts spans to `POST /api/v2/spans` as a Zipkin v2 JSON array (see
/// `detail::ZipkinEncoder` for the mapping), through an HttpClient. Any 2xx answer
/// (Zipkin says 202) counts the spans as exported; anything else counts them as failed
/// and is reported by a rate-limited warning that never shows credentials.
///
/// **Example**:
/// ```
/// auto exporter = std::make_unique<tracewire::ZipkinExporter>(
///     tracewire::ZipkinExporterOptions::from_environment(tracewire::ProcessEnvironment()), my_http_client);
/// ```
class ZipkinExporter final : public SpanExporter {
 public:
  ZipkinExporter(ZipkinExporterOptions options, std::shared_ptr<HttpClient> client)
      : options_(std::move(options)), client_(std::move(client)) {
    request_.url = options_.endpoint;
    request_.content_type = "application/json";
    request_.timeout = options_.timeout;
    request_.headers = options_.headers;
  }

  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    std::size_t spans = 0;
    for (const SpanData* span : batch) spans += span != nullptr;
    if (spans == 0) return ExportResult::success;
    bool sent = false;
    if (!shut_down_.load(std::memory_order_acquire) && client_) {
      try {
        request_.body = encoder_.encode(batch, options_.debug);
        sent = detail::post_export(*client_, request_, "ZipkinExporter", log_);
      } catch (...) {
        log_(LogLevel::error, "ZipkinExporter: encoding a batch of {} spans failed", spans);
      }
    }
    if (sent) {
      counters_.add_exported(spans);
      return ExportResult::success;
    }
    counters_.add_failed(spans);
    return ExportResult::failure;
  }

  bool shutdown(std::chrono::milliseconds /*timeout*/) noexcept override {
    shut_down_.store(true, std::memory_order_release);
    return true;
  }

  std::string describe() const override {
    return fmt::format("ZipkinExporter{{endpoint={}, timeout={}ms{}}}", detail::redact_url_credentials(options_.endpoint),
                       options_.timeout.count(), options_.debug ? ", debug" : "");
  }

  ExporterStats stats() const noexcept { return counters_.snapshot(); }
  const ZipkinExporterOptions& options() const noexcept { return options_; }

 private:
  ZipkinExporterOptions options_;
  std::shared_ptr<HttpClient> client_;
  detail::ZipkinEncoder encoder_;
  HttpRequest request_;
  std::atomic<bool> shut_down_{false};
  detail::ExporterCounters counters_;
  detail::RateLimitedLog log_;
};

}  // namespace v0
}  // namespace tracewire

// ZipkinExporter: spans as Zipkin v2 JSON to Zipkin, Tempo or Jaeger on port 9411.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "tracewire/config/environment.hpp"
#include "tracewire/export/detail/http_export.hpp"
#include "tracewire/export/detail/zipkin_encoder.hpp"
#include "tracewire/export/export_stats.hpp"
#include "tracewire/export/span_exporter.hpp"
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
    options.endpoint = env::get_http_url(environment, "OTEL_EXPORTER_ZIPKIN_ENDPOINT", options.endpoint);
    options.timeout = env::get_timeout(environment, "OTEL_EXPORTER_ZIPKIN_TIMEOUT", options.timeout);
    return options;
  }
};

/// Posts spans to `POST /api/v2/spans` as a Zipkin v2 JSON array (see
/// `detail::ZipkinEncoder` for the mapping), through an HttpClient (by default the
/// program's, see make_default_http_client: a CurlHttpClient when a source file includes
/// `tracewire/transport/curl_http_client.hpp`). Retries 429/502/503/504 and lost
/// connections within the timeout; any 2xx answer (Zipkin says 202) counts the spans as
/// exported; anything else counts them as failed and is reported by a rate-limited
/// diagnostic that never shows credentials.
///
/// **Example**:
/// ```
/// auto exporter = std::make_unique<tracewire::ZipkinExporter>(
///     tracewire::ZipkinExporterOptions::from_environment(tracewire::ProcessEnvironment()));
/// ```
class ZipkinExporter final : public SpanExporter {
 public:
  explicit ZipkinExporter(ZipkinExporterOptions options = {}, std::unique_ptr<HttpClient> client = nullptr)
      : options_(std::move(options)),
        channel_("ZipkinExporter", make_request(options_), options_.timeout, std::move(client)) {}

  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    detail::HttpExportChannel::Export guard(channel_);
    std::uint64_t spans = 0;
    for (const SpanData* span : batch) spans += span != nullptr;
    if (spans == 0) return ExportResult::success;
    bool sent = false;
    if (!guard.open()) {
      channel_.fail(spans, "the exporter is shut down");
    } else {
      try {
        sent = channel_.post(encoder_.encode(batch, options_.debug), spans);
      } catch (...) {
        channel_.fail(spans, "out of memory while encoding");
      }
    }
    return sent ? ExportResult::success : ExportResult::failure;
  }

  bool shutdown(std::chrono::milliseconds timeout) noexcept override { return channel_.shutdown(timeout); }

  std::string describe() const override {
    return fmt::format("ZipkinExporter{{endpoint={}, timeout={}ms{}}}", detail::redact_url_credentials(options_.endpoint),
                       options_.timeout.count(), options_.debug ? ", debug" : "");
  }

  /// Spans exported and failed, requests sent and retried so far.
  ExportStats stats() const noexcept override { return channel_.stats(); }
  const ZipkinExporterOptions& options() const noexcept { return options_; }

 private:
  static HttpRequest make_request(const ZipkinExporterOptions& options) {
    HttpRequest request;
    request.url = options.endpoint;
    request.content_type = "application/json";
    request.headers = options.headers;
    return request;
  }

  ZipkinExporterOptions options_;
  detail::HttpExportChannel channel_;
  detail::ZipkinEncoder encoder_;
};

}  // namespace v0
}  // namespace tracewire

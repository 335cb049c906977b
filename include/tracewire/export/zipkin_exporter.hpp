// ZipkinExporter: spans as Zipkin v2 JSON to Zipkin, Tempo or Jaeger on port 9411.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "tracewire/export/detail/http_export_channel.hpp"
#include "tracewire/export/detail/zipkin_encoder.hpp"
#include "tracewire/export/export_stats.hpp"
#include "tracewire/trace/span_exporter.hpp"
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
  /// CA bundle and client certificate for an https:// endpoint (used by the default client).
  HttpTlsOptions tls;
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
///     tracewire::make_zipkin_exporter_options_from_environment(tracewire::ProcessEnvironment()));
/// ```
class ZipkinExporter final : public SpanExporter {
 public:
  explicit ZipkinExporter(ZipkinExporterOptions options = {}, std::unique_ptr<HttpClient> client = nullptr)
      : options_(std::move(options)), channel_(channel_options(options_), std::move(client)) {}

  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    return export_spans_until(batch, std::chrono::steady_clock::time_point::max());
  }

  ExportResult export_spans_until(ArrayView<const SpanData*> batch,
                                  std::chrono::steady_clock::time_point deadline) noexcept override {
    if (batch.empty()) return ExportResult::success;
    detail::ExportGate::Pass pass(channel_.gate());
    if (!pass.open()) return channel_.fail(batch.size(), "the exporter is shut down");
    std::string_view body;
    try {
      body = encoder_.encode(batch, options_.debug);
    } catch (...) {
      return channel_.fail(batch.size(), "out of memory while encoding");
    }
    return channel_.post(body, batch.size(), channel_.deadline(deadline));
  }

  bool shutdown(std::chrono::milliseconds timeout) noexcept override { return channel_.shutdown(timeout); }

  std::string describe() const override {
    return fmt::format("ZipkinExporter{{endpoint={}, timeout={}ms{}}}",
                       detail::redact_url_credentials(options_.endpoint), options_.timeout.count(),
                       options_.debug ? ", debug" : "");
  }

  /// Spans exported and failed, requests sent and retried so far.
  ExportStats stats() const noexcept override { return channel_.stats(); }
  const ZipkinExporterOptions& options() const noexcept { return options_; }

 private:
  static detail::HttpExportChannel::Options channel_options(const ZipkinExporterOptions& options) {
    detail::HttpExportChannel::Options channel;
    channel.exporter = "ZipkinExporter";
    channel.request.url = options.endpoint;
    channel.request.content_type = "application/json";
    channel.request.headers = options.headers;
    channel.timeout = options.timeout;
    channel.tls = options.tls;
    return channel;
  }

  ZipkinExporterOptions options_;
  detail::HttpExportChannel channel_;
  detail::ZipkinEncoder encoder_;
};

}  // namespace v0
}  // namespace tracewire

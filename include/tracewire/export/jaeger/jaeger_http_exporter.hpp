// JaegerHttpExporter: spans to a Jaeger collector (or Tempo's thrift_http receiver) as Thrift binary over HTTP.
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
#include "tracewire/export/export_stats.hpp"
#include "tracewire/export/jaeger/jaeger_encoder.hpp"
#include "tracewire/export/span_exporter.hpp"
#include "tracewire/transport/detail/http_auth.hpp"
#include "tracewire/transport/http_client.hpp"

namespace tracewire {
inline namespace v0 {

/// Where and how a JaegerHttpExporter posts.
struct JaegerHttpExporterOptions {
  /// The collector's Thrift endpoint. `OTEL_EXPORTER_JAEGER_ENDPOINT`.
  std::string endpoint = "http://localhost:14268/api/traces";
  /// Per request. `OTEL_EXPORTER_JAEGER_TIMEOUT` (milliseconds).
  std::chrono::milliseconds timeout{10000};
  /// HTTP basic authentication, sent when `user` is not empty.
  /// `OTEL_EXPORTER_JAEGER_USER`, `OTEL_EXPORTER_JAEGER_PASSWORD`.
  std::string user;
  std::string password;
  /// `Authorization: Bearer <token>` (jaeger-client's auth token), when not empty and no
  /// user is set.
  std::string bearer_token;
  /// Further request headers (values are never logged).
  HttpHeaders headers;
  /// The media type Jaeger's collector documents; older clients sent
  /// `application/x-thrift`, which collectors also accept.
  std::string content_type = "application/vnd.apache.thrift.binary";

  /// Reads the variables above from `environment`; a bad value is reported once and the
  /// default kept.
  static JaegerHttpExporterOptions from_environment(const Environment& environment) {
    JaegerHttpExporterOptions options;
    options.endpoint = env::get_http_url(environment, "OTEL_EXPORTER_JAEGER_ENDPOINT", options.endpoint);
    options.timeout = env::get_timeout(environment, "OTEL_EXPORTER_JAEGER_TIMEOUT", options.timeout);
    if (auto user = environment.get("OTEL_EXPORTER_JAEGER_USER")) options.user = *user;
    if (auto password = environment.get("OTEL_EXPORTER_JAEGER_PASSWORD")) options.password = *password;
    return options;
  }
};

/// Posts spans to a Jaeger collector's `/api/traces` as a bare Thrift binary `Batch`
/// (one request per resource; normally one per export), through an HttpClient (by default
/// the program's, see make_default_http_client: a CurlHttpClient when a source file
/// includes `tracewire/transport/curl_http_client.hpp`). Retries 429/502/503/504
/// and lost connections within the timeout, as the OTLP exporter does; any 2xx answer
/// (the collector says 202) counts the spans as exported; anything else counts them as
/// failed and is reported by a rate-limited diagnostic that never shows credentials.
///
/// **Example**:
/// ```
/// tracewire::JaegerHttpExporterOptions options;
/// options.endpoint = "http://jaeger-collector:14268/api/traces";
/// auto exporter = std::make_unique<tracewire::JaegerHttpExporter>(options);
/// ```
class JaegerHttpExporter final : public SpanExporter {
 public:
  explicit JaegerHttpExporter(JaegerHttpExporterOptions options = {}, std::unique_ptr<HttpClient> client = nullptr)
      : options_(std::move(options)),
        channel_("JaegerHttpExporter", make_request(options_), options_.timeout, std::move(client)),
        encoder_(ThriftProtocol::binary) {}

  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    detail::HttpExportChannel::Export guard(channel_);
    std::uint64_t spans = 0;
    for (const SpanData* span : batch) spans += span != nullptr;
    if (!guard.open()) {
      channel_.fail(spans, "the exporter is shut down");
      return ExportResult::failure;
    }
    std::uint64_t settled = 0;
    bool all_sent = true;
    try {
      encoder_.encode_collector_batches(batch, [&](std::string_view body, std::size_t count) {
        all_sent &= channel_.post(body, count);
        settled += count;
      });
    } catch (...) {
      all_sent = channel_.fail(spans - settled, "out of memory while encoding");
    }
    return all_sent ? ExportResult::success : ExportResult::failure;
  }

  bool shutdown(std::chrono::milliseconds timeout) noexcept override { return channel_.shutdown(timeout); }

  std::string describe() const override {
    return fmt::format("JaegerHttpExporter{{endpoint={}, content_type={}, timeout={}ms, auth={}}}",
                       detail::redact_url_credentials(options_.endpoint), options_.content_type,
                       options_.timeout.count(),
                       !options_.user.empty() ? "basic" : !options_.bearer_token.empty() ? "bearer" : "none");
  }

  /// Spans exported and failed, requests sent and retried so far.
  ExportStats stats() const noexcept override { return channel_.stats(); }
  const JaegerHttpExporterOptions& options() const noexcept { return options_; }

 private:
  static HttpRequest make_request(const JaegerHttpExporterOptions& options) {
    HttpRequest request;
    request.url = options.endpoint;
    request.content_type = options.content_type;
    request.headers = options.headers;
    if (!options.user.empty()) {
      request.headers.emplace_back("Authorization", detail::basic_authorization(options.user, options.password));
    } else if (!options.bearer_token.empty()) {
      request.headers.emplace_back("Authorization", "Bearer " + options.bearer_token);
    }
    return request;
  }

  JaegerHttpExporterOptions options_;
  detail::HttpExportChannel channel_;
  JaegerEncoder encoder_;
};

}  // namespace v0
}  // namespace tracewire

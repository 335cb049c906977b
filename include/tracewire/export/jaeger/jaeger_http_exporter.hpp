// JaegerHttpExporter: spans to a Jaeger collector (or Tempo's thrift_http receiver) as Thrift binary over HTTP.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "tracewire/export/detail/http_export_channel.hpp"
#include "tracewire/export/export_stats.hpp"
#include "tracewire/export/jaeger/jaeger_encoder.hpp"
#include "tracewire/trace/span_exporter.hpp"
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
  /// CA bundle and client certificate for an https:// endpoint (used by the default client).
  HttpTlsOptions tls;
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
        channel_(channel_options(options_), std::move(client)),
        encoder_(ThriftProtocol::binary) {}

  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    return export_spans_until(batch, std::chrono::steady_clock::time_point::max());
  }

  /// One request per resource in the batch (normally one), all within one deadline.
  ExportResult export_spans_until(ArrayView<const SpanData*> batch,
                                  std::chrono::steady_clock::time_point deadline) noexcept override {
    detail::ExportGate::Pass pass(channel_.gate());
    if (!pass.open()) return channel_.fail(batch.size(), "the exporter is shut down");
    deadline = channel_.deadline(deadline);
    std::uint64_t settled = 0;
    bool all_sent = true;
    try {
      encoder_.encode_collector_batches(batch, [&](std::string_view body, std::size_t count) {
        all_sent &= channel_.post(body, count, deadline) == ExportResult::success;
        settled += count;
      });
    } catch (...) {
      all_sent = false;
      channel_.fail(batch.size() - settled, "out of memory while encoding");
    }
    return all_sent ? ExportResult::success : ExportResult::failure;
  }

  bool shutdown(std::chrono::milliseconds timeout) noexcept override { return channel_.shutdown(timeout); }

  std::string describe() const override {
    return fmt::format("JaegerHttpExporter{{endpoint={}, content_type={}, timeout={}ms, auth={}}}",
                       detail::redact_url_credentials(options_.endpoint), options_.content_type,
                       options_.timeout.count(),
                       !options_.user.empty()           ? "basic"
                       : !options_.bearer_token.empty() ? "bearer"
                                                        : "none");
  }

  /// Spans exported and failed, requests sent and retried so far.
  ExportStats stats() const noexcept override { return channel_.stats(); }
  const JaegerHttpExporterOptions& options() const noexcept { return options_; }

 private:
  static detail::HttpExportChannel::Options channel_options(const JaegerHttpExporterOptions& options) {
    detail::HttpExportChannel::Options channel;
    channel.exporter = "JaegerHttpExporter";
    channel.request.url = options.endpoint;
    channel.request.content_type = options.content_type;
    channel.request.headers = options.headers;
    if (!options.user.empty()) {
      channel.request.headers.emplace_back("Authorization",
                                           detail::basic_authorization(options.user, options.password));
    } else if (!options.bearer_token.empty()) {
      channel.request.headers.emplace_back("Authorization", "Bearer " + options.bearer_token);
    }
    channel.timeout = options.timeout;
    channel.tls = options.tls;
    return channel;
  }

  JaegerHttpExporterOptions options_;
  detail::HttpExportChannel channel_;
  JaegerEncoder encoder_;
};

}  // namespace v0
}  // namespace tracewire

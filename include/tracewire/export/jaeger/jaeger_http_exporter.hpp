// JaegerHttpExporter: spans to a Jaeger collector (or Tempo's thrift_http receiver) as Thrift binary over HTTP.
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
#include "tracewire/export/exporter_stats.hpp"
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
    if (auto endpoint = environment.get("OTEL_EXPORTER_JAEGER_ENDPOINT")) options.endpoint = *endpoint;
    options.timeout = env::get_milliseconds(environment, "OTEL_EXPORTER_JAEGER_TIMEOUT", options.timeout);
    if (auto user = environment.get("OTEL_EXPORTER_JAEGER_USER")) options.user = *user;
    if (auto password = environment.get("OTEL_EXPORTER_JAEGER_PASSWORD")) options.password = *password;
    return options;
  }
};

/// Posts spans to a Jaeger collector's `/api/traces` as a bare Thrift binary `Batch`
/// (one request per resource; normally one per export), through an HttpClient. Any 2xx
/// answer (the collector says 202) counts the spans as exported; anything else counts
/// them as failed and is reported by a rate-limited warning that never shows credentials.
///
/// **Example**:
/// ```
/// tracewire::JaegerHttpExporterOptions options;
/// options.endpoint = "http://jaeger-collector:14268/api/traces";
/// auto exporter = std::make_unique<tracewire::JaegerHttpExporter>(options, my_http_client);
/// ```
class JaegerHttpExporter final : public SpanExporter {
 public:
  JaegerHttpExporter(JaegerHttpExporterOptions options, std::shared_ptr<HttpClient> client)
      : options_(std::move(options)), client_(std::move(client)), encoder_(ThriftProtocol::binary) {
    request_.url = options_.endpoint;
    request_.content_type = options_.content_type;
    request_.timeout = options_.timeout;
    request_.headers = options_.headers;
    if (!options_.user.empty()) {
      request_.headers.emplace_back("Authorization", detail::basic_authorization(options_.user, options_.password));
    } else if (!options_.bearer_token.empty()) {
      request_.headers.emplace_back("Authorization", "Bearer " + options_.bearer_token);
    }
  }

  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    std::size_t exported = 0;
    std::size_t failed = 0;
    std::size_t spans = 0;
    for (const SpanData* span : batch) spans += span != nullptr;
    if (shut_down_.load(std::memory_order_acquire) || !client_) {
      counters_.add_failed(spans);
      return ExportResult::failure;
    }
    try {
      encoder_.encode_collector_batches(batch, [&](std::string_view body, std::size_t count) {
        request_.body = body;
        if (detail::post_export(*client_, request_, "JaegerHttpExporter", log_)) {
          exported += count;
          counters_.add_exported(count);
        } else {
          failed += count;
        }
      });
    } catch (...) {
      failed = spans - exported;
      log_(LogLevel::error, "JaegerHttpExporter: encoding a batch of {} spans failed", spans);
    }
    counters_.add_failed(failed);
    return failed == 0 ? ExportResult::success : ExportResult::failure;
  }

  bool shutdown(std::chrono::milliseconds /*timeout*/) noexcept override {
    shut_down_.store(true, std::memory_order_release);
    return true;
  }

  std::string describe() const override {
    return fmt::format("JaegerHttpExporter{{endpoint={}, content_type={}, timeout={}ms, auth={}}}",
                       detail::redact_url_credentials(options_.endpoint), options_.content_type,
                       options_.timeout.count(),
                       !options_.user.empty() ? "basic" : !options_.bearer_token.empty() ? "bearer" : "none");
  }

  ExporterStats stats() const noexcept { return counters_.snapshot(); }
  const JaegerHttpExporterOptions& options() const noexcept { return options_; }

 private:
  JaegerHttpExporterOptions options_;
  std::shared_ptr<HttpClient> client_;
  JaegerEncoder encoder_;
  HttpRequest request_;
  std::atomic<bool> shut_down_{false};
  detail::ExporterCounters counters_;
  detail::RateLimitedLog log_;
};

}  // namespace v0
}  // namespace tracewire

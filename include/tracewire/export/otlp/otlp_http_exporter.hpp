// OtlpHttpExporter: OTLP over HTTP (protobuf or JSON) to a Collector, Tempo, Jaeger, Honeycomb.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "tracewire/core/logger.hpp"
#include "tracewire/export/detail/http_sender.hpp"
#include "tracewire/export/export_stats.hpp"
#include "tracewire/export/otlp/detail/otlp_export_state.hpp"
#include "tracewire/export/otlp/otlp_encoder.hpp"
#include "tracewire/export/otlp/otlp_exporter_options.hpp"
#include "tracewire/export/span_exporter.hpp"
#include "tracewire/transport/default_http_client.hpp"
#include "tracewire/transport/http_client.hpp"

namespace tracewire {
inline namespace v0 {

/// Exports spans as OTLP/HTTP: `POST <endpoint>` (default
/// `http://localhost:4318/v1/traces`) with an `ExportTraceServiceRequest` in protobuf
/// (default) or JSON (`http/json`), optional gzip, the configured headers, and the export
/// bounded by the timeout (default 10 s) with retries on 429/502/503/504 and lost
/// connections. A partial success is counted (`spans_rejected`) and logged, never
/// retried (one too long to read whole is counted as its beginning says, or as failed when
/// the count is not there: see `OtlpExportState::accepted`); a final error is logged once
/// per minute with its status and the first 200 bytes of the body. Header values never appear in logs or in `describe()`.
///
/// Sends through the HttpClient given, or else the program's default client (with the
/// configuration's TLS files): a CurlHttpClient when any translation unit includes
/// `tracewire/transport/curl_http_client.hpp` (link tracewire::otlp_http). Called from the
/// processor's thread only.
///
/// **Example**:
/// ```
/// auto config = tracewire::OtlpExporterOptions::from_environment(tracewire::ProcessEnvironment()).finalize();
/// auto exporter = std::make_unique<tracewire::OtlpHttpExporter>(config);  // with <tracewire/transport/curl_http_client.hpp>
/// ```
class OtlpHttpExporter final : public SpanExporter {
 public:
  explicit OtlpHttpExporter(OtlpExporterConfig config, std::unique_ptr<HttpClient> client = nullptr)
      : config_(std::move(config)), client_(std::move(client)), state_(config_.endpoint) {
    if (!client_) client_ = make_default_client(config_);
    if (config_.protocol == OtlpProtocol::grpc) {
      detail::log(LogLevel::warn, "OtlpHttpExporter given protocol grpc; sending http/protobuf to {}",
                  config_.endpoint);
    }
    encoding_ = config_.protocol == OtlpProtocol::http_json ? OtlpEncoding::json : OtlpEncoding::protobuf;
    if (client_) sender_ = std::make_unique<detail::HttpSender>(*client_, config_.retry, state_.counters());
  }

  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    detail::OtlpExportState::Export in_progress(state_);
    if (!in_progress.open()) return state_.fail(state_.count_spans(batch), "the exporter is shut down");
    if (!sender_) {
      return state_.fail(state_.count_spans(batch), detail::no_http_client_reason);
    }
    try {
      HttpRequest request;
      request.url = config_.endpoint;
      request.content_type = OtlpEncoder::content_type(encoding_);
      request.body = encoder_.encode(batch, encoding_);
      request.headers = config_.headers;
      request.gzip = config_.gzip;
      const std::uint64_t spans = encoder_.span_count();
      if (spans == 0) return ExportResult::success;
      detail::HttpSender::Outcome outcome = sender_->send(request, config_.timeout);
      if (outcome.success()) {
        return state_.accepted(spans, outcome.response->body, encoding_, outcome.response->body_truncated);
      }
      if (outcome.response) {
        return state_.fail(spans, fmt::format("HTTP {}: {}", outcome.response->status,
                                              detail::body_excerpt(outcome.response->body)));
      }
      return state_.fail(spans, outcome.error ? outcome.error->message : std::string("no response"));
    } catch (...) {
      return state_.fail(state_.count_spans(batch), "out of memory while encoding");
    }
  }

  /// Stops retrying, waits up to `timeout` for an export in progress, then refuses new ones.
  bool shutdown(std::chrono::milliseconds timeout) noexcept override {
    return state_.shutdown(timeout, [this] {
      if (sender_) sender_->interrupt();
    });
  }

  std::string describe() const override {
    std::string names;
    for (const auto& header : config_.headers) names.append(names.empty() ? "" : ",").append(header.first);
    return fmt::format("OtlpHttpExporter{{endpoint={}, protocol={}, compression={}, timeout={}ms, headers=[{}]}}",
                       config_.endpoint, to_string(encoding_ == OtlpEncoding::json ? OtlpProtocol::http_json
                                                                                    : OtlpProtocol::http_protobuf),
                       config_.gzip ? "gzip" : "none", config_.timeout.count(), names);
  }

  /// Spans exported, failed and rejected, and requests sent and retried so far.
  ExportStats stats() const noexcept override { return state_.stats(); }
  const OtlpExporterConfig& config() const noexcept { return config_; }

 private:
  static std::unique_ptr<HttpClient> make_default_client(const OtlpExporterConfig& config) {
    return make_default_http_client(
        HttpTlsOptions{config.certificate_file, config.client_certificate_file, config.client_key_file});
  }

  OtlpExporterConfig config_;
  std::unique_ptr<HttpClient> client_;
  OtlpEncoding encoding_ = OtlpEncoding::protobuf;
  OtlpEncoder encoder_;
  detail::OtlpExportState state_;
  std::unique_ptr<detail::HttpSender> sender_;
};

}  // namespace v0
}  // namespace tracewire

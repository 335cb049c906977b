// OtlpHttpExporter: OTLP over HTTP (protobuf or JSON) to a Collector, Tempo, Jaeger, Honeycomb.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include <fmt/format.h>

#include "tracewire/core/logger.hpp"
#include "tracewire/export/detail/http_export_channel.hpp"
#include "tracewire/export/export_stats.hpp"
#include "tracewire/export/otlp/detail/otlp_acceptance.hpp"
#include "tracewire/export/otlp/otlp_encoder.hpp"
#include "tracewire/export/otlp/otlp_exporter_config.hpp"
#include "tracewire/trace/span_exporter.hpp"
#include "tracewire/transport/default_http_client.hpp"
#include "tracewire/transport/http_client.hpp"

namespace tracewire {
inline namespace v0 {

/// Exports spans as OTLP/HTTP: `POST <endpoint>` (default
/// `http://localhost:4318/v1/traces`) with an `ExportTraceServiceRequest` in protobuf
/// (default) or JSON (`http/json`), optional gzip, the configured headers, and the export
/// bounded by the timeout (default 10 s) and the deadline the processor gives, with
/// retries on 429/502/503/504 and lost connections (see detail::HttpExportChannel). A
/// partial success is counted (`spans_rejected`) and logged, never retried (see
/// detail::OtlpAcceptance); a final error is logged once per minute with its status and
/// the first 200 bytes of the body. Header values never appear in logs or in `describe()`.
/// `shutdown` cancels the transfer in progress.
///
/// Sends through the HttpClient given, or else the program's default client (with the
/// configuration's TLS files): a CurlHttpClient when any translation unit includes
/// `tracewire/transport/curl_http_client.hpp` (link tracewire::otlp_http). Called from the
/// processor's thread only.
///
/// **Example**:
/// ```
/// auto config = tracewire::make_otlp_exporter_config_from_environment(tracewire::ProcessEnvironment());
/// auto exporter = std::make_unique<tracewire::OtlpHttpExporter>(tracewire::finalize_config(config));
/// // with <tracewire/transport/curl_http_client.hpp> included somewhere in the program
/// ```
class OtlpHttpExporter final : public SpanExporter {
 public:
  explicit OtlpHttpExporter(FinalizedOtlpExporterConfig config, std::unique_ptr<HttpClient> client = nullptr)
      : config_(std::move(config)),
        encoding_(config_.protocol == OtlpProtocol::http_json ? OtlpEncoding::json : OtlpEncoding::protobuf),
        channel_(channel_options(config_, encoding_), std::move(client)) {
    if (config_.protocol == OtlpProtocol::grpc) {
      detail::log(LogLevel::warn, "OtlpHttpExporter given protocol grpc; sending http/protobuf to {}",
                  config_.endpoint);
    }
  }

  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    return export_spans_until(batch, std::chrono::steady_clock::time_point::max());
  }

  ExportResult export_spans_until(ArrayView<const SpanData*> batch,
                                  std::chrono::steady_clock::time_point deadline) noexcept override {
    detail::ExportGate::Pass pass(channel_.gate());
    if (!pass.open()) return channel_.fail(batch.size(), "the exporter is shut down");
    std::string_view body;
    try {
      body = encoder_.encode(batch, encoding_);
    } catch (...) {
      return channel_.fail(batch.size(), "out of memory while encoding");
    }
    const std::uint64_t spans = encoder_.span_count();
    if (spans == 0) return ExportResult::success;
    return channel_.post(body, spans, channel_.deadline(deadline), [&](const HttpResponse& response) {
      return acceptance_.accept(channel_.report(), spans, response.body, encoding_, response.body_truncated);
    });
  }

  /// Refuses new exports, stops retrying, cancels the transfer in progress, and waits up to
  /// `timeout` for the export to return.
  bool shutdown(std::chrono::milliseconds timeout) noexcept override { return channel_.shutdown(timeout); }

  std::string describe() const override {
    std::string names;
    for (const auto& header : config_.headers) names.append(names.empty() ? "" : ",").append(header.first);
    return fmt::format(
        "OtlpHttpExporter{{endpoint={}, protocol={}, compression={}, timeout={}ms, headers=[{}]}}", config_.endpoint,
        to_string(encoding_ == OtlpEncoding::json ? OtlpProtocol::http_json : OtlpProtocol::http_protobuf),
        config_.gzip ? "gzip" : "none", config_.timeout.count(), names);
  }

  /// Spans exported, failed and rejected, and requests sent and retried so far.
  ExportStats stats() const noexcept override { return channel_.stats(); }
  const FinalizedOtlpExporterConfig& config() const noexcept { return config_; }

 private:
  static detail::HttpExportChannel::Options channel_options(const FinalizedOtlpExporterConfig& config,
                                                            OtlpEncoding encoding) {
    detail::HttpExportChannel::Options options;
    options.exporter = "OtlpHttpExporter";
    options.request.url = config.endpoint;
    options.request.content_type = OtlpEncoder::content_type(encoding);
    options.request.headers = config.headers;
    options.request.gzip = config.gzip;
    options.timeout = config.timeout;
    options.tls = HttpTlsOptions{config.certificate_file, config.client_certificate_file, config.client_key_file};
    options.retry = config.retry;
    return options;
  }

  FinalizedOtlpExporterConfig config_;
  OtlpEncoding encoding_;
  OtlpEncoder encoder_;
  detail::OtlpAcceptance acceptance_;
  detail::HttpExportChannel channel_;
};

}  // namespace v0
}  // namespace tracewire

// OtlpGrpcExporter: OTLP over gRPC (port 4317) without protobuf code generation.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/channel_arguments.h>
#include <grpcpp/support/status.h>

#include "tracewire/core/detail/grpc_status_names.hpp"
#include "tracewire/core/detail/host_port.hpp"
#include "tracewire/core/logger.hpp"
#include "tracewire/export/detail/export_gate.hpp"
#include "tracewire/export/detail/export_report.hpp"
#include "tracewire/export/detail/retry_policy.hpp"
#include "tracewire/export/otlp/detail/grpc_exporter_factory.hpp"
#include "tracewire/export/otlp/detail/otlp_acceptance.hpp"
#include "tracewire/export/otlp/detail/proto_reader.hpp"
#include "tracewire/export/otlp/otlp_encoder.hpp"
#include "tracewire/export/otlp/otlp_exporter_config.hpp"
#include "tracewire/trace/span_exporter.hpp"
#include "tracewire/version.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// The gRPC status codes the OTLP specification lets an exporter retry. RESOURCE_EXHAUSTED
/// is retryable only when the server sent a RetryInfo (the caller checks that).
inline bool is_retryable_grpc_status(grpc::StatusCode code) noexcept {
  switch (code) {
    case grpc::StatusCode::CANCELLED:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DATA_LOSS:
      return true;
    default:
      return false;
  }
}

/// The delay of a `google.rpc.RetryInfo` among the details of a serialized
/// `google.rpc.Status` (gRPC's `grpc-status-details-bin`): Status {3 details: repeated
/// Any {1 type_url, 2 value}}, RetryInfo {1 retry_delay: Duration {1 seconds, 2 nanos}}.
/// Nullopt when there is none or the bytes do not parse.
inline std::optional<std::chrono::milliseconds> grpc_retry_info_delay(std::string_view status_details) noexcept {
  constexpr std::string_view retry_info_type = "google.rpc.RetryInfo";
  for (ProtoReader status(status_details); status.next();) {
    if (status.field() != 3 || status.wire_type() != 2) continue;
    std::string_view type_url, value;
    for (ProtoReader any(status.bytes()); any.next();) {
      if (any.field() == 1 && any.wire_type() == 2) type_url = any.bytes();
      if (any.field() == 2 && any.wire_type() == 2) value = any.bytes();
    }
    if (type_url.size() < retry_info_type.size() ||
        type_url.substr(type_url.size() - retry_info_type.size()) != retry_info_type) {
      continue;
    }
    std::uint64_t seconds = 0, nanos = 0;
    for (ProtoReader info(value); info.next();) {
      if (info.field() != 1 || info.wire_type() != 2) continue;
      for (ProtoReader duration(info.bytes()); duration.next();) {
        if (duration.field() == 1 && duration.wire_type() == 0) seconds = duration.varint();
        if (duration.field() == 2 && duration.wire_type() == 0) nanos = duration.varint();
      }
    }
    // A negative or absurd delay (more than a day) is not one to honour.
    if (seconds > 86400 || nanos >= 1000000000) return std::nullopt;
    return std::chrono::milliseconds(static_cast<std::int64_t>(seconds * 1000 + nanos / 1000000));
  }
  return std::nullopt;
}

/// The name of a gRPC status code as the gRPC documentation spells it, for diagnostics.
inline std::string_view grpc_status_name(grpc::StatusCode code) noexcept {
  return grpc_status_code_name(static_cast<int>(code));
}

/// Where a gRPC channel connects for an OTLP endpoint: `http://host:port` (plaintext),
/// `https://host:port` (TLS) or `host:port` (TLS unless insecure); a missing port is the
/// scheme's (80, 443); a path is ignored (gRPC routes by method name).
inline std::string grpc_target(std::string_view endpoint) {
  std::string_view rest = endpoint;
  std::string_view default_port = "443";
  if (rest.compare(0, 7, "http://") == 0) {
    rest.remove_prefix(7);
    default_port = "80";
  } else if (rest.compare(0, 8, "https://") == 0) {
    rest.remove_prefix(8);
  }
  rest = rest.substr(0, rest.find('/'));
  return split_host_port(rest).port ? std::string(rest) : std::string(rest) + ":" + std::string(default_port);
}

/// True if gRPC accepts `key: value` as custom metadata: a lowercase token not reserved
/// by gRPC, and a printable ASCII value (binary `-bin` keys excepted).
inline bool is_grpc_metadata(std::string_view key, std::string_view value) noexcept {
  if (key.empty() || key.compare(0, 5, "grpc-") == 0) return false;
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.')) return false;
  }
  if (key.size() > 4 && key.substr(key.size() - 4) == "-bin") return true;
  for (char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace detail

/// Exports spans as OTLP/gRPC: the `ExportTraceServiceRequest` bytes of the same encoder
/// the HTTP exporter uses, sent with gRPC's generic (byte-buffer) stub to
/// `/opentelemetry.proto.collector.trace.v1.TraceService/Export`, so neither the library
/// nor the application needs protobuf code generation. Endpoint (default
/// `http://localhost:4317`): `http://` is plaintext, `https://` TLS, a bare `host:port`
/// TLS unless `OTEL_EXPORTER_OTLP_INSECURE=true`; TLS verifies the server against
/// `OTEL_EXPORTER_OTLP_CERTIFICATE` (else the system roots) and presents the client
/// certificate files if set. Headers are sent as call metadata (keys lowercased; pairs
/// gRPC would refuse are skipped with a warning that never shows the value), `gzip`
/// compresses the message, and the timeout bounds the export, retries included.
///
/// Retries follow the specification: CANCELLED, DEADLINE_EXCEEDED, ABORTED, OUT_OF_RANGE,
/// UNAVAILABLE and DATA_LOSS after the retry policy's backoff (or the server's RetryInfo
/// delay), RESOURCE_EXHAUSTED only when the server sent a RetryInfo. A partial success
/// in the response is counted as rejected spans and logged, never retried. Called from
/// the processor's thread only; `shutdown` cancels a call in flight.
///
/// Built only with tracewire::otlp_grpc (gRPC C++).
///
/// **Example**:
/// ```
/// auto config = tracewire::make_otlp_exporter_config_from_environment(tracewire::ProcessEnvironment());
/// config.protocol = tracewire::OtlpProtocol::grpc;
/// auto exporter = std::make_unique<tracewire::OtlpGrpcExporter>(tracewire::finalize_config(config));
/// ```
class OtlpGrpcExporter final : public SpanExporter {
 public:
  /// The method every OTLP trace receiver serves.
  static constexpr const char* export_method = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

  explicit OtlpGrpcExporter(FinalizedOtlpExporterConfig config)
      : config_(std::move(config)), report_("OtlpGrpcExporter", config_.endpoint), retry_(config_.retry) {
    if (config_.protocol != OtlpProtocol::grpc) {
      detail::log(LogLevel::warn, "OtlpGrpcExporter given protocol {}; sending grpc to {}", to_string(config_.protocol),
                  config_.endpoint);
    }
    for (const auto& [key, value] : config_.headers) {
      std::string lower = detail::to_lower(key);
      if (detail::is_grpc_metadata(lower, value)) {
        metadata_.emplace_back(std::move(lower), value);
      } else {
        detail::log(LogLevel::warn, "OTLP/gRPC: header {:?} is not valid gRPC metadata; not sent", key);
      }
    }
    grpc::ChannelArguments arguments;
    arguments.SetInt(GRPC_ARG_ENABLE_RETRIES, 0);  // retries are ours, bounded by the export timeout
    arguments.SetUserAgentPrefix("tracewire/" TRACEWIRE_VERSION_STRING);
    channel_ = grpc::CreateCustomChannel(detail::grpc_target(config_.endpoint), credentials(), arguments);
    stub_ = std::make_unique<grpc::GenericStub>(channel_);
  }

  ExportResult export_spans(ArrayView<const SpanData*> batch) noexcept override {
    return export_spans_until(batch, std::chrono::steady_clock::time_point::max());
  }

  ExportResult export_spans_until(ArrayView<const SpanData*> batch,
                                  std::chrono::steady_clock::time_point deadline) noexcept override {
    detail::ExportGate::Pass pass(gate_);
    if (!pass.open()) return report_.fail(batch.size(), "the exporter is shut down");
    if (!setup_error_.empty()) return report_.fail(batch.size(), setup_error_);
    try {
      const std::string_view body = encoder_.encode(batch, OtlpEncoding::protobuf);
      const std::uint64_t spans = encoder_.span_count();
      if (spans == 0) return ExportResult::success;
      grpc::Slice slice(body.data(), body.size());
      const grpc::ByteBuffer request(&slice, 1);
      deadline = std::min(deadline, std::chrono::steady_clock::now() + config_.timeout);
      std::optional<grpc::Status> status;
      std::string response;
      bool retryable = false;
      const std::uint32_t attempts =
          detail::retry_until(deadline, retry_, wait_, [&](std::chrono::milliseconds remaining, std::uint32_t attempt) {
            auto& counters = report_.counters();
            counters.add(counters.requests_sent, 1);
            counters.add(counters.bytes_sent, body.size());
            if (attempt > 1) counters.add(counters.requests_retried, 1);
            response.clear();
            status = call(request, remaining, response);
            detail::AttemptOutcome outcome;
            if (status->ok()) return outcome;
            outcome.server_delay = detail::grpc_retry_info_delay(status->error_details());
            outcome.retryable = detail::is_retryable_grpc_status(status->error_code()) ||
                                (status->error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED && outcome.server_delay);
            retryable = outcome.retryable;
            return outcome;
          });
      if (attempts == 0 || !status) return report_.fail(spans, "the export deadline had passed");
      if (status->ok()) return acceptance_.accept(report_, spans, response, OtlpEncoding::protobuf, false);
      return report_.fail(spans, fmt::format("gRPC {}: {}{}", detail::grpc_status_name(status->error_code()),
                                             detail::body_excerpt(status->error_message()),
                                             wait_.interrupted() ? " (shutting down)"
                                             : retryable         ? " (retries exhausted)"
                                                                 : ""));
    } catch (...) {
      return report_.fail(batch.size(), "out of memory while encoding");
    }
  }

  /// Refuses new exports, cancels the call in flight and any retry wait, and waits up to
  /// `timeout` for the export to return.
  bool shutdown(std::chrono::milliseconds timeout) noexcept override {
    return gate_.shutdown(timeout, [this] {
      wait_.interrupt();
      std::lock_guard<std::mutex> lock(call_mutex_);
      if (current_call_ != nullptr) current_call_->TryCancel();
    });
  }

  std::string describe() const override {
    std::string names;
    for (const auto& header : metadata_) names.append(names.empty() ? "" : ",").append(header.first);
    return fmt::format("OtlpGrpcExporter{{endpoint={}, tls={}, compression={}, timeout={}ms, headers=[{}]}}",
                       config_.endpoint, config_.uses_tls() ? "on" : "off", config_.gzip ? "gzip" : "none",
                       config_.timeout.count(), names);
  }

  /// Spans exported, failed and rejected, and calls made and retried so far.
  ExportStats stats() const noexcept override { return report_.stats(); }
  const FinalizedOtlpExporterConfig& config() const noexcept { return config_; }

 private:
  // One unary call, waited for; the deadline guarantees the completion callback runs.
  grpc::Status call(const grpc::ByteBuffer& request, std::chrono::milliseconds timeout, std::string& response_bytes) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + timeout);
    for (const auto& [key, value] : metadata_) context.AddMetadata(key, value);
    if (config_.gzip) context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
    {
      std::lock_guard<std::mutex> lock(call_mutex_);
      if (wait_.interrupted()) return grpc::Status(grpc::StatusCode::CANCELLED, "the exporter is shutting down");
      current_call_ = &context;
    }
    grpc::ByteBuffer response;
    std::mutex done_mutex;
    std::condition_variable done_condition;
    std::optional<grpc::Status> result;
    stub_->UnaryCall(&context, export_method, grpc::StubOptions(), &request, &response, [&](grpc::Status status) {
      std::lock_guard<std::mutex> lock(done_mutex);
      result = std::move(status);
      done_condition.notify_all();
    });
    {
      std::unique_lock<std::mutex> lock(done_mutex);
      done_condition.wait(lock, [&] { return result.has_value(); });
    }
    {
      std::lock_guard<std::mutex> lock(call_mutex_);
      current_call_ = nullptr;
    }
    if (result->ok()) {
      std::vector<grpc::Slice> slices;
      if (response.Dump(&slices).ok()) {
        for (const grpc::Slice& slice : slices) {
          response_bytes.append(reinterpret_cast<const char*>(slice.begin()), slice.size());
        }
      }
    }
    return *result;
  }

  std::shared_ptr<grpc::ChannelCredentials> credentials() {
    if (!config_.uses_tls()) return grpc::InsecureChannelCredentials();
    grpc::SslCredentialsOptions tls;
    tls.pem_root_certs = read_pem(config_.certificate_file, "OTEL_EXPORTER_OTLP_CERTIFICATE");
    tls.pem_private_key = read_pem(config_.client_key_file, "OTEL_EXPORTER_OTLP_CLIENT_KEY");
    tls.pem_cert_chain = read_pem(config_.client_certificate_file, "OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE");
    return grpc::SslCredentials(tls);
  }

  // The file's contents. An unreadable file makes every export fail with that reason:
  // leaving it out would trust the system roots instead, or send no client certificate.
  std::string read_pem(const std::string& path, std::string_view variable) {
    if (path.empty()) return {};
    std::ifstream file(path, std::ios::binary);
    std::string contents((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    if (contents.empty() && setup_error_.empty()) {
      setup_error_ = fmt::format("cannot read the {} file {:?}", variable, path);
    }
    return contents;
  }

  FinalizedOtlpExporterConfig config_;
  std::string setup_error_;  // a TLS file that cannot be read: every export fails with it
  std::vector<std::pair<std::string, std::string>> metadata_;
  OtlpEncoder encoder_;
  detail::ExportReport report_;
  detail::OtlpAcceptance acceptance_;
  detail::ExportGate gate_;
  detail::RetryPolicy retry_;
  detail::RetryWait wait_;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<grpc::GenericStub> stub_;
  std::mutex call_mutex_;
  grpc::ClientContext* current_call_ = nullptr;  // the call shutdown cancels
};

namespace detail {
inline std::unique_ptr<SpanExporter> make_otlp_grpc_exporter(FinalizedOtlpExporterConfig config) {
  return std::make_unique<OtlpGrpcExporter>(std::move(config));
}
/// Including this header lets `make_otlp_exporter_from_environment` build an OtlpGrpcExporter
/// anywhere in the program (see RegisteredFactory for why this is not a macro).
inline const bool otlp_grpc_exporter_registered = (GrpcExporterFactory::set(&make_otlp_grpc_exporter), true);
}  // namespace detail

}  // namespace v0
}  // namespace tracewire

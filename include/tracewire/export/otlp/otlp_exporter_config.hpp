// OtlpExporterConfig: what the OTLP exporters are configured by, in two steps.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracewire/core/logger.hpp"
#include "tracewire/export/retry_options.hpp"
#include "tracewire/transport/http_client.hpp"

namespace tracewire {
inline namespace v0 {

/// How OTLP is carried: protobuf or JSON over HTTP (port 4318), or gRPC (port 4317).
enum class OtlpProtocol { http_protobuf, http_json, grpc };

constexpr std::string_view to_string(OtlpProtocol protocol) noexcept {
  switch (protocol) {
    case OtlpProtocol::http_json:
      return "http/json";
    case OtlpProtocol::grpc:
      return "grpc";
    default:
      return "http/protobuf";
  }
}

/// The finished configuration of an OTLP exporter: every value decided, endpoint resolved.
/// Built by `finalize_config(OtlpExporterConfig)`; the exporters take it as is.
struct FinalizedOtlpExporterConfig {
  OtlpProtocol protocol = OtlpProtocol::http_protobuf;
  /// HTTP: the full URL requests are POSTed to. gRPC: `scheme://host:port` or `host:port`.
  std::string endpoint = "http://localhost:4318/v1/traces";
  HttpHeaders headers;  ///< values may be secrets (API keys): never logged
  std::chrono::milliseconds timeout{10000};
  bool gzip = false;
  bool insecure = false;  ///< gRPC only: plaintext for an endpoint without a scheme
  std::string certificate_file;
  std::string client_key_file;
  std::string client_certificate_file;
  RetryOptions retry;

  /// True if the connection uses TLS (an `https` endpoint; for gRPC also a scheme-less
  /// endpoint unless `insecure`).
  bool uses_tls() const noexcept {
    if (endpoint.compare(0, 8, "https://") == 0) return true;
    if (endpoint.compare(0, 7, "http://") == 0) return false;
    return protocol == OtlpProtocol::grpc && !insecure;
  }
};

/// The settings of the OTLP exporters, each optional: an unset field takes the
/// specification's default in `finalize_config`. Fill it in code, from the environment
/// with `make_otlp_exporter_config_from_environment` (config/otlp_from_environment.hpp), or
/// both (assign your fields after reading the environment to make code win). Every
/// variable has a `OTEL_EXPORTER_OTLP_TRACES_*` form that wins over the generic
/// `OTEL_EXPORTER_OTLP_*` one.
///
/// **Example**:
/// ```
/// auto config = tracewire::make_otlp_exporter_config_from_environment(tracewire::ProcessEnvironment());
/// config.timeout = std::chrono::seconds(5);
/// tracewire::OtlpHttpExporter exporter(tracewire::finalize_config(config));
/// ```
struct OtlpExporterConfig {
  /// OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: the URL used exactly as given.
  std::optional<std::string> traces_endpoint;
  /// OTEL_EXPORTER_OTLP_ENDPOINT: a base URL; HTTP appends `v1/traces` to it, gRPC uses
  /// it as is. Default `http://localhost:4318` (HTTP) or `http://localhost:4317` (gRPC).
  std::optional<std::string> endpoint;
  /// OTEL_EXPORTER_OTLP_(TRACES_)PROTOCOL: `http/protobuf` (default), `http/json`, `grpc`.
  std::optional<OtlpProtocol> protocol;
  /// OTEL_EXPORTER_OTLP_(TRACES_)HEADERS: `key=value,key2=value2`, percent-decoded.
  std::optional<HttpHeaders> headers;
  /// OTEL_EXPORTER_OTLP_(TRACES_)TIMEOUT in milliseconds (default 10000): the bound of one
  /// export, retries included.
  std::optional<std::chrono::milliseconds> timeout;
  /// OTEL_EXPORTER_OTLP_(TRACES_)COMPRESSION: `gzip` or `none` (default).
  std::optional<bool> gzip;
  /// OTEL_EXPORTER_OTLP_(TRACES_)INSECURE: gRPC without TLS for a scheme-less endpoint.
  std::optional<bool> insecure;
  /// OTEL_EXPORTER_OTLP_(TRACES_)CERTIFICATE: PEM file of the CAs that verify the server.
  std::optional<std::string> certificate_file;
  /// OTEL_EXPORTER_OTLP_(TRACES_)CLIENT_KEY: PEM private key for mutual TLS.
  std::optional<std::string> client_key_file;
  /// OTEL_EXPORTER_OTLP_(TRACES_)CLIENT_CERTIFICATE: PEM certificate chain for mutual TLS.
  std::optional<std::string> client_certificate_file;
  /// Backoff between retries (no environment variable).
  std::optional<RetryOptions> retry;
};

namespace detail {
/// `base` + `v1/traces`, with exactly one `/` between them (the generic endpoint rule).
inline std::string append_traces_path(std::string_view base) {
  std::string url(base);
  if (url.empty() || url.back() != '/') url += '/';
  return url + "v1/traces";
}
}  // namespace detail

/// Applies the defaults and the options.endpoint rules of the specification.
inline FinalizedOtlpExporterConfig finalize_config(const OtlpExporterConfig& options) {
  FinalizedOtlpExporterConfig config;
  config.protocol = options.protocol.value_or(OtlpProtocol::http_protobuf);
  const bool grpc = config.protocol == OtlpProtocol::grpc;
  if (options.traces_endpoint) {
    config.endpoint = *options.traces_endpoint;
  } else if (options.endpoint) {
    config.endpoint = grpc ? *options.endpoint : detail::append_traces_path(*options.endpoint);
  } else {
    config.endpoint = grpc ? "http://localhost:4317" : "http://localhost:4318/v1/traces";
  }
  if (options.headers) config.headers = *options.headers;
  config.timeout = options.timeout.value_or(std::chrono::milliseconds(10000));
  config.gzip = options.gzip.value_or(false);
  config.insecure = options.insecure.value_or(false);
  config.certificate_file = options.certificate_file.value_or(std::string());
  config.client_key_file = options.client_key_file.value_or(std::string());
  config.client_certificate_file = options.client_certificate_file.value_or(std::string());
  if (options.retry) config.retry = *options.retry;
  return config;
}

}  // namespace v0
}  // namespace tracewire

// OtlpExporterOptions: what the OTLP exporters are configured by, and its OTEL_* variables.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracewire/config/environment.hpp"
#include "tracewire/core/detail/percent_encoding.hpp"
#include "tracewire/core/logger.hpp"
#include "tracewire/export/detail/retry_policy.hpp"
#include "tracewire/transport/http_client.hpp"

namespace tracewire {
inline namespace v0 {

/// How OTLP is carried: protobuf or JSON over HTTP (port 4318), or gRPC (port 4317).
enum class OtlpProtocol { http_protobuf, http_json, grpc };

constexpr std::string_view to_string(OtlpProtocol protocol) noexcept {
  switch (protocol) {
    case OtlpProtocol::http_json: return "http/json";
    case OtlpProtocol::grpc: return "grpc";
    default: return "http/protobuf";
  }
}

/// The finished configuration of an OTLP exporter: every value decided, endpoint resolved.
/// Built by `OtlpExporterOptions::finalize()`; the exporters take it as is.
struct OtlpExporterConfig {
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
  detail::RetryPolicy::Options retry;

  /// True if the connection uses TLS (an `https` endpoint; for gRPC also a scheme-less
  /// endpoint unless `insecure`).
  bool uses_tls() const noexcept {
    if (endpoint.compare(0, 8, "https://") == 0) return true;
    if (endpoint.compare(0, 7, "http://") == 0) return false;
    return protocol == OtlpProtocol::grpc && !insecure;
  }
};

/// The settings of the OTLP exporters, each optional: an unset field takes the
/// specification's default in `finalize()`. Fill it in code, from the environment with
/// `from_environment()`, or both (assign your fields after reading the environment to
/// make code win). Every variable has a `OTEL_EXPORTER_OTLP_TRACES_*` form that wins over
/// the generic `OTEL_EXPORTER_OTLP_*` one.
///
/// **Example**:
/// ```
/// auto options = tracewire::OtlpExporterOptions::from_environment(tracewire::ProcessEnvironment());
/// options.timeout = std::chrono::seconds(5);
/// tracewire::OtlpHttpExporter exporter(options.finalize());
/// ```
struct OtlpExporterOptions {
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
  std::optional<detail::RetryPolicy::Options> retry;

  /// Reads the OTEL_EXPORTER_OTLP_* variables. An invalid value is reported once (naming
  /// the variable; header values, which may be secrets, are never shown) and left unset,
  /// so the default applies.
  static OtlpExporterOptions from_environment(const Environment& environment) {
    OtlpExporterOptions options;
    if (auto name = first_set(environment, "ENDPOINT", true)) {
      options.traces_endpoint = read_url(environment, *name);
    }
    if (auto name = first_set(environment, "ENDPOINT", false)) options.endpoint = read_url(environment, *name);
    if (auto name = first_set(environment, "PROTOCOL")) {
      const std::string value = env::get_choice(environment, *name, "http/protobuf", {"http/protobuf", "http/json", "grpc"});
      options.protocol = value == "grpc" ? OtlpProtocol::grpc
                         : value == "http/json" ? OtlpProtocol::http_json
                                                : OtlpProtocol::http_protobuf;
    }
    if (auto name = first_set(environment, "HEADERS")) options.headers = read_headers(environment, *name);
    if (auto name = first_set(environment, "TIMEOUT")) {
      options.timeout = env::get_timeout(environment, *name, std::chrono::milliseconds(10000));
    }
    if (auto name = first_set(environment, "COMPRESSION")) {
      options.gzip = env::get_choice(environment, *name, "none", {"gzip", "none"}) == "gzip";
    }
    if (auto name = first_set(environment, "INSECURE")) options.insecure = env::get_bool(environment, *name, false);
    if (auto name = first_set(environment, "CERTIFICATE")) options.certificate_file = environment.get(*name);
    if (auto name = first_set(environment, "CLIENT_KEY")) options.client_key_file = environment.get(*name);
    if (auto name = first_set(environment, "CLIENT_CERTIFICATE")) {
      options.client_certificate_file = environment.get(*name);
    }
    return options;
  }

  /// Applies the defaults and the endpoint rules of the specification.
  OtlpExporterConfig finalize() const {
    OtlpExporterConfig config;
    config.protocol = protocol.value_or(OtlpProtocol::http_protobuf);
    const bool grpc = config.protocol == OtlpProtocol::grpc;
    if (traces_endpoint) {
      config.endpoint = *traces_endpoint;
    } else if (endpoint) {
      config.endpoint = grpc ? *endpoint : append_traces_path(*endpoint);
    } else {
      config.endpoint = grpc ? "http://localhost:4317" : "http://localhost:4318/v1/traces";
    }
    if (headers) config.headers = *headers;
    config.timeout = timeout.value_or(std::chrono::milliseconds(10000));
    config.gzip = gzip.value_or(false);
    config.insecure = insecure.value_or(false);
    config.certificate_file = certificate_file.value_or(std::string());
    config.client_key_file = client_key_file.value_or(std::string());
    config.client_certificate_file = client_certificate_file.value_or(std::string());
    if (retry) config.retry = *retry;
    return config;
  }

  /// `base` + `v1/traces`, with exactly one `/` between them (the generic endpoint rule).
  static std::string append_traces_path(std::string_view base) {
    std::string url(base);
    if (url.empty() || url.back() != '/') url += '/';
    return url + "v1/traces";
  }

  /// Parses `key=value,key2=value2` (W3C baggage-like, percent-decoded, spaces around
  /// items trimmed). Bad items are skipped and reported in one warning that names the
  /// variable and the items' positions but never a value (values may be secrets), once
  /// per value of the variable.
  static HttpHeaders parse_headers(std::string_view text, std::string_view variable) {
    HttpHeaders headers;
    std::size_t position = 0;
    std::vector<std::size_t> bad;
    for (std::string_view item : detail::split_list(text)) {
      ++position;
      const std::size_t equals = item.find('=');
      std::optional<std::string> key, value;
      if (equals != std::string_view::npos) {
        key = detail::percent_decode(detail::trim_spaces(item.substr(0, equals)));
        value = detail::percent_decode(detail::trim_spaces(item.substr(equals + 1)));
      }
      if (!key || !value || key->empty() || !is_header_name(*key) || !is_header_value(*value)) {
        bad.push_back(position);
        continue;
      }
      headers.emplace_back(std::move(*key), std::move(*value));
    }
    if (!bad.empty()) {
      std::string positions;
      for (std::size_t i = 0; i < bad.size() && i < 5; ++i) positions += fmt::format("{}{}", i > 0 ? ", " : "", bad[i]);
      if (bad.size() > 5) positions += fmt::format(" and {} more", bad.size() - 5);
      detail::warn_once(variable, text,
                        "invalid {}: {} item(s) (number {}) are not percent-encoded key=value headers; ignoring them",
                        variable, bad.size(), positions);
    }
    return headers;
  }

 private:
  // The name of the first set variable of OTEL_EXPORTER_OTLP_TRACES_<suffix> and
  // OTEL_EXPORTER_OTLP_<suffix> (signal-specific first).
  static std::optional<std::string> first_set(const Environment& environment, std::string_view suffix) {
    if (auto name = first_set(environment, suffix, true)) return name;
    return first_set(environment, suffix, false);
  }
  static std::optional<std::string> first_set(const Environment& environment, std::string_view suffix,
                                              bool traces) {
    std::string name = traces ? "OTEL_EXPORTER_OTLP_TRACES_" : "OTEL_EXPORTER_OTLP_";
    name.append(suffix);
    if (environment.get(name)) return name;
    return std::nullopt;
  }

  // An endpoint that cannot work is rejected here, once, naming the variable, rather than
  // failing at every export; gRPC also takes a scheme-less `host:port`.
  static std::optional<std::string> read_url(const Environment& environment, const std::string& name) {
    const std::string raw = *environment.get(name);
    const std::string_view value = detail::trim_spaces(raw);
    const std::optional<std::string> problem = detail::endpoint_problem(value, /*allow_host_port=*/true);
    if (!problem) return std::string(value);
    const bool traces = name.find("_TRACES_") != std::string::npos;
    detail::warn_invalid(name, raw, "an http:// or https:// URL with a host (" + *problem + ")",
                         traces ? "OTEL_EXPORTER_OTLP_ENDPOINT or the default endpoint" : "the default endpoint");
    return std::nullopt;
  }

  static HttpHeaders read_headers(const Environment& environment, const std::string& name) {
    return parse_headers(*environment.get(name), name);
  }

  // RFC 9110 token characters; values must not contain CR, LF or NUL (no header splitting).
  static bool is_header_name(std::string_view name) noexcept {
    for (char c : name) {
      const bool token = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
      if (!token) return false;
    }
    return true;
  }
  static bool is_header_value(std::string_view value) noexcept {
    return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
  }
};

}  // namespace v0
}  // namespace tracewire

// The OTLP exporters' OTEL_EXPORTER_OTLP_* variables, and the exporter OTEL_TRACES_EXPORTER=otlp names.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracewire/config/environment.hpp"
#include "tracewire/core/logger.hpp"
#include "tracewire/core/detail/ascii.hpp"
#include "tracewire/core/detail/host_port.hpp"
#include "tracewire/core/detail/percent_encoding.hpp"
#include "tracewire/export/otlp/detail/grpc_exporter_factory.hpp"
#include "tracewire/export/otlp/otlp_exporter_config.hpp"
#include "tracewire/export/otlp/otlp_http_exporter.hpp"
#include "tracewire/trace/span_exporter.hpp"
#include "tracewire/transport/http_client.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

// The name of the first set variable of OTEL_EXPORTER_OTLP_TRACES_<suffix> and
// OTEL_EXPORTER_OTLP_<suffix> (signal-specific first).
inline std::optional<std::string> otlp_variable(const Environment& environment, std::string_view suffix, bool traces) {
  std::string name = traces ? "OTEL_EXPORTER_OTLP_TRACES_" : "OTEL_EXPORTER_OTLP_";
  name.append(suffix);
  if (environment.get(name)) return name;
  return std::nullopt;
}
inline std::optional<std::string> otlp_variable(const Environment& environment, std::string_view suffix) {
  if (auto name = otlp_variable(environment, suffix, true)) return name;
  return otlp_variable(environment, suffix, false);
}

// An endpoint that cannot work is rejected here, once, naming the variable, rather than
// failing at every export; gRPC also takes a scheme-less `host:port`.
inline std::optional<std::string> read_otlp_endpoint(const Environment& environment, const std::string& name) {
  const std::string raw = *environment.get(name);
  const std::string_view value = trim_spaces(raw);
  const std::optional<std::string> problem = endpoint_problem(value, /*allow_host_port=*/true);
  if (!problem) return std::string(value);
  const bool traces = name.find("_TRACES_") != std::string::npos;
  warn_invalid(name, raw, "an http:// or https:// URL with a host (" + *problem + ")",
               traces ? "OTEL_EXPORTER_OTLP_ENDPOINT or the default endpoint" : "the default endpoint");
  return std::nullopt;
}

// Header names are RFC 9110 tokens; values must not contain CR, LF or NUL (no header splitting).
inline bool is_http_header_value(std::string_view value) noexcept {
  return value.find_first_of(std::string_view("\r\n\0", 3)) == std::string_view::npos;
}

/// Parses `key=value,key2=value2` (W3C baggage-like, percent-decoded, spaces around
/// items trimmed). Bad items are skipped and reported in one warning that names the
/// variable and the items' positions but never a value (values may be secrets), once
/// per value of the variable.
inline HttpHeaders parse_otlp_headers(std::string_view text, std::string_view variable) {
  HttpHeaders headers;
  std::vector<std::size_t> bad;
  detail::for_each_key_value(text, [&](const KeyValueItem& item) {
    if (item.problem == KeyValueItem::Problem::none && is_token(item.key) && is_http_header_value(item.value)) {
      headers.emplace_back(item.key, item.value);
    } else {
      bad.push_back(item.position);
    }
    return true;
  });
  if (!bad.empty()) {
    std::string positions;
    for (std::size_t i = 0; i < bad.size() && i < 5; ++i) positions += fmt::format("{}{}", i > 0 ? ", " : "", bad[i]);
    if (bad.size() > 5) positions += fmt::format(" and {} more", bad.size() - 5);
    warn_once(variable, text,
              "invalid {}: {} item(s) (number {}) are not percent-encoded key=value headers; ignoring them", variable,
              bad.size(), positions);
  }
  return headers;
}

inline HttpHeaders read_otlp_headers(const Environment& environment, const std::string& name) {
  return parse_otlp_headers(*environment.get(name), name);
}

}  // namespace detail

/// Reads the OTEL_EXPORTER_OTLP_* variables (the `_TRACES_` form of each winning) into an
/// OtlpExporterConfig. An invalid value is reported once (naming the variable; header
/// values, which may be secrets, are never shown) and left unset, so the default applies.
///
/// **Example**:
/// ```
/// auto config = tracewire::make_otlp_exporter_config_from_environment(tracewire::ProcessEnvironment());
/// config.timeout = std::chrono::seconds(5);  // code wins when assigned after
/// auto exporter = std::make_unique<tracewire::OtlpHttpExporter>(tracewire::finalize_config(config));
/// ```
inline OtlpExporterConfig make_otlp_exporter_config_from_environment(const Environment& environment) {
  OtlpExporterConfig options;
  if (auto name = detail::otlp_variable(environment, "ENDPOINT", true)) {
    options.traces_endpoint = detail::read_otlp_endpoint(environment, *name);
  }
  if (auto name = detail::otlp_variable(environment, "ENDPOINT", false))
    options.endpoint = detail::read_otlp_endpoint(environment, *name);
  if (auto name = detail::otlp_variable(environment, "PROTOCOL")) {
    const std::string value =
        env::get_choice(environment, *name, "http/protobuf", {"http/protobuf", "http/json", "grpc"});
    options.protocol = value == "grpc"        ? OtlpProtocol::grpc
                       : value == "http/json" ? OtlpProtocol::http_json
                                              : OtlpProtocol::http_protobuf;
  }
  if (auto name = detail::otlp_variable(environment, "HEADERS"))
    options.headers = detail::read_otlp_headers(environment, *name);
  if (auto name = detail::otlp_variable(environment, "TIMEOUT")) {
    options.timeout = env::get_timeout(environment, *name, std::chrono::milliseconds(10000));
  }
  if (auto name = detail::otlp_variable(environment, "COMPRESSION")) {
    options.gzip = env::get_choice(environment, *name, "none", {"gzip", "none"}) == "gzip";
  }
  if (auto name = detail::otlp_variable(environment, "INSECURE"))
    options.insecure = env::get_bool(environment, *name, false);
  if (auto name = detail::otlp_variable(environment, "CERTIFICATE")) options.certificate_file = environment.get(*name);
  if (auto name = detail::otlp_variable(environment, "CLIENT_KEY")) options.client_key_file = environment.get(*name);
  if (auto name = detail::otlp_variable(environment, "CLIENT_CERTIFICATE")) {
    options.client_certificate_file = environment.get(*name);
  }
  return options;
}

namespace detail {

/// The OTLP/HTTP endpoint to use instead of a gRPC one when gRPC is not in the program. The
/// Collector, Tempo and Jaeger serve OTLP/HTTP on 4318 next to gRPC on 4317, so an
/// endpoint on the gRPC default port moves to 4318; any other port is kept (a proxy or a
/// receiver configured by hand). A gRPC endpoint has no path, so `/v1/traces` is added
/// to one without a path (the traces endpoint included, which HTTP otherwise uses as is).
inline std::string http_fallback_endpoint(const OtlpExporterConfig& options) {
  OtlpExporterConfig http = options;
  http.protocol = OtlpProtocol::http_protobuf;
  std::string url = finalize_config(http).endpoint;
  const std::size_t authority = url.find("://");
  const std::size_t host_start = authority == std::string::npos ? 0 : authority + 3;
  const std::size_t path = url.find('/', host_start);
  const std::size_t authority_end = path == std::string::npos ? url.size() : path;
  if (split_host_port(std::string_view(url).substr(host_start, authority_end - host_start)).port ==
      std::string_view("4317")) {
    url.replace(authority_end - 4, 4, "4318");
  }
  if (path == std::string::npos || path + 1 == url.size()) url = append_traces_path(url);
  if (url.compare(0, 7, "http://") != 0 && url.compare(0, 8, "https://") != 0) {
    // gRPC accepts `host:port`; HTTP needs a scheme: TLS unless the user asked for insecure.
    url.insert(0, options.insecure.value_or(false) ? "http://" : "https://");
  }
  return url;
}

}  // namespace detail

/// The exporter for `OTEL_TRACES_EXPORTER=otlp` (the specification's default exporter),
/// chosen by `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL`:
///
/// - `http/protobuf` (default) and `http/json`: an OtlpHttpExporter posting through
///   `http_client`, by default the program's default client (a CurlHttpClient when any
///   translation unit includes `tracewire/transport/curl_http_client.hpp`);
/// - `grpc`: an OtlpGrpcExporter when any translation unit of the program includes
///   `tracewire/export/otlp/otlp_grpc_exporter.hpp` (link tracewire::otlp_grpc). Without
///   it, tracewire warns once (naming the header and the target) and sends http/protobuf
///   instead, to the same host with the gRPC default port 4317 changed to the OTLP/HTTP
///   port 4318: the Collector, Tempo and Jaeger listen on both, so spans still arrive
///   rather than being dropped by a missing build option.
///
/// Every other setting (endpoint, headers, timeout, compression, TLS files) is read by
/// `make_otlp_exporter_config_from_environment`.
///
/// **Example**: `auto exporter = tracewire::make_otlp_exporter_from_environment(tracewire::ProcessEnvironment());`
inline std::unique_ptr<SpanExporter> make_otlp_exporter_from_environment(
    const Environment& environment, std::unique_ptr<HttpClient> http_client = nullptr) {
  OtlpExporterConfig options = make_otlp_exporter_config_from_environment(environment);
  if (options.protocol.value_or(OtlpProtocol::http_protobuf) == OtlpProtocol::grpc) {
    if (auto* make_grpc_exporter = detail::GrpcExporterFactory::get())
      return make_grpc_exporter(finalize_config(options));
    const std::string endpoint = detail::http_fallback_endpoint(options);
    detail::log(LogLevel::warn,
                "OTEL_EXPORTER_OTLP_PROTOCOL=grpc, but this program was built without gRPC support (include "
                "<tracewire/export/otlp/otlp_grpc_exporter.hpp> and link tracewire::otlp_grpc); sending "
                "http/protobuf to {} instead",
                endpoint);
    options.protocol = OtlpProtocol::http_protobuf;
    options.traces_endpoint = endpoint;
  }
  return std::make_unique<OtlpHttpExporter>(finalize_config(options), std::move(http_client));
}

}  // namespace v0
}  // namespace tracewire

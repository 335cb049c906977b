// Building the OTLP exporter that OTEL_TRACES_EXPORTER=otlp names, from OTEL_* variables.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "tracewire/config/environment.hpp"
#include "tracewire/core/logger.hpp"
#include "tracewire/export/otlp/detail/grpc_exporter_factory.hpp"
#include "tracewire/export/otlp/otlp_exporter_options.hpp"
#include "tracewire/export/otlp/otlp_http_exporter.hpp"
#include "tracewire/export/span_exporter.hpp"
#include "tracewire/transport/http_client.hpp"

namespace tracewire {
inline namespace v0 {
namespace detail {

/// The OTLP/HTTP endpoint to use instead of a gRPC one when gRPC is not in the program. The
/// Collector, Tempo and Jaeger serve OTLP/HTTP on 4318 next to gRPC on 4317, so an
/// endpoint on the gRPC default port moves to 4318; any other port is kept (a proxy or a
/// receiver configured by hand). A gRPC endpoint has no path, so `/v1/traces` is added
/// to one without a path (the traces endpoint included, which HTTP otherwise uses as is).
inline std::string http_fallback_endpoint(const OtlpExporterOptions& options) {
  OtlpExporterOptions http = options;
  http.protocol = OtlpProtocol::http_protobuf;
  std::string url = http.finalize().endpoint;
  const std::size_t authority = url.find("://");
  const std::size_t host_start = authority == std::string::npos ? 0 : authority + 3;
  const std::size_t path = url.find('/', host_start);
  const std::size_t port = url.rfind(":4317", path);
  if (port != std::string::npos && port >= host_start && port + 5 == (path == std::string::npos ? url.size() : path)) {
    url.replace(port, 5, ":4318");
  }
  if (path == std::string::npos || path + 1 == url.size()) url = OtlpExporterOptions::append_traces_path(url);
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
/// `OtlpExporterOptions::from_environment`.
///
/// **Example**: `auto exporter = tracewire::make_otlp_exporter_from_environment(tracewire::ProcessEnvironment());`
inline std::unique_ptr<SpanExporter> make_otlp_exporter_from_environment(
    const Environment& environment, std::unique_ptr<HttpClient> http_client = nullptr) {
  OtlpExporterOptions options = OtlpExporterOptions::from_environment(environment);
  if (options.protocol.value_or(OtlpProtocol::http_protobuf) == OtlpProtocol::grpc) {
    if (auto* make_grpc_exporter = detail::GrpcExporterFactory::get()) return make_grpc_exporter(options.finalize());
    const std::string endpoint = detail::http_fallback_endpoint(options);
    detail::log(LogLevel::warn,
                "OTEL_EXPORTER_OTLP_PROTOCOL=grpc, but this program was built without gRPC support (include "
                "<tracewire/export/otlp/otlp_grpc_exporter.hpp> and link tracewire::otlp_grpc); sending "
                "http/protobuf to {} instead",
                endpoint);
    options.protocol = OtlpProtocol::http_protobuf;
    options.traces_endpoint = endpoint;
  }
  return std::make_unique<OtlpHttpExporter>(options.finalize(), std::move(http_client));
}

}  // namespace v0
}  // namespace tracewire

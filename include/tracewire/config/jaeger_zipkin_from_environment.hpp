// Building the Jaeger and Zipkin exporters from OTEL_* environment variables.
#pragma once

#include <memory>
#include <utility>

#include "tracewire/config/environment.hpp"
#include "tracewire/export/jaeger/jaeger_http_exporter.hpp"
#include "tracewire/export/jaeger/jaeger_protocol.hpp"
#include "tracewire/export/jaeger/jaeger_udp_exporter.hpp"
#include "tracewire/export/span_exporter.hpp"
#include "tracewire/export/zipkin_exporter.hpp"
#include "tracewire/transport/http_client.hpp"

namespace tracewire {
inline namespace v0 {

/// The exporter for `OTEL_TRACES_EXPORTER=jaeger`. The specification has removed the
/// Jaeger variables, but deployments still set them, so they are honoured:
/// `OTEL_EXPORTER_JAEGER_PROTOCOL` (`udp/thrift.compact`, `udp/thrift.binary`,
/// `http/thrift.binary`), `OTEL_EXPORTER_JAEGER_AGENT_HOST` (localhost) and `_AGENT_PORT`
/// (6831, or 6832 for binary) for the agent, `OTEL_EXPORTER_JAEGER_ENDPOINT`
/// (`http://localhost:14268/api/traces`; when set without a protocol, HTTP is used),
/// `_TIMEOUT` (10000 ms), `_USER`/`_PASSWORD`. The HTTP exporter posts through
/// `http_client`, by default the program's default client (a CurlHttpClient when a source
/// file includes `tracewire/transport/curl_http_client.hpp`; without either, its exports
/// fail with a rate-limited diagnostic saying so).
///
/// **Example**: `auto exporter = tracewire::make_jaeger_exporter_from_environment(tracewire::ProcessEnvironment());`
inline std::unique_ptr<SpanExporter> make_jaeger_exporter_from_environment(
    const Environment& environment, std::unique_ptr<HttpClient> http_client = nullptr) {
  const JaegerProtocol protocol = jaeger_protocol_from_environment(environment);
  if (protocol != JaegerProtocol::http_thrift_binary) {
    return std::make_unique<JaegerUdpExporter>(JaegerUdpExporterOptions::from_environment(environment, protocol));
  }
  return std::make_unique<JaegerHttpExporter>(JaegerHttpExporterOptions::from_environment(environment),
                                              std::move(http_client));
}

/// The exporter for `OTEL_TRACES_EXPORTER=zipkin`: `OTEL_EXPORTER_ZIPKIN_ENDPOINT`
/// (`http://localhost:9411/api/v2/spans`) and `OTEL_EXPORTER_ZIPKIN_TIMEOUT` (10000 ms),
/// posting through `http_client` (by default as the Jaeger HTTP exporter does).
inline std::unique_ptr<SpanExporter> make_zipkin_exporter_from_environment(
    const Environment& environment, std::unique_ptr<HttpClient> http_client = nullptr) {
  return std::make_unique<ZipkinExporter>(ZipkinExporterOptions::from_environment(environment), std::move(http_client));
}

}  // namespace v0
}  // namespace tracewire

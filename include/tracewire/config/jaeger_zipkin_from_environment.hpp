// The Jaeger and Zipkin exporters' OTEL_* variables, and the exporters they build.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "tracewire/config/environment.hpp"
#include "tracewire/core/logger.hpp"
#include "tracewire/export/jaeger/jaeger_http_exporter.hpp"
#include "tracewire/export/jaeger/thrift_protocol.hpp"
#include "tracewire/export/jaeger/jaeger_udp_exporter.hpp"
#include "tracewire/trace/span_exporter.hpp"
#include "tracewire/export/zipkin_exporter.hpp"
#include "tracewire/transport/http_client.hpp"

namespace tracewire {
inline namespace v0 {

namespace detail {
/// The values of `OTEL_EXPORTER_JAEGER_PROTOCOL` tracewire implements: a transport and a
/// ThriftProtocol each. (`grpc` is the fourth value of that variable; tracewire does not
/// speak Jaeger's gRPC API — use OTLP for that.)
enum class JaegerProtocol { udp_thrift_compact, udp_thrift_binary, http_thrift_binary };

constexpr std::string_view to_string(JaegerProtocol protocol) noexcept {
  switch (protocol) {
    case JaegerProtocol::udp_thrift_binary:
      return "udp/thrift.binary";
    case JaegerProtocol::http_thrift_binary:
      return "http/thrift.binary";
    default:
      return "udp/thrift.compact";
  }
}

/// `OTEL_EXPORTER_JAEGER_PROTOCOL` if set; otherwise HTTP when
/// `OTEL_EXPORTER_JAEGER_ENDPOINT` is set and the agent's UDP compact protocol when not
/// (what the OpenTelemetry JS and Go Jaeger exporters did). An unknown value or `grpc`
/// is reported once and the default is used.
inline JaegerProtocol jaeger_protocol_from_environment(const Environment& environment) {
  const JaegerProtocol fallback = environment.get("OTEL_EXPORTER_JAEGER_ENDPOINT") ? JaegerProtocol::http_thrift_binary
                                                                                   : JaegerProtocol::udp_thrift_compact;
  const std::string value = env::get_choice(environment, "OTEL_EXPORTER_JAEGER_PROTOCOL", to_string(fallback),
                                            {"udp/thrift.compact", "udp/thrift.binary", "http/thrift.binary", "grpc"});
  if (value == "udp/thrift.binary") return JaegerProtocol::udp_thrift_binary;
  if (value == "http/thrift.binary") return JaegerProtocol::http_thrift_binary;
  if (value == "udp/thrift.compact") return JaegerProtocol::udp_thrift_compact;
  log(LogLevel::warn,
      "OTEL_EXPORTER_JAEGER_PROTOCOL=grpc is not supported by tracewire (export OTLP to "
      "Jaeger instead); using {}",
      to_string(fallback));
  return fallback;
}

/// The agent's settings with the protocol already read (so a bad value is reported once).
inline JaegerUdpExporterOptions jaeger_udp_exporter_options(const Environment& environment, JaegerProtocol protocol) {
  JaegerUdpExporterOptions options;
  if (protocol == JaegerProtocol::udp_thrift_binary) {
    options.protocol = ThriftProtocol::binary;
    options.port = 6832;
  }
  if (auto host = environment.get("OTEL_EXPORTER_JAEGER_AGENT_HOST")) options.host = *host;
  options.port = static_cast<std::uint16_t>(
      env::get_unsigned(environment, "OTEL_EXPORTER_JAEGER_AGENT_PORT", options.port, 1, 65535));
  return options;
}
}  // namespace detail

/// A Jaeger agent's settings from `OTEL_EXPORTER_JAEGER_PROTOCOL`, `_AGENT_HOST` and
/// `_AGENT_PORT`; a bad value is reported once and the default kept.
inline JaegerUdpExporterOptions make_jaeger_udp_exporter_options_from_environment(const Environment& environment) {
  return detail::jaeger_udp_exporter_options(environment, detail::jaeger_protocol_from_environment(environment));
}

/// A Jaeger collector's settings from `OTEL_EXPORTER_JAEGER_ENDPOINT`, `_TIMEOUT`, `_USER`
/// and `_PASSWORD`; a bad value is reported once and the default kept.
inline JaegerHttpExporterOptions make_jaeger_http_exporter_options_from_environment(const Environment& environment) {
  JaegerHttpExporterOptions options;
  options.endpoint = env::get_http_url(environment, "OTEL_EXPORTER_JAEGER_ENDPOINT", options.endpoint);
  options.timeout = env::get_timeout(environment, "OTEL_EXPORTER_JAEGER_TIMEOUT", options.timeout);
  if (auto user = environment.get("OTEL_EXPORTER_JAEGER_USER")) options.user = *user;
  if (auto password = environment.get("OTEL_EXPORTER_JAEGER_PASSWORD")) options.password = *password;
  return options;
}

/// Zipkin's settings from `OTEL_EXPORTER_ZIPKIN_ENDPOINT` and `OTEL_EXPORTER_ZIPKIN_TIMEOUT`;
/// a bad value is reported once and the default kept.
inline ZipkinExporterOptions make_zipkin_exporter_options_from_environment(const Environment& environment) {
  ZipkinExporterOptions options;
  options.endpoint = env::get_http_url(environment, "OTEL_EXPORTER_ZIPKIN_ENDPOINT", options.endpoint);
  options.timeout = env::get_timeout(environment, "OTEL_EXPORTER_ZIPKIN_TIMEOUT", options.timeout);
  return options;
}

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
  const detail::JaegerProtocol protocol = detail::jaeger_protocol_from_environment(environment);
  if (protocol != detail::JaegerProtocol::http_thrift_binary) {
    return std::make_unique<JaegerUdpExporter>(detail::jaeger_udp_exporter_options(environment, protocol));
  }
  return std::make_unique<JaegerHttpExporter>(make_jaeger_http_exporter_options_from_environment(environment),
                                              std::move(http_client));
}

/// The exporter for `OTEL_TRACES_EXPORTER=zipkin`: `OTEL_EXPORTER_ZIPKIN_ENDPOINT`
/// (`http://localhost:9411/api/v2/spans`) and `OTEL_EXPORTER_ZIPKIN_TIMEOUT` (10000 ms),
/// posting through `http_client` (by default as the Jaeger HTTP exporter does).
inline std::unique_ptr<SpanExporter> make_zipkin_exporter_from_environment(
    const Environment& environment, std::unique_ptr<HttpClient> http_client = nullptr) {
  return std::make_unique<ZipkinExporter>(make_zipkin_exporter_options_from_environment(environment),
                                          std::move(http_client));
}

}  // namespace v0
}  // namespace tracewire

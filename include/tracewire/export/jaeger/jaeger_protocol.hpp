// JaegerProtocol: which of Jaeger's Thrift transports an exporter uses.
#pragma once

#include <string_view>

#include "tracewire/config/environment.hpp"
#include "tracewire/core/logger.hpp"

namespace tracewire {
inline namespace v0 {

/// The Thrift transports a Jaeger agent or collector accepts, named as
/// `OTEL_EXPORTER_JAEGER_PROTOCOL` names them. (`grpc` is the fourth value of that
/// variable; tracewire does not speak Jaeger's gRPC API — use OTLP for that.)
enum class JaegerProtocol { udp_thrift_compact, udp_thrift_binary, http_thrift_binary };

constexpr std::string_view to_string(JaegerProtocol protocol) noexcept {
  switch (protocol) {
    case JaegerProtocol::udp_thrift_binary: return "udp/thrift.binary";
    case JaegerProtocol::http_thrift_binary: return "http/thrift.binary";
    default: return "udp/thrift.compact";
  }
}

/// `OTEL_EXPORTER_JAEGER_PROTOCOL` if set; otherwise HTTP when
/// `OTEL_EXPORTER_JAEGER_ENDPOINT` is set and the agent's UDP compact protocol when not
/// (what the OpenTelemetry JS and Go Jaeger exporters did). An unknown value or `grpc`
/// is reported once and the default is used.
inline JaegerProtocol jaeger_protocol_from_environment(const Environment& environment) {
  const JaegerProtocol fallback = environment.get("OTEL_EXPORTER_JAEGER_ENDPOINT")
                                      ? JaegerProtocol::http_thrift_binary
                                      : JaegerProtocol::udp_thrift_compact;
  const std::string value = env::get_choice(environment, "OTEL_EXPORTER_JAEGER_PROTOCOL", to_string(fallback),
                                            {"udp/thrift.compact", "udp/thrift.binary", "http/thrift.binary", "grpc"});
  if (value == "udp/thrift.binary") return JaegerProtocol::udp_thrift_binary;
  if (value == "http/thrift.binary") return JaegerProtocol::http_thrift_binary;
  if (value == "udp/thrift.compact") return JaegerProtocol::udp_thrift_compact;
  detail::log(LogLevel::warn, "OTEL_EXPORTER_JAEGER_PROTOCOL=grpc is not supported by tracewire (export OTLP to "
              "Jaeger instead); using {}", to_string(fallback));
  return fallback;
}

}  // namespace v0
}  // namespace tracewire
